// A reload of the site config on a running vigild (docs/config.md
// "Reloading the config"). The file is read, loaded and compared with the
// rules in force on a thread of its own, so a slow disk or a big site never
// holds a door decision; the loop then applies what may change between two
// inputs, every door keeping its state, and journals what it did: one
// config_reloaded with the keys it changed, or one config_reload_refused
// with the problems (the file's line and key each), the rules unchanged.
#include <spdlog/spdlog.h>

#include <fstream>
#include <future>
#include <sstream>

#include "vigil/app/clocks.hpp"
#include "vigil/app/daemon.hpp"
#include "vigil/app/site_io.hpp"
#include "vigil/config/load.hpp"
#include "vigil/config/reload.hpp"
#include "vigil/core/attr.hpp"
#include "vigil/journal/roster.hpp"

namespace vigil::app {

namespace {

// Problems in the journal and the answer: the first few, and how many.
constexpr std::size_t kProblemsShown = 5;

std::string join(const std::vector<std::string>& items, const char* separator) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : separator) + item;
  return out;
}

}  // namespace

struct Daemon::ReloadRead {
  std::string sha256;                        // of the bytes read; empty when unreadable
  std::vector<config::Diagnostic> problems;  // the file's own, or what needs a restart
  std::optional<config::ReloadPlan> plan;    // set when there are no problems
  std::unique_ptr<core::Site> site;          // the plan's site, moved here off the loop
  std::string text;                          // the file read

  // Reads the file at `path` and plans its reload over the rules in force.
  // `running.commands_listened`: vigild listens for signed MQTT commands (some
  // operator had a key at start); a first key needs that link, which only a
  // start opens (it opens the nonce table, not a thing to do on the loop).
  static std::shared_ptr<ReloadRead> of(const std::string& path, const RunningRules& running) {
    auto read = std::make_shared<ReloadRead>();
    std::ifstream in(path, std::ios::binary);
    if (!in) {
      read->problems.push_back({path, 0, 0, "cannot read the file"});
      return read;
    }
    std::ostringstream bytes;
    bytes << in.rdbuf();
    read->text = bytes.str();
    read->sha256 = journal::sha256_hex(read->text);
    auto loaded = config::load_site_config_from_string(read->text, path);
    if (!loaded.ok()) {
      read->problems = loaded.diagnostics();
      return read;
    }
    config::ReloadPlan plan =
        config::plan_reload(*running.text, *running.site, std::move(loaded).value());
    if (!running.commands_listened && plan.ok()) {
      for (const auto& op : plan.operators) {
        if (op.public_key.empty()) continue;
        plan.needs_restart.push_back(
            {path, 0, 0,
             "operator '" + op.user +
                 "' has a public_key and no operator had one at start: signed MQTT commands "
                 "start listening at a restart; restart vigild to apply it"});
        break;
      }
    }
    if (plan.ok()) {
      // Built here, on the reload's thread: the loop only swaps pointers.
      read->site = std::make_unique<core::Site>(std::move(plan.site));
      read->plan = std::move(plan);
    } else {
      read->problems = std::move(plan.needs_restart);
    }
    return read;
  }
  std::string changed() const {
    return !plan || plan->changed.empty() ? "none" : join(plan->changed, ", ");
  }
};

Daemon::RunningRules Daemon::running_rules() const {
  return {rules_text_, &controller_->site(), command_link_ != nullptr};
}

ConfigReloadAnswer Daemon::reload_config(const std::string& operator_name, bool dry_run) {
  // A read of a big site on a slow disk, then the loop: generous, bounded.
  constexpr auto kAnswerWithin = std::chrono::seconds(30);
  if (dry_run) {
    // The rules in force, taken on the loop; the file read and compared
    // here, on the control server's thread. Nothing applies, nothing is
    // journalled but the command's own audit record.
    auto taken = std::make_shared<std::promise<RunningRules>>();
    auto running = taken->get_future();
    boost::asio::post(io_, [this, taken] { taken->set_value(running_rules()); });
    if (running.wait_for(kAnswerWithin) != std::future_status::ready) {
      return {false, "not answered by vigild's door loop within 30 s"};
    }
    const auto read = ReloadRead::of(config_.source_path, running.get());
    if (!read->plan) {
      return {false, "would be refused, the rules in force would stay:\n" +
                         config::to_string(read->problems)};
    }
    return {true, "would apply; would change: " + read->changed()};
  }
  auto done = std::make_shared<std::promise<ConfigReloadAnswer>>();
  auto answered = done->get_future();
  boost::asio::post(io_, [this, done, operator_name] {
    request_reload({"vigilctl", operator_name, [done](bool ok, const std::string& message) {
                      done->set_value({ok, message});
                    }});
  });
  if (answered.wait_for(kAnswerWithin) != std::future_status::ready) {
    return {false, "not answered by vigild's door loop within 30 s"};
  }
  return answered.get();
}

void Daemon::request_reload(ReloadRequest request) {
  if (stopping_ || reload_closed_) {
    if (request.answer) request.answer(false, "vigild is stopping");
    return;
  }
  reload_queue_.push_back(std::move(request));
  if (!reloading_) start_reload_read();
}

void Daemon::start_reload_read() {
  reloading_ = true;
  reload_batch_ = std::move(reload_queue_);
  reload_queue_.clear();
  if (reload_thread_.joinable()) reload_thread_.join();  // it posted its result already
  reload_thread_ = std::thread([this, path = config_.source_path, running = running_rules()] {
    auto read = ReloadRead::of(path, running);
    boost::asio::post(io_, [this, read] { finish_reload(read); });
  });
}

void Daemon::finish_reload(std::shared_ptr<ReloadRead> read) {
  reloading_ = false;
  std::vector<ReloadRequest> batch = std::move(reload_batch_);
  reload_batch_.clear();
  if (stopping_ || reload_closed_) {
    for (auto& r : batch) {
      if (r.answer) r.answer(false, "vigild is stopping");
    }
    return;
  }
  // One record per read, naming who asked (several asks coalesce).
  std::vector<std::string> by, operators;
  for (const auto& r : batch) {
    by.push_back(r.by);
    if (!r.operator_name.empty()) operators.push_back(r.operator_name);
  }
  core::Event event;
  event.time = wall_now();
  core::set_attr(event.attrs, "by", join(by, ","));
  if (!operators.empty()) core::set_attr(event.attrs, "operator", join(operators, ","));
  core::set_attr(event.attrs, "file", config_.source_path);
  if (!read->sha256.empty()) core::set_attr(event.attrs, "sha256", read->sha256);

  bool applied = false;
  std::string message;
  core::Effects effects;
  if (read->plan) {
    // The Controller checks the doors before it changes anything: a plan it
    // refuses (a bug, not a file) is a refused reload, never a stopped door.
    try {
      effects = controller_->reload(*read->site, wall_now(), mono_now());
    } catch (const std::exception& e) {
      read->problems.push_back(
          {config_.source_path, 0, 0, std::string("vigild could not apply it: ") + e.what()});
      read->plan.reset();
    }
  }
  if (read->plan) {
    applied = true;
    rule_sites_.push_back(std::move(read->site));
    rules_text_ = std::make_shared<const std::string>(std::move(read->text));
    operators_->replace(read->plan->operators);
    if (site_io_) site_io_->rules_changed(*rule_sites_.back());
    const std::string changed = read->changed();
    event.kind = core::EventKind::config_reloaded;
    core::set_attr(event.attrs, "changed", changed);
    message = "applied; changed: " + changed;
    spdlog::info("config reload ({}): {}", join(by, ","), message);
  } else {
    std::vector<std::string> shown;
    for (std::size_t i = 0; i < read->problems.size() && i < kProblemsShown; ++i) {
      shown.push_back(config::to_string(read->problems[i]));
    }
    event.kind = core::EventKind::config_reload_refused;
    core::set_attr(event.attrs, "problems", join(shown, "\n"));
    core::set_attr(event.attrs, "problem_count", static_cast<std::int64_t>(read->problems.size()));
    message = "refused, the rules in force stay:\n" + config::to_string(read->problems);
    spdlog::warn("config reload ({}) {}", join(by, ","), message);
  }
  // The record first, then what the new rules did to the doors.
  journal(std::move(event));
  dispatch(std::move(effects));
  arm_deadline();
  for (auto& r : batch) {
    if (r.answer) r.answer(applied, message);
  }
  if (!reload_queue_.empty()) start_reload_read();
}

}  // namespace vigil::app
