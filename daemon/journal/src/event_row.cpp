#include "event_row.hpp"

#include <algorithm>
#include <charconv>
#include <string>

#include "vigil/journal/attrs_codec.hpp"

namespace vigil::journal {
namespace {

template <class Number>
bool parse_number(std::string_view text, Number& out) {
  if (text.empty()) return false;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc{} && end == text.data() + text.size();
}

[[noreturn]] void unreadable(std::int64_t seq, std::string_view column, std::string_view value) {
  throw JournalError("row " + std::to_string(seq) + ": unreadable " + std::string{column} + " '" +
                         std::string{value} + "'",
                     0);
}

// Parameter `index` of the insert and the field's canonical bytes.
std::int64_t put_name(sqlite::Database& db, Names& names, std::string_view text, int index,
                      CanonicalBytes& bytes, sqlite::Statement& insert) {
  auto id = names.intern(db, text);
  bytes.put_name(id, text);
  insert.bind(index, id);
  return id;
}

template <class IdType>
std::optional<std::int64_t> put_optional_name(sqlite::Database& db, Names& names,
                                              const std::optional<IdType>& id, int index,
                                              CanonicalBytes& bytes, sqlite::Statement& insert) {
  if (id) return put_name(db, names, id->str(), index, bytes, insert);
  bytes.put_null();
  insert.bind_null(index);
  return std::nullopt;
}

// The text of name `id`, found in the current row of `select` (named in the
// error when the dictionary has no such id).
const std::string& name_text_of_id(sqlite::Database& db, Names& names,
                                   const sqlite::Statement& select, std::int64_t id,
                                   std::string_view what) {
  const auto* text = names.text(db, id);
  if (text == nullptr) unreadable(select.column_int(0), what, "name id " + std::to_string(id));
  return *text;
}

const std::string& name_text(sqlite::Database& db, Names& names, const sqlite::Statement& select,
                             int column, std::string_view what) {
  return name_text_of_id(db, names, select, select.column_int(column), what);
}

// `out` = the id in `column` and its text, each column read once (the
// export reads a million rows through here).
void read_name_into(sqlite::Database& db, Names& names, const sqlite::Statement& select, int column,
                    std::string_view what, NameRef& out) {
  out.id = select.column_int(column);
  out.text = name_text_of_id(db, names, select, out.id, what);
}

template <class IdType>
std::optional<IdType> read_name(sqlite::Database& db, Names& names, const sqlite::Statement& select,
                                int column, std::string_view what) {
  if (select.is_null(column)) return std::nullopt;
  return IdType{name_text(db, names, select, column, what)};
}

void read_name_ref(sqlite::Database& db, Names& names, const sqlite::Statement& select, int column,
                   std::optional<NameRef>& out) {
  if (select.is_null(column)) {
    out.reset();
    return;
  }
  if (!out) out.emplace();
  read_name_into(db, names, select, column, "name", *out);
}

void put_name_ref(CanonicalBytes& bytes, const std::optional<NameRef>& name) {
  if (name) {
    bytes.put_name(name->id, name->text);
  } else {
    bytes.put_null();
  }
}

Hash stored_hash(std::span<const std::uint8_t> stored) {
  Hash hash{};
  std::copy_n(stored.begin(), std::min(stored.size(), hash.size()), hash.begin());
  return hash;
}

}  // namespace

void read_export_row(sqlite::Database& db, Names& names, const sqlite::Statement& select,
                     ExportRow& row) {
  row.seq = static_cast<std::uint64_t>(select.column_int(0));
  row.ts_us = select.column_int(1);
  read_name_into(db, names, select, 2, "kind", row.kind);
  read_name_into(db, names, select, 3, "reason", row.reason);
  read_name_ref(db, names, select, 4, row.door);
  read_name_ref(db, names, select, 5, row.reader);
  read_name_ref(db, names, select, 6, row.zone);
  read_name_ref(db, names, select, 7, row.person);
  read_name_ref(db, names, select, 8, row.device);
  // Assigned into the row's own buffers, which keep their capacity.
  if (select.is_null(9)) {
    row.card.reset();
  } else {
    if (!row.card) row.card.emplace();
    row.card->assign(select.column_text_view(9));
  }
  row.detail.assign(select.column_text_view(10));
  if (select.is_null(11)) {
    row.attrs.reset();
  } else {
    auto blob = select.column_blob(11);
    if (!row.attrs) row.attrs.emplace();
    row.attrs->assign(blob.begin(), blob.end());
  }
  row.prev_hash = stored_hash(select.column_blob(kPrevHashColumn));
  row.hash = stored_hash(select.column_blob(kHashColumn));
}

Hash recompute_hash(const ExportRow& row, CanonicalBytes& bytes, RowHasher& hasher) {
  bytes.start();
  bytes.put_integer(static_cast<std::int64_t>(row.seq));
  bytes.put_integer(row.ts_us);
  bytes.put_name(row.kind.id, row.kind.text);
  bytes.put_name(row.reason.id, row.reason.text);
  for (const auto* name : {&row.door, &row.reader, &row.zone, &row.person, &row.device})
    put_name_ref(bytes, *name);
  if (row.card) {
    bytes.put_text(*row.card);
  } else {
    bytes.put_null();
  }
  bytes.put_text(row.detail);
  if (row.attrs) {
    bytes.put_blob(*row.attrs);
  } else {
    bytes.put_null();
  }
  bytes.put_blob(row.prev_hash);
  return hasher.sha256(bytes.bytes());
}

std::optional<core::CardNumber> parse_card(std::string_view text) {
  auto colon = text.find(':');
  if (colon == std::string_view::npos) return std::nullopt;
  core::CardNumber card;
  if (!parse_number(text.substr(0, colon), card.facility) ||
      !parse_number(text.substr(colon + 1), card.number)) {
    return std::nullopt;
  }
  return card;
}

std::string values_sql(std::string_view head, int columns, int rows) {
  std::string sql{head};
  int parameter = 1;
  for (int row = 0; row < rows; ++row) {
    sql += row == 0 ? "(" : ",(";
    for (int column = 0; column < columns; ++column) {
      if (column > 0) sql += ',';
      sql += '?' + std::to_string(parameter++);
    }
    sql += ')';
  }
  return sql;
}

std::string insert_events_sql(int rows) {
  return values_sql(std::string{"INSERT OR FAIL INTO "} + kInsertEventColumns + " VALUES ",
                    kEventParameters, rows);
}

Hash encode_event(sqlite::Database& db, Names& names, const core::Event& event, std::uint64_t seq,
                  const Hash& prev_hash, CanonicalBytes& bytes, RowHasher& hasher,
                  sqlite::Statement& insert, EventRowBuffers& row, int first_parameter,
                  const std::vector<std::uint8_t>* encoded_attrs) {
  const int at = first_parameter - 1;  // parameter at + n is the row's column n
  const auto ts_us = core::to_unix_micros(event.time);
  bytes.start();
  bytes.put_integer(static_cast<std::int64_t>(seq));
  insert.bind(at + 1, static_cast<std::int64_t>(seq));
  bytes.put_integer(ts_us);
  insert.bind(at + 2, ts_us);
  put_name(db, names, core::to_string(event.kind), at + 3, bytes, insert);
  put_name(db, names, core::to_string(event.reason), at + 4, bytes, insert);
  auto door_id = put_optional_name(db, names, event.door, at + 5, bytes, insert);
  put_optional_name(db, names, event.reader, at + 6, bytes, insert);
  auto zone_id = put_optional_name(db, names, event.zone, at + 7, bytes, insert);
  if (door_id && zone_id) names.note_door_zone(db, *door_id, *zone_id);
  put_optional_name(db, names, event.person, at + 8, bytes, insert);
  put_optional_name(db, names, event.device, at + 9, bytes, insert);
  if (event.card) {
    row.card = core::to_string(*event.card);
    bytes.put_text(row.card);
    insert.bind_static(at + 10, row.card);
  } else {
    bytes.put_null();
    insert.bind_null(at + 10);
  }
  bytes.put_text(event.detail);
  insert.bind_static(at + 11, event.detail);
  if (event.attrs.empty()) {
    bytes.put_null();
    insert.bind_null(at + 12);
  } else {
    if (encoded_attrs == nullptr) encode_attrs_into(event.attrs, row.attrs);
    const auto& attrs = encoded_attrs != nullptr ? *encoded_attrs : row.attrs;
    bytes.put_blob(attrs);
    insert.bind_blob_static(at + 12, attrs);
  }
  row.prev_hash = prev_hash;
  bytes.put_blob(row.prev_hash);
  insert.bind_blob_static(at + 13, row.prev_hash);
  row.hash = hasher.sha256(bytes.bytes());
  insert.bind_blob_static(at + 14, row.hash);
  return row.hash;
}

core::Event read_event(sqlite::Database& db, Names& names, const sqlite::Statement& select) {
  core::Event event;
  auto seq = select.column_int(0);
  event.seq = static_cast<std::uint64_t>(seq);
  event.time = core::from_unix_micros(select.column_int(1));

  const auto& kind_text = name_text(db, names, select, 2, "kind");
  auto kind = core::event_kind_from_string(kind_text);
  if (!kind) unreadable(seq, "kind", kind_text);
  event.kind = *kind;

  const auto& reason_text = name_text(db, names, select, 3, "reason");
  auto reason = core::deny_reason_from_string(reason_text);
  if (!reason) unreadable(seq, "reason", reason_text);
  event.reason = *reason;

  event.door = read_name<core::DoorId>(db, names, select, 4, "door");
  event.reader = read_name<core::ReaderId>(db, names, select, 5, "reader");
  event.zone = read_name<core::ZoneId>(db, names, select, 6, "zone");
  event.person = read_name<core::PersonId>(db, names, select, 7, "person");
  event.device = read_name<core::DeviceId>(db, names, select, 8, "device");
  if (auto card_text = select.column_optional_text(9)) {
    auto card = parse_card(*card_text);
    if (!card) unreadable(seq, "card", *card_text);
    event.card = *card;
  }
  event.detail = select.column_text(10);
  if (!select.is_null(11)) {
    auto attrs = decode_attrs(select.column_blob(11));
    if (!attrs) unreadable(seq, "attrs", to_hex(select.column_blob(11)));
    event.attrs = std::move(*attrs);
  }
  return event;
}

}  // namespace vigil::journal
