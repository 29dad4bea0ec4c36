#include "event_row.hpp"

#include <charconv>
#include <string>

namespace vigil::journal {
namespace {

template <class IdType>
std::optional<IdType> read_id(const sqlite::Statement& select, int column) {
  auto text = select.column_optional_text(column);
  return text ? std::optional<IdType>{IdType{std::move(*text)}} : std::nullopt;
}

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

}  // namespace

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

void bind_row(sqlite::Statement& insert, std::uint64_t seq, std::int64_t ts_us, const RowText& row,
              const Hash& prev_hash, const Hash& hash) {
  insert.bind(1, static_cast<std::int64_t>(seq));
  insert.bind(2, ts_us);
  insert.bind(3, std::string_view{row.kind});
  insert.bind(4, std::string_view{row.reason});
  insert.bind(5, row.door);
  insert.bind(6, row.reader);
  insert.bind(7, row.zone);
  insert.bind(8, row.person);
  insert.bind(9, row.device);
  insert.bind(10, row.card);
  insert.bind(11, std::string_view{row.detail});
  insert.bind_blob(12, prev_hash);
  insert.bind_blob(13, hash);
}

RowText read_row_text(const sqlite::Statement& select) {
  return RowText{
      .kind = select.column_text(2),
      .reason = select.column_text(3),
      .door = select.column_optional_text(4),
      .reader = select.column_optional_text(5),
      .zone = select.column_optional_text(6),
      .person = select.column_optional_text(7),
      .device = select.column_optional_text(8),
      .card = select.column_optional_text(9),
      .detail = select.column_text(10),
  };
}

core::Event read_event(const sqlite::Statement& select) {
  core::Event event;
  auto seq = select.column_int(0);
  event.seq = static_cast<std::uint64_t>(seq);
  event.time = core::from_unix_micros(select.column_int(1));

  auto kind_text = select.column_text(2);
  auto kind = core::event_kind_from_string(kind_text);
  if (!kind) unreadable(seq, "kind", kind_text);
  event.kind = *kind;

  auto reason_text = select.column_text(3);
  auto reason = core::deny_reason_from_string(reason_text);
  if (!reason) unreadable(seq, "reason", reason_text);
  event.reason = *reason;

  event.door = read_id<core::DoorId>(select, 4);
  event.reader = read_id<core::ReaderId>(select, 5);
  event.zone = read_id<core::ZoneId>(select, 6);
  event.person = read_id<core::PersonId>(select, 7);
  event.device = read_id<core::DeviceId>(select, 8);
  if (auto card_text = select.column_optional_text(9)) {
    auto card = parse_card(*card_text);
    if (!card) unreadable(seq, "card", *card_text);
    event.card = *card;
  }
  event.detail = select.column_text(10);
  return event;
}

}  // namespace vigil::journal
