#include "vigil/ctl/audit_commands.hpp"

#include <algorithm>
#include <filesystem>
#include <iomanip>
#include <iostream>
#include <random>
#include <vector>

#include "time_arg.hpp"
#include "vigil/ctl/command_report.hpp"
#include "vigil/ctl/commands.hpp"
#include "vigil/journal/archive.hpp"
#include "vigil/journal/journal.hpp"

namespace vigil::ctl {
namespace {

using Row = std::vector<std::string>;

}  // namespace
namespace audit_commands_impl {
const Row kColumns{"seq",     "time",   "kind", "operator", "user",
                   "command", "filter", "rows", "rc",       "digest"};

std::string text(const core::Event& e, const char* key) {
  return core::attr_text(e.attrs, key).value_or("");
}

std::string number(const core::Event& e, const char* key) {
  const auto v = core::attr_int(e.attrs, key);
  return v ? std::to_string(*v) : "";
}

Row to_row(const core::Event& e) {
  return {std::to_string(e.seq),   core::format_utc(e.time),
          core::to_string(e.kind), text(e, "operator"),
          text(e, "unix_user"),    text(e, "command"),
          text(e, "filter"),       number(e, "rows"),
          number(e, "rc"),         text(e, "digest").substr(0, 16)};
}
}  // namespace audit_commands_impl
namespace {

void print(const std::vector<core::Event>& events, std::ostream& out) {
  std::vector<Row> rows{audit_commands_impl::kColumns};
  for (const auto& e : events) rows.push_back(audit_commands_impl::to_row(e));
  std::vector<std::size_t> width(audit_commands_impl::kColumns.size());
  for (const auto& r : rows)
    for (std::size_t i = 0; i < r.size(); ++i) width[i] = std::max(width[i], r[i].size());
  for (const auto& r : rows) {
    for (std::size_t i = 0; i < r.size(); ++i) {
      const bool last = i + 1 == r.size();
      out << std::left << std::setw(static_cast<int>(last ? 0 : width[i])) << r[i]
          << (last ? "" : "  ");
    }
    out << "\n";
  }
  out << "(" << events.size() << " record" << (events.size() == 1 ? "" : "s") << ")\n";
}

bool journal_there(const std::string& path, std::ostream& err) {
  std::error_code ec;
  if (std::filesystem::exists(path, ec)) return true;
  err << "vigilctl: no journal at " << path << "\n";
  return false;
}

}  // namespace

int audit_list(const AuditListArgs& args, std::ostream& out, std::ostream& err) {
  journal::Filter filter{
      .kinds = {core::EventKind::record_access, core::EventKind::access_refused}};
  for (auto [arg, slot] : {std::pair{&args.from, &filter.from}, std::pair{&args.to, &filter.to}}) {
    if (!*arg) continue;
    *slot = parse_time_arg(**arg);
    if (!*slot) {
      err << "vigilctl: cannot read time '" << **arg
          << "': use 2026-11-25 or 2026-11-25T10:00:00Z (UTC)\n";
      return 2;
    }
  }
  if (!journal_there(args.db_path, err)) return 1;
  try {
    // Archived months too: a supervisor's look back must not stop at the
    // retention boundary (docs/journal.md, "Archives").
    auto events = journal::query_with_archives(
        journal::Journal(args.db_path, archive_options(args.archive_dir, err)), filter);
    if (args.operator_name) {
      std::erase_if(events, [&](const core::Event& e) {
        return audit_commands_impl::text(e, "operator") != *args.operator_name &&
               audit_commands_impl::text(e, "unix_user") != *args.operator_name;
      });
    }
    print(events, out);
    report_rows(events.size());
  } catch (const std::exception& e) {
    err << "vigilctl: " << e.what() << "\n";
    return 1;
  }
  return 0;
}

int audit_sample(const AuditSampleArgs& args, std::ostream& out, std::ostream& err) {
  if (args.count == 0) {
    err << "vigilctl: sample at least one query\n";
    return 2;
  }
  if (!journal_there(args.db_path, err)) return 1;
  try {
    auto events = journal::query_with_archives(
        journal::Journal(args.db_path, archive_options(args.archive_dir, err)),
        {.kinds = {core::EventKind::record_access}});
    std::erase_if(events, [](const core::Event& e) {
      return audit_commands_impl::text(e, "command") != "log query";
    });
    if (events.size() > args.window) {
      events.erase(events.begin(), events.end() - static_cast<std::ptrdiff_t>(args.window));
    }
    std::vector<core::Event> picked;
    std::mt19937_64 rng(args.seed != 0 ? args.seed : std::random_device{}());
    std::sample(events.begin(), events.end(), std::back_inserter(picked), args.count, rng);
    std::string seqs;
    for (const auto& e : picked) seqs += (seqs.empty() ? "" : ",") + std::to_string(e.seq);
    out << "sampled " << picked.size() << " of the " << events.size()
        << " most recent queries for a spot check\n";
    print(picked, out);
    report_rows(picked.size());
    report_attr("sampled", seqs);
  } catch (const std::exception& e) {
    err << "vigilctl: " << e.what() << "\n";
    return 1;
  }
  return 0;
}

}  // namespace vigil::ctl
