#include "vigil/sim/scenario_runner.hpp"

#include <algorithm>
#include <stdexcept>
#include <vector>

namespace vigil::sim {
namespace {

// What happens at one instant: a step's action, or the release of a REX press.
struct Timed {
  std::chrono::microseconds at;
  const Step* step;
  bool rex_release = false;
};

std::vector<Timed> timeline(const Scenario& scenario) {
  std::vector<Timed> out;
  for (const auto& step : scenario.steps) {
    out.push_back({step.at, &step, false});
    if (const auto* rex = std::get_if<PressRex>(&step.action)) {
      out.push_back({step.at + rex->hold, &step, true});
    }
  }
  // Stable: steps at the same instant run in file order, a release after
  // whatever was written for that instant.
  std::stable_sort(out.begin(), out.end(),
                   [](const Timed& a, const Timed& b) { return a.at < b.at; });
  return out;
}

}  // namespace

ScenarioRunner::ScenarioRunner(SiteActions& site, Log log, OperatorCommands ctl)
    : site_(site), log_(std::move(log)), ctl_(std::move(ctl)) {}

void ScenarioRunner::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
}

bool ScenarioRunner::wait_until(std::chrono::steady_clock::time_point t) {
  std::unique_lock lock(mutex_);
  return !wake_.wait_until(lock, t, [this] { return stopping_; });
}

ScenarioOutcome ScenarioRunner::run(const Scenario& scenario) {
  ScenarioOutcome outcome;
  // A bounded `within` wait moves every later step by the time it waited,
  // so the steps after it keep their spacing (open, then close 300 ms later).
  auto start = std::chrono::steady_clock::now();
  for (const Timed& item : timeline(scenario)) {
    if (!wait_until(start + item.at)) {
      outcome.stopped = true;
      return outcome;
    }
    const Step& step = *item.step;
    const std::string where = scenario.file + ":" + std::to_string(step.line) + ": ";
    if (!item.rex_release && !step.note.empty()) log_("scenario: " + step.note);
    try {
      std::visit(
          [&](const auto& a) {
            using A = std::decay_t<decltype(a)>;
            if constexpr (std::is_same_v<A, Swipe>) {
              site_.swipe(a.reader, a.card, a.format);
            } else if constexpr (std::is_same_v<A, SetContact>) {
              site_.set_contact(a.door, a.open);
            } else if constexpr (std::is_same_v<A, PressRex>) {
              site_.set_rex(a.door, !item.rex_release);
            } else if constexpr (std::is_same_v<A, TypeKeys>) {
              site_.keys(a.reader, a.keys, a.four_bit);
            } else if constexpr (std::is_same_v<A, OperatorCommand>) {
              if (!ctl_) throw std::runtime_error("no vigilctl to run operator commands with");
              log_("scenario: " + describe(a));
              ctl_(a.args);
            } else {
              // A bounded wait for the daemon: poll until the state shows or
              // `within` has passed (a stop() ends it at once).
              const auto until = std::chrono::steady_clock::now() + a.within;
              bool unlocked = site_.lock_energised(a.door);
              while (unlocked != a.unlocked && std::chrono::steady_clock::now() < until &&
                     wait_until(std::min(until, std::chrono::steady_clock::now() +
                                                    std::chrono::milliseconds(10)))) {
                unlocked = site_.lock_energised(a.door);
              }
              const auto late = std::chrono::steady_clock::now() - (start + item.at);
              if (a.within.count() > 0 && late.count() > 0) start += late;
              if (unlocked == a.unlocked) {
                log_("scenario: " + describe(a) + ": ok");
              } else {
                ++outcome.expectations_failed;
                log_("scenario: " + where + describe(a) + ": FAILED, lock is " +
                     (unlocked ? "UNLOCKED" : "LOCKED"));
              }
            }
          },
          step.action);
      ++outcome.actions_run;
    } catch (const std::exception& e) {
      ++outcome.actions_failed;
      log_("scenario: " + where + describe(step.action) + ": " + e.what());
    }
  }
  return outcome;
}

}  // namespace vigil::sim
