// Moving old rows to per-month archive files (archive.hpp).
#include "vigil/journal/archive.hpp"
#include "vigil/journal/archive_lock.hpp"

#include <openssl/evp.h>

#include <chrono>
#include <fstream>
#include <memory>

#include "archive_record.hpp"
#include "vigil/journal/sqlite.hpp"

namespace vigil::journal {
namespace {

namespace fs = std::filesystem;

std::string month_of(std::int64_t ts_us) {
  using namespace std::chrono;
  const year_month_day day{floor<days>(sys_time<microseconds>{microseconds{ts_us}})};
  char text[16];
  std::snprintf(text, sizeof text, "%04d-%02u", static_cast<int>(day.year()),
                static_cast<unsigned>(day.month()));
  return text;
}

std::int64_t next_month_us(std::int64_t ts_us) {
  using namespace std::chrono;
  const year_month_day day{floor<days>(sys_time<microseconds>{microseconds{ts_us}})};
  const auto next = year_month{day.year(), day.month()} + months{1};
  return duration_cast<microseconds>(sys_days{next / 1}.time_since_epoch()).count();
}

void remove_database(const fs::path& path) {
  std::error_code ec;
  for (const char* suffix : {"", "-wal", "-shm", "-journal"})
    fs::remove(path.string() + suffix, ec);
}

// Copies rows first..last, every name and the door_zones table of `live`
// into a new journal file at `path` carrying the live journal's meta (its id).
void write_archive_file(const fs::path& live, const fs::path& path, const std::string& month,
                        std::uint64_t first, std::uint64_t last) {
  remove_database(path);
  { Journal created(path); }  // the schema, as every journal has it
  sqlite::Database db(path);
  {
    auto attach = db.cached("ATTACH DATABASE ?1 AS live");
    attach->bind(1, std::string_view{live.string()});
    attach->step();
  }
  {
    sqlite::Transaction copy(db);
    db.exec("DELETE FROM journal_meta");
    db.exec("INSERT INTO journal_meta (key, value) SELECT key, value FROM live.journal_meta");
    db.exec("INSERT INTO names (id, text) SELECT id, text FROM live.names");
    db.exec(
        "INSERT INTO door_zones (zone_id, door_id) SELECT zone_id, door_id FROM live.door_zones");
    auto rows = db.cached(
        "INSERT INTO events (seq, ts_us, kind_id, reason_id, door_id, reader_id, zone_id, "
        "person_id, device_id, card, detail, attrs, prev_hash, hash) SELECT seq, ts_us, kind_id, "
        "reason_id, door_id, reader_id, zone_id, person_id, device_id, card, detail, attrs, "
        "prev_hash, hash FROM live.events WHERE seq BETWEEN ?1 AND ?2 ORDER BY seq");
    rows->bind(1, static_cast<std::int64_t>(first));
    rows->bind(2, static_cast<std::int64_t>(last));
    rows->step();
    auto meta = db.cached("INSERT INTO journal_meta (key, value) VALUES (?1, ?2)");
    for (const auto& [key, value] : {std::pair<const char*, std::string>{"archive_month", month},
                                     {"archive_first_seq", std::to_string(first)},
                                     {"archive_last_seq", std::to_string(last)}}) {
      meta->bind(1, std::string_view{key});
      meta->bind(2, std::string_view{value});
      meta->step();
      meta->reset();
    }
    copy.commit();
  }
  db.exec("DETACH DATABASE live");
}

}  // namespace

fs::path archive_dir(const fs::path& journal) {
  return journal.string() + ".archive";
}

std::optional<core::TimePoint> month_start(std::string_view month) {
  if (month.size() != 7 || month[4] != '-') return std::nullopt;
  for (std::size_t i : {0u, 1u, 2u, 3u, 5u, 6u})
    if (month[i] < '0' || month[i] > '9') return std::nullopt;
  const int y = std::stoi(std::string(month.substr(0, 4)));
  const unsigned m = static_cast<unsigned>(std::stoi(std::string(month.substr(5, 2))));
  if (m < 1 || m > 12) return std::nullopt;
  using namespace std::chrono;
  return core::TimePoint{duration_cast<core::Duration>(
      sys_days{year{y} / std::chrono::month{m} / 1}.time_since_epoch())};
}

std::optional<std::string> file_sha256(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  if (!ctx || EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr) != 1) return std::nullopt;
  std::vector<char> buffer(1 << 16);
  while (in.read(buffer.data(), static_cast<std::streamsize>(buffer.size())) || in.gcount() > 0) {
    EVP_DigestUpdate(ctx.get(), buffer.data(), static_cast<std::size_t>(in.gcount()));
    if (!in) break;
  }
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  if (EVP_DigestFinal_ex(ctx.get(), digest, &size) != 1) return std::nullopt;
  return to_hex(std::span<const std::uint8_t>{digest, size});
}

std::vector<ArchiveRecord> archive_before(const fs::path& journal, std::string_view before,
                                          core::TimePoint now, const std::string& operator_name,
                                          const JournalOptions& options) {
  const auto until = month_start(before);
  if (!until) {
    throw JournalError("'" + std::string(before) + "' is not a month (YYYY-MM)", 0);
  }
  const std::int64_t until_us = core::to_unix_micros(*until);
  Journal live(journal, options);
  auto& db = live.database();
  std::vector<ArchiveRecord> made;
  for (;;) {
    // One month at a time: a walk waits for at most one month's move.
    const ArchiveLock lock(journal, ArchiveLock::Mode::exclusive, options.archive_lock_wait,
                           options.on_archive_lock_wait);
    std::uint64_t first = 0;
    std::int64_t first_ts = 0;
    {
      auto oldest = db.cached("SELECT seq, ts_us FROM events ORDER BY seq LIMIT 1");
      if (!oldest->step()) break;
      first = static_cast<std::uint64_t>(oldest->column_int(0));
      first_ts = oldest->column_int(1);
    }
    if (first_ts >= until_us) break;
    ArchiveRecord r;
    r.month = month_of(first_ts);
    r.first_seq = first;
    // The month ends at the first later row stamped in a later month: seq
    // order, not time order, so a wall-clock step back cannot split the chain.
    {
      auto cut =
          db.cached("SELECT seq FROM events WHERE seq > ?1 AND ts_us >= ?2 ORDER BY seq LIMIT 1");
      cut->bind(1, static_cast<std::int64_t>(first));
      cut->bind(2, next_month_us(first_ts));
      r.last_seq =
          cut->step() ? static_cast<std::uint64_t>(cut->column_int(0)) - 1 : live.last_seq();
    }
    const fs::path dir = live.archive_dir();
    fs::create_directories(dir);
    r.file = r.month + ".db";
    if (fs::exists(dir / r.file)) r.file = r.month + "-" + std::to_string(first) + ".db";
    const fs::path partial = dir / (r.file + ".partial");
    try {
      write_archive_file(journal, partial, r.month, r.first_seq, r.last_seq);
      {
        // The copy must be the chain segment it claims before the rows go.
        Journal archived(partial);
        const auto check = archived.verify_from(r.first_seq);
        if (!check.ok || check.rows != r.last_seq) {
          throw JournalError("the archive copy does not verify: " + check.message, 0);
        }
        r.head = *archived.hash_at(r.last_seq);
        auto prev = archived.database().cached("SELECT prev_hash FROM events WHERE seq = ?1");
        prev->bind(1, static_cast<std::int64_t>(r.first_seq));
        prev->step();
        const auto blob = prev->column_blob(0);
        std::copy_n(blob.begin(), std::min(blob.size(), r.first_prev.size()), r.first_prev.begin());
      }
      fs::rename(partial, dir / r.file);
      r.sha256 = file_sha256(dir / r.file).value_or("");
      core::Event record = archive_event(r, now, operator_name);
      std::vector<core::Event> one{std::move(record)};
      live.append(one, [&r](sqlite::Database& d) {
        auto drop = d.cached("DELETE FROM events WHERE seq BETWEEN ?1 AND ?2");
        drop->bind(1, static_cast<std::int64_t>(r.first_seq));
        drop->bind(2, static_cast<std::int64_t>(r.last_seq));
        drop->step();
      });
      r.seq = one.front().seq;
    } catch (...) {
      remove_database(partial);
      if (r.seq == 0) remove_database(dir / r.file);
      throw;
    }
    made.push_back(r);
  }
  return made;
}

}  // namespace vigil::journal
