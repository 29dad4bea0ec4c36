// vigilctl key show and vigilctl log verify with signed checkpoints.
#include <algorithm>
#include <exception>
#include <filesystem>
#include <iostream>
#include <optional>
#include <thread>
#include <vector>

#include "vigil/config/load.hpp"
#include "vigil/ctl/broker_config.hpp"
#include "vigil/ctl/commands.hpp"
#include "vigil/journal/archive.hpp"
#include "vigil/journal/checkpoint.hpp"
#include "vigil/journal/journal.hpp"
#include "vigil/mqtt/fetch_retained.hpp"
#include "vigil/mqtt/topics.hpp"

namespace vigil::ctl {

int key_show(const std::string& db_path, std::ostream& out, std::ostream& err) {
  const auto pub = journal::public_key_path(db_path);
  auto key = journal::read_public_key(pub);
  if (!key) {
    err << "vigilctl: no Ed25519 public key at " << pub.string()
        << " (vigild creates it on first start)\n";
    return 1;
  }
  out << "key id      " << journal::key_id(*key) << "\n"
      << "public key  " << journal::to_hex(*key) << "\n"
      << journal::public_key_pem(*key);
  return 0;
}

std::optional<std::string> fetch_broker_checkpoint(const std::string& broker,
                                                   const std::optional<std::string>& topic,
                                                   const std::optional<std::string>& config,
                                                   std::ostream& err) {
  std::string host = broker;
  std::uint16_t port = 1883;
  if (auto colon = broker.rfind(':'); colon != std::string::npos && broker.find(':') == colon) {
    host = broker.substr(0, colon);
    try {
      const int p = std::stoi(broker.substr(colon + 1));
      if (p < 1 || p > 65535) throw std::out_of_range("port");
      port = static_cast<std::uint16_t>(p);
    } catch (const std::exception&) {
      err << "vigilctl: --broker " << broker << ": the port is not a number 1-65535\n";
      return std::nullopt;
    }
  }
  // The site's TLS and login when a config is given; plain TCP otherwise.
  mqtt::PublisherConfig login;
  std::string where;
  if (topic) {
    where = *topic;
  } else if (config) {
    auto loaded = config::load_site_config(*config);
    if (!loaded) {
      err << config::to_string(loaded.diagnostics());
      return std::nullopt;
    }
    const auto& site = loaded.value();
    login = publisher_config(site);
    try {
      where = mqtt::TopicTree(site.broker.topic_root, site.site.id, site.site.gateway).checkpoint();
    } catch (const std::exception& e) {
      err << "vigilctl: " << e.what() << "\n";
      return std::nullopt;
    }
  } else {
    err << "vigilctl: --broker needs --topic or --config (for the checkpoint topic)\n";
    return std::nullopt;
  }
  std::string why;
  login.host = host;
  login.port = port;
  auto json = mqtt::fetch_retained(login, where, std::chrono::seconds(3), &why);
  if (!json) err << "vigilctl: " << why << "\n";
  return json;
}

int log_verify(const VerifyArgs& args, std::ostream& out, std::ostream& err) {
  std::error_code ec;
  if (!std::filesystem::exists(args.journal_path, ec)) {
    err << "vigilctl: no journal at " << args.journal_path << "\n";
    return 2;
  }
  const std::string& db = args.journal_path;
  const auto key_path =
      args.key_path ? std::filesystem::path{*args.key_path} : journal::public_key_path(db);
  std::optional<journal::Checkpoint> given;
  if (args.checkpoint_path) {
    std::string why;
    given = journal::read_checkpoint_file(*args.checkpoint_path, &why);
    if (!given) {
      err << "vigilctl: " << *args.checkpoint_path << ": not a checkpoint: " << why << "\n";
      return 2;
    }
  } else if (args.checkpoint_json) {
    std::string why;
    given = journal::checkpoint_from_json(*args.checkpoint_json, &why);
    if (!given) {
      err << "vigilctl: the fetched checkpoint is not valid: " << why << "\n";
      return 2;
    }
  }
  const auto key = journal::read_public_key(key_path);
  if (!key && (given || args.key_path)) {
    err << "vigilctl: no Ed25519 public key at " << key_path.string() << "\n";
    return 2;
  }
  try {
    journal::Journal journal(db, archive_options(args.archive_dir, err));
    bool bad = false;
    // Two full scans by kind (the segment starts, the checkpoint rows) and
    // the checkpoint signatures (~0.1 ms of CPU each, one per 1,000 rows) run
    // on their own connection and thread while the chain is walked, rather
    // than after it.
    std::vector<core::Event> segments;
    std::optional<journal::CheckpointRowsCheck> rows;
    std::exception_ptr side_error;
    // Only the newest checkpoint row's signature is verified there when that
    // suffices (docs/journal.md, "Checking the rows by the newest"); every
    // row is checked below if anything fails, so the report names what it
    // always named.
    std::thread side{[&] {
      try {
        const journal::Journal own(db, {.archive_dir = args.archive_dir});
        segments = own.query(journal::Filter{.kinds = {core::EventKind::journal_integrity}});
        std::uint64_t break_seq = 0;
        for (const auto& e : segments) {
          if (core::attr_text(e.attrs, "problem")) break_seq = std::max(break_seq, e.seq);
        }
        if (key) rows = journal::check_checkpoint_rows_by_newest(own, *key, break_seq);
      } catch (...) {
        side_error = std::current_exception();
      }
    }};
    struct Join {
      std::thread& thread;
      ~Join() {
        if (thread.joinable()) thread.join();
      }
    } join{side};
    // The live rows and every archive, as one chain (docs/journal.md, "Archives").
    const journal::VerifyResult chain = journal::verify_with_archives(journal);
    (chain.ok ? out : err) << db << ": " << chain.message << "\n";
    bad |= !chain.ok;
    side.join();
    if (side_error) std::rethrow_exception(side_error);
    for (const auto& e : segments) {
      auto problem = core::attr_text(e.attrs, "problem");
      if (!problem) continue;  // the v1 migration row, not a break
      out << db << ": row " << e.seq << ": segment "
          << core::attr_int(e.attrs, "segment").value_or(0) << " starts (" << *problem << ": "
          << e.detail << ")\n";
    }
    std::optional<journal::CheckpointCheck> given_check;
    if (given) given_check = journal::check_checkpoint(journal, *given, *key);
    // The newest row vouches for the rest only through an intact chain that
    // covers the rows it signs (the walk's snapshot may end before a row a
    // writer appended since); on any doubt, every row, one by one.
    if (rows && (!chain.ok || rows->problem != journal::CheckpointProblem::none ||
                 (rows->newest && rows->newest->seq > chain.rows) ||
                 (given_check && given_check->problem != journal::CheckpointProblem::none))) {
      rows = journal::check_checkpoint_rows(journal, *key);
    }
    if (rows) {
      bool ok = rows->problem == journal::CheckpointProblem::none;
      (ok ? out : err) << db << ": " << rows->message << "\n";
      bad |= !ok;
    } else {
      out << db << ": no public key at " << key_path.string()
          << ": checkpoint signatures not checked\n";
    }
    if (given_check) {
      bool ok = given_check->problem == journal::CheckpointProblem::none;
      (ok ? out : err) << db << ": " << given_check->message << "\n";
      bad |= !ok;
    }
    return bad ? 1 : 0;
  } catch (const std::exception& e) {
    err << "vigilctl: " << e.what() << "\n";
    return 2;
  }
}

}  // namespace vigil::ctl
