#include "migrate_v1.hpp"

#include <algorithm>
#include <chrono>
#include <optional>
#include <string>

#include "event_row.hpp"
#include "names.hpp"
#include "schema.hpp"

namespace vigil::journal {
namespace {

constexpr std::string_view kMagicV1 = "vigil.journal.v1";
constexpr const char* kColumnsV1 =
    "seq, ts_us, kind, reason, door, reader, zone, person, device, card, detail, prev_hash, hash";

void put_u64(std::vector<std::uint8_t>& out, std::uint64_t v) {
  for (int shift = 56; shift >= 0; shift -= 8) out.push_back(static_cast<std::uint8_t>(v >> shift));
}

// The v1 hash input: magic, seq, ts_us, nine text fields (0x00 absent, or
// 0x01 || u32 BE length || bytes), prev_hash.
std::vector<std::uint8_t> canonical_v1(const sqlite::Statement& row) {
  std::vector<std::uint8_t> out(kMagicV1.begin(), kMagicV1.end());
  put_u64(out, static_cast<std::uint64_t>(row.column_int(0)));
  put_u64(out, static_cast<std::uint64_t>(row.column_int(1)));
  for (int column = 2; column <= 10; ++column) {
    if (row.is_null(column)) {
      out.push_back(0x00);
      continue;
    }
    auto text = row.column_text_view(column);
    out.push_back(0x01);
    for (int shift = 24; shift >= 0; shift -= 8) {
      out.push_back(static_cast<std::uint8_t>(text.size() >> shift));
    }
    out.insert(out.end(), text.begin(), text.end());
  }
  auto prev = row.column_blob(11);
  out.insert(out.end(), prev.begin(), prev.end());
  return out;
}

template <class IdType>
std::optional<IdType> optional_id(const sqlite::Statement& row, int column) {
  auto text = row.column_optional_text(column);
  return text ? std::optional<IdType>{IdType{std::move(*text)}} : std::nullopt;
}

core::Event event_v1(const sqlite::Statement& row) {
  core::Event event;
  auto seq = row.column_int(0);
  auto fail = [&](const char* what) {
    throw JournalError(
        "v1 journal row " + std::to_string(seq) + ": unreadable " + what + "; nothing migrated", 0);
  };
  event.time = core::from_unix_micros(row.column_int(1));
  auto kind = core::event_kind_from_string(row.column_text(2));
  auto reason = core::deny_reason_from_string(row.column_text(3));
  if (!kind) fail("kind");
  if (!reason) fail("reason");
  event.kind = *kind;
  event.reason = *reason;
  event.door = optional_id<core::DoorId>(row, 4);
  event.reader = optional_id<core::ReaderId>(row, 5);
  event.zone = optional_id<core::ZoneId>(row, 6);
  event.person = optional_id<core::PersonId>(row, 7);
  event.device = optional_id<core::DeviceId>(row, 8);
  if (auto card = row.column_optional_text(9)) {
    auto parsed = parse_card(*card);
    if (!parsed) fail("card");
    event.card = *parsed;
  }
  event.detail = row.column_text(10);
  return event;
}

}  // namespace

void migrate_v1(sqlite::Database& db) {
  db.exec(
      "ALTER TABLE events RENAME TO events_v1;"
      "DROP INDEX IF EXISTS events_by_person; DROP INDEX IF EXISTS events_by_zone;"
      "DROP INDEX IF EXISTS events_by_door; DROP INDEX IF EXISTS events_by_time;");
  create_journal_tables(db);

  JournalIdBytes id{};
  {
    auto select = db.cached("SELECT value FROM journal_meta WHERE key = 'journal_id'");
    select->step();
    from_hex(select->column_text_view(0), id);
  }
  Names names;
  RowHasher hasher;
  CanonicalBytes bytes;
  sqlite::Statement insert{db.handle(), kInsertEvent};
  EventRowBuffers row;
  sqlite::Statement select{db.handle(),
                           std::string{"SELECT "} + kColumnsV1 + " FROM events_v1 ORDER BY seq"};

  Hash prev = genesis_hash(id);
  Hash v1_prev{};  // v1's genesis: 32 zero bytes
  std::uint64_t seq = 0;
  std::optional<std::int64_t> v1_first_bad;
  std::string v1_head = to_hex(v1_prev);
  core::TimePoint last_time{};
  while (select.step()) {
    auto stored_hash = select.column_blob(12);
    if (!v1_first_bad) {
      auto expected = hasher.sha256(canonical_v1(select));
      bool linked = std::equal(v1_prev.begin(), v1_prev.end(), select.column_blob(11).begin(),
                               select.column_blob(11).end());
      bool intact =
          std::equal(expected.begin(), expected.end(), stored_hash.begin(), stored_hash.end());
      if (!linked || !intact || select.column_int(0) != static_cast<std::int64_t>(seq + 1)) {
        v1_first_bad = select.column_int(0);
      }
      v1_prev = expected;
    }
    v1_head = to_hex(stored_hash);
    auto event = event_v1(select);
    last_time = event.time;
    prev = encode_event(db, names, event, ++seq, prev, bytes, hasher, insert, row);
    insert.step();
    insert.reset();
  }

  core::Event marker;
  auto now = std::chrono::time_point_cast<core::Duration>(std::chrono::system_clock::now());
  marker.time = std::max(last_time, now);
  marker.kind = core::EventKind::journal_integrity;
  marker.detail = "migrated from journal format v1";
  core::set_attr(marker.attrs, "migrated_from", std::string{kMagicV1});
  core::set_attr(marker.attrs, "v1_head", v1_head);
  core::set_attr(marker.attrs, "v1_rows", static_cast<std::int64_t>(seq));
  core::set_attr(marker.attrs, "v1_verified", !v1_first_bad.has_value());
  if (v1_first_bad) core::set_attr(marker.attrs, "v1_first_bad_seq", *v1_first_bad);
  encode_event(db, names, marker, ++seq, prev, bytes, hasher, insert, row);
  insert.step();
}

}  // namespace vigil::journal
