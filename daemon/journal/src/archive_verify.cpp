// Reading the chain across archives (archive.hpp): the records, the whole
// chain's verify, a row's hash and queries spanning archive and live rows.
#include <algorithm>
#include <map>

#include "archive_record.hpp"
#include "vigil/journal/archive.hpp"
#include "vigil/journal/archive_lock.hpp"
#include "vigil/journal/export_row.hpp"
#include "vigil/journal/sqlite.hpp"

namespace vigil::journal {
namespace {

namespace fs = std::filesystem;

bool hash_from_attr(const core::Event& e, const char* key, Hash& out) {
  const auto text = core::attr_text(e.attrs, key);
  return text && from_hex(*text, out);
}

std::vector<ArchiveRecord> records_in(const Journal& j) {
  std::vector<ArchiveRecord> out;
  for (const auto& e : j.query({.kinds = {core::EventKind::journal_archived}})) {
    if (auto r = archive_record_of(e)) out.push_back(*r);
  }
  return out;
}

std::string name_of(const ArchiveRecord& r) {
  return "archive " + r.month + " (" + r.file + ", rows " + std::to_string(r.first_seq) + ".." +
         std::to_string(r.last_seq) + ", recorded at seq " + std::to_string(r.seq) + ")";
}

VerifyResult failed(VerifyResult result, Damage damage, std::uint64_t seq, std::string why) {
  result.ok = false;
  result.damage = damage;
  result.bad_seq = seq;
  result.rows = seq == 0 ? 0 : seq - 1;
  result.message = std::move(why);
  return result;
}

// A walk's shared hold on the archive lock (archive_lock.hpp).
ArchiveLock walking(const Journal& live) {
  return ArchiveLock(live.path(), ArchiveLock::Mode::shared, live.options().archive_lock_wait,
                     live.options().on_archive_lock_wait);
}

std::optional<std::uint64_t> first_live_seq(const Journal& live) {
  auto first = live.database().cached("SELECT seq FROM events ORDER BY seq LIMIT 1");
  if (!first->step()) return std::nullopt;
  return static_cast<std::uint64_t>(first->column_int(0));
}

}  // namespace

core::Event archive_event(const ArchiveRecord& r, core::TimePoint now,
                          const std::string& operator_name) {
  core::Event e;
  e.kind = core::EventKind::journal_archived;
  e.time = now;
  e.detail = "rows " + std::to_string(r.first_seq) + ".." + std::to_string(r.last_seq) +
             " moved to " + r.file;
  core::set_attr(e.attrs, "month", r.month);
  core::set_attr(e.attrs, "file", r.file);
  core::set_attr(e.attrs, "first_seq", static_cast<std::int64_t>(r.first_seq));
  core::set_attr(e.attrs, "last_seq", static_cast<std::int64_t>(r.last_seq));
  core::set_attr(e.attrs, "rows", static_cast<std::int64_t>(r.last_seq - r.first_seq + 1));
  core::set_attr(e.attrs, "first_prev_hash", to_hex(r.first_prev));
  core::set_attr(e.attrs, "head", to_hex(r.head));
  core::set_attr(e.attrs, "sha256", r.sha256);
  core::set_attr(e.attrs, "operator", operator_name);
  return e;
}

std::optional<ArchiveRecord> archive_record_of(const core::Event& e) {
  if (e.kind != core::EventKind::journal_archived) return std::nullopt;
  ArchiveRecord r;
  const auto month = core::attr_text(e.attrs, "month");
  const auto file = core::attr_text(e.attrs, "file");
  const auto first = core::attr_int(e.attrs, "first_seq");
  const auto last = core::attr_int(e.attrs, "last_seq");
  const auto sha = core::attr_text(e.attrs, "sha256");
  if (!month || !file || !first || !last || !sha || *first < 1 || *last < *first ||
      file->find('/') != std::string::npos || !hash_from_attr(e, "first_prev_hash", r.first_prev) ||
      !hash_from_attr(e, "head", r.head)) {
    return std::nullopt;
  }
  r.month = *month;
  r.file = *file;
  r.first_seq = static_cast<std::uint64_t>(*first);
  r.last_seq = static_cast<std::uint64_t>(*last);
  r.sha256 = *sha;
  r.seq = e.seq;
  return r;
}

std::vector<ArchiveRecord> archive_records(const Journal& live) {
  std::map<std::uint64_t, ArchiveRecord> found;
  std::vector<ArchiveRecord> pending = records_in(live);
  while (!pending.empty()) {
    const ArchiveRecord r = pending.back();
    pending.pop_back();
    if (!found.emplace(r.first_seq, r).second) continue;
    // The records of older archives moved into this one with its rows.
    const fs::path path = live.archive_dir() / r.file;
    std::error_code ec;
    if (!fs::is_regular_file(path, ec)) continue;
    try {
      Journal archived(path);
      for (auto& older : records_in(archived)) pending.push_back(std::move(older));
    } catch (const std::exception&) {
      // Not a journal: verify_with_archives names it.
    }
  }
  std::vector<ArchiveRecord> out;
  for (auto& [first, r] : found) out.push_back(std::move(r));
  return out;
}

VerifyResult verify_with_archives(const Journal& live) {
  const ArchiveLock lock = walking(live);
  const auto records = archive_records(live);
  if (records.empty()) return live.verify();
  VerifyResult result;
  result.journal_id = live.journal_id();
  std::uint64_t next = 1;
  Hash prev = live.genesis_hash();
  for (const auto& r : records) {
    const std::string name = name_of(r);
    if (r.first_seq != next) {
      return failed(result, Damage::missing, next,
                    "rows " + std::to_string(next) + ".." + std::to_string(r.first_seq - 1) +
                        " are in no archive (next: " + name + ")");
    }
    if (r.first_prev != prev) {
      return failed(result, Damage::missing, next,
                    name + ": its record does not link to the rows before it");
    }
    const fs::path path = live.archive_dir() / r.file;
    std::error_code ec;
    if (!fs::is_regular_file(path, ec)) {
      return failed(result, Damage::missing, r.first_seq,
                    name + ": missing (" + path.string() + ")");
    }
    const auto sha = file_sha256(path);
    std::string why;
    if (sha != r.sha256) why = "altered or replaced: its SHA-256 is not the recorded one";
    try {
      Journal archived(path);
      if (archived.journal_id() != live.journal_id()) {
        why = "replaced: an archive of another journal (" + archived.journal_id() + ")";
      } else if (const auto rows = archived.verify_from(r.first_seq); !rows.ok) {
        return failed(result, rows.damage, rows.bad_seq, name + ": " + rows.message);
      } else if (rows.rows != r.last_seq || archived.hash_at(r.last_seq) != r.head) {
        why = "replaced: its rows end elsewhere than the record says";
      }
    } catch (const std::exception& e) {
      why = std::string("unreadable: ") + e.what();
    }
    if (!why.empty()) return failed(result, Damage::altered, r.first_seq, name + ": " + why);
    next = r.last_seq + 1;
    prev = r.head;
  }
  const auto first = first_live_seq(live);
  if (!first || *first != next) {
    return failed(result, Damage::missing, next,
                  "rows from " + std::to_string(next) + " are neither archived nor live");
  }
  auto link = live.database().cached("SELECT prev_hash FROM events WHERE seq = ?1");
  link->bind(1, static_cast<std::int64_t>(next));
  link->step();
  const auto stored = link->column_blob(0);
  if (!std::equal(stored.begin(), stored.end(), prev.begin(), prev.end())) {
    return failed(result, Damage::missing, next,
                  "row " + std::to_string(next) + " does not link to the last archive's head");
  }
  VerifyResult rest = live.verify_from(next, 2);
  if (rest.ok) {
    rest.message = "ok: " + std::to_string(rest.rows) + " rows (1.." + std::to_string(next - 1) +
                   " in " + std::to_string(records.size()) + " archive(s)), head " +
                   to_hex(rest.head_hash);
  }
  return rest;
}

std::optional<Hash> hash_at_with_archives(const Journal& live, std::uint64_t seq) {
  const ArchiveLock lock = walking(live);
  if (auto here = live.hash_at(seq)) return here;
  for (const auto& r : archive_records(live)) {
    if (seq < r.first_seq || seq > r.last_seq) continue;
    try {
      return Journal(live.archive_dir() / r.file).hash_at(seq);
    } catch (const std::exception&) {
      return std::nullopt;
    }
  }
  return std::nullopt;
}

namespace {

// The archives a filter can reach (those with rows after its after_seq), by
// first_seq; a missing archive is an error, never a silently shorter answer.
std::vector<fs::path> archives_for(const Journal& live, const Filter& filter) {
  std::vector<fs::path> out;
  for (const auto& r : archive_records(live)) {
    if (r.last_seq <= filter.after_seq) continue;
    const fs::path path = live.archive_dir() / r.file;
    std::error_code ec;
    if (!fs::is_regular_file(path, ec)) {
      throw JournalError(name_of(r) + " is missing: its rows cannot be searched", 0);
    }
    out.push_back(path);
  }
  return out;
}

}  // namespace

std::vector<core::Event> query_with_archives(const Journal& live, const Filter& filter) {
  const ArchiveLock lock = walking(live);
  std::vector<core::Event> out;
  for (const auto& path : archives_for(live, filter)) {
    if (filter.limit && out.size() >= *filter.limit) return out;
    Filter part = filter;
    if (filter.limit) part.limit = *filter.limit - out.size();
    for (auto& e : Journal(path).query(part)) out.push_back(std::move(e));
  }
  Filter rest = filter;
  if (filter.limit) {
    if (out.size() >= *filter.limit) return out;
    rest.limit = *filter.limit - out.size();
  }
  for (auto& e : live.query(rest)) out.push_back(std::move(e));
  return out;
}

void for_each_row_with_archives(const Journal& live, const Filter& filter,
                                const std::function<void(const ExportRow&)>& visit) {
  VisitEachRow sink{visit};
  for_each_row_with_archives(live, filter, sink);
}

void for_each_row_with_archives(const Journal& live, const Filter& filter, ExportRowSink& sink) {
  const ArchiveLock lock = walking(live);
  // Counts the rows handed on, for one `limit` across the files.
  class Counting final : public ExportRowSink {
   public:
    explicit Counting(ExportRowSink& to) : to_(to) {}
    ExportRow& slot() override { return to_.slot(); }
    void filled() override {
      ++seen;
      to_.filled();
    }
    std::size_t seen = 0;

   private:
    ExportRowSink& to_;
  } counting{sink};
  const auto remaining = [&](Filter part) {
    if (filter.limit) part.limit = *filter.limit - std::min(counting.seen, *filter.limit);
    return part;
  };
  for (const auto& path : archives_for(live, filter)) {
    if (filter.limit && counting.seen >= *filter.limit) return;
    Journal(path).for_each_row(remaining(filter), counting);
  }
  if (filter.limit && counting.seen >= *filter.limit) return;
  live.for_each_row(remaining(filter), counting);
}

}  // namespace vigil::journal
