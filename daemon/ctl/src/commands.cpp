#include "vigil/ctl/commands.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>
#include <iomanip>
#include <iostream>
#include <vector>

#include "event_table.hpp"
#include "time_arg.hpp"
#include "vigil/config/load.hpp"
#include "vigil/ctl/command_report.hpp"
#include "vigil/journal/archive.hpp"
#include "vigil/journal/filter_check.hpp"
#include "vigil/journal/journal.hpp"

namespace vigil::ctl {
namespace {

using Row = std::vector<std::string>;

const std::vector<std::string> kColumns{"seq",  "time",   "kind",   "reason", "door",   "reader",
                                        "zone", "person", "device", "card",   "detail", "attrs"};

template <class T>
std::string opt(const std::optional<T>& v) {
  return v ? v->str() : "";
}

Row to_row(const core::Event& e, const core::TimeZone& zone) {
  return {std::to_string(e.seq),
          format_time_arg(e.time, zone),
          core::to_string(e.kind),
          e.reason == core::DenyReason::none ? "" : core::to_string(e.reason),
          opt(e.door),
          opt(e.reader),
          opt(e.zone),
          opt(e.person),
          opt(e.device),
          e.card ? core::to_string(*e.card) : "",
          e.detail,
          core::describe(e.attrs)};
}

std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

}  // namespace

void print_table(const std::vector<core::Event>& events, std::ostream& out) {
  print_table(events, core::TimeZone{}, out);
}

void print_table(const std::vector<core::Event>& events, const core::TimeZone& zone,
                 std::ostream& out) {
  std::vector<Row> rows;
  rows.reserve(events.size());
  for (const auto& e : events) rows.push_back(to_row(e, zone));
  std::vector<std::size_t> width(kColumns.size());
  for (std::size_t i = 0; i < kColumns.size(); ++i) width[i] = kColumns[i].size();
  for (const auto& r : rows)
    for (std::size_t i = 0; i < r.size(); ++i) width[i] = std::max(width[i], r[i].size());
  auto line = [&](const Row& r) {
    for (std::size_t i = 0; i < r.size(); ++i) {
      out << std::left << std::setw(static_cast<int>(i + 1 == r.size() ? 0 : width[i])) << r[i];
      if (i + 1 != r.size()) out << "  ";
    }
    out << "\n";
  };
  line(kColumns);
  for (const auto& r : rows) line(r);
  out << "(" << rows.size() << " event" << (rows.size() == 1 ? "" : "s") << ")\n";
}

namespace {

void print_csv(const std::vector<core::Event>& events, const core::TimeZone& zone,
               std::ostream& out) {
  auto line = [&](const Row& r) {
    for (std::size_t i = 0; i < r.size(); ++i) out << (i ? "," : "") << csv_field(r[i]);
    out << "\r\n";  // RFC 4180
  };
  line(kColumns);
  for (const auto& e : events) line(to_row(e, zone));
}

void print_json(const std::vector<core::Event>& events, const core::TimeZone& zone,
                std::ostream& out) {
  nlohmann::json arr = nlohmann::json::array();
  for (const auto& e : events) {
    const Row r = to_row(e, zone);
    nlohmann::json obj;
    obj["seq"] = e.seq;
    for (std::size_t i = 1; i < kColumns.size(); ++i)
      if (!r[i].empty()) obj[kColumns[i]] = r[i];
    arr.push_back(std::move(obj));
  }
  out << arr.dump(2) << "\n";
}

bool journal_exists(const std::string& path, std::ostream& err) {
  std::error_code ec;
  if (std::filesystem::exists(path, ec)) return true;
  err << "vigilctl: no journal at " << path << "\n";
  return false;
}

}  // namespace

int config_check(const std::string& path, std::ostream& out, std::ostream& err) {
  auto loaded = config::load_site_config(path);
  if (!loaded) {
    err << config::to_string(loaded.diagnostics());
    err << path << ": " << loaded.diagnostics().size() << " problem"
        << (loaded.diagnostics().size() == 1 ? "" : "s") << "\n";
    return 1;
  }
  const auto& site = loaded.value().site;
  out << path << ": ok (site " << site.id << ", " << site.zones.size() << " zones, "
      << site.doors.size() << " doors, " << site.readers.size() << " readers, "
      << site.access_levels.size() << " access levels)\n";
  return 0;
}

std::optional<std::string> resolve_journal(const std::optional<std::string>& journal,
                                           const std::optional<std::string>& config_path,
                                           std::ostream& err) {
  if (journal) return journal;
  if (!config_path) {
    err << "vigilctl: give --journal PATH or --config SITE.yaml\n";
    return std::nullopt;
  }
  auto loaded = config::load_site_config(*config_path);
  if (!loaded) {
    err << config::to_string(loaded.diagnostics());
    return std::nullopt;
  }
  return loaded.value().journal_path;
}

journal::JournalOptions archive_options(const std::string& archive_dir, std::ostream& err) {
  journal::JournalOptions options;
  options.archive_dir = archive_dir;
  options.on_archive_lock_wait = [&err, wait = options.archive_lock_wait] {
    err << "vigilctl: the archive lock is held (a month being archived, or a walk of the "
           "chain): waiting up to "
        << std::chrono::duration_cast<std::chrono::seconds>(wait).count() << " s\n";
  };
  return options;
}

std::optional<std::string> resolve_archive_dir(const std::optional<std::string>& flag,
                                               const std::optional<std::string>& config_path,
                                               std::ostream& err) {
  if (flag) return flag;
  if (!config_path) return std::string{};
  auto loaded = config::load_site_config(*config_path);
  if (!loaded) {
    err << config::to_string(loaded.diagnostics());
    return std::nullopt;
  }
  return loaded.value().journal_archive_dir;
}

std::optional<journal::Filter> make_filter(const QueryArgs& args, const journal::Journal& journal,
                                           std::ostream& err) {
  journal::Filter filter;
  if (args.person) filter.person = core::PersonId(*args.person);
  if (args.zone) filter.zone = core::ZoneId(*args.zone);
  if (args.door) filter.door = core::DoorId(*args.door);
  if (args.card) {
    filter.card = journal::parse_card_arg(*args.card);
    if (!filter.card) {
      err << "vigilctl: cannot read card '" << *args.card
          << "': use facility:number, e.g. 12:1001\n";
      return std::nullopt;
    }
  }
  for (const auto& text : args.kinds) {
    auto kind = journal::parse_kind(text);
    if (!kind.kind) {
      err << "vigilctl: " << kind.unknown->message() << "\n";
      return std::nullopt;
    }
    filter.kinds.push_back(*kind.kind);
  }
  for (const auto& text : args.reasons) {
    auto reason = journal::parse_reason(text);
    if (!reason.reason) {
      err << "vigilctl: " << reason.unknown->message() << "\n";
      return std::nullopt;
    }
    filter.reasons.push_back(*reason.reason);
  }
  for (auto [text, slot] : {std::pair{&args.from, &filter.from}, std::pair{&args.to, &filter.to}}) {
    if (!*text) continue;
    auto t = parse_time_arg(**text, args.time_zone);
    if (!t) {
      err << "vigilctl: cannot read time " << t.error << "\n";
      return std::nullopt;
    }
    *slot = t.time;
  }
  filter.limit = args.limit;
  filter.after_seq = args.after_seq;
  if (auto unknown = journal::find_unknown_name(journal, filter)) {
    err << "vigilctl: " << unknown->message() << "\n";
    return std::nullopt;
  }
  return filter;
}

std::optional<core::TimeZone> query_time_zone(const std::optional<std::string>& config, bool utc,
                                              std::ostream& err) {
  if (utc || !config) return core::TimeZone{};
  auto loaded = config::load_site_config(*config);
  if (!loaded) {
    err << config::to_string(loaded.diagnostics());
    return std::nullopt;
  }
  return loaded.value().site.time_zone;
}

int log_query(const QueryArgs& args, std::ostream& out, std::ostream& err) {
  if (args.format != "table" && args.format != "csv" && args.format != "json") {
    err << "vigilctl: unknown format '" << args.format << "' (table, csv or json)\n";
    return 2;
  }
  if (args.journal == nullptr && !journal_exists(args.journal_path, err)) return 1;
  try {
    // vigild passes its kept read connection; vigilctl opens the file.
    std::optional<journal::Journal> opened;
    if (args.journal == nullptr) {
      opened.emplace(args.journal_path, archive_options(args.archive_dir, err));
    }
    const journal::Journal& journal = args.journal != nullptr ? *args.journal : *opened;
    auto filter = make_filter(args, journal, err);
    if (!filter) return 2;
    const auto events = journal::query_with_archives(journal, *filter);  // archives too
    report_rows(events.size());  // for the audit record of a query through vigild
    if (args.format == "csv") {
      print_csv(events, args.time_zone, out);
    } else if (args.format == "json") {
      print_json(events, args.time_zone, out);
    } else {
      print_table(events, args.time_zone, out);
      // The cursor for the next page: the same command with --after-seq.
      if (filter->limit && events.size() == *filter->limit)
        out << "(more: --after-seq " << events.back().seq << ")\n";
    }
  } catch (const std::exception& e) {
    err << "vigilctl: " << e.what() << "\n";
    return 1;
  }
  return 0;
}

int log_verify(const std::string& journal_path, std::ostream& out, std::ostream& err) {
  if (!journal_exists(journal_path, err)) return 2;
  try {
    journal::Journal journal(journal_path);
    const journal::VerifyResult r = journal::verify_with_archives(journal);
    if (r.ok) {
      out << journal_path << ": " << r.message << "\n";
      return 0;
    }
    err << journal_path << ": " << r.message << "\n";
    return 1;
  } catch (const std::exception& e) {
    err << "vigilctl: " << e.what() << "\n";
    return 2;
  }
}

}  // namespace vigil::ctl
