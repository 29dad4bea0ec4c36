#include "vigil/journal/filter_check.hpp"

#include <algorithm>
#include <cstdint>

#include "event_row.hpp"
#include "vigil/journal/sqlite.hpp"

namespace vigil::journal {
namespace {

// How a field's names are looked up: `known` (one parameter, the text)
// returns a row when the name occurs; `all` lists every name of the field.
struct Column {
  const char* field;
  const char* known;
  const char* all;
};

// Ids are looked up through names and then the column's index, never the
// table; the people and credentials tables make a person or card with no
// event yet known.
constexpr Column kPerson{
    "person",
    "SELECT 1 FROM events WHERE person_id = (SELECT id FROM names WHERE text = ?1) "
    "UNION ALL SELECT 1 FROM people WHERE id = ?1 LIMIT 1",
    "SELECT text FROM names WHERE id IN (SELECT DISTINCT person_id FROM events "
    "WHERE person_id IS NOT NULL) UNION SELECT id FROM people"};
constexpr Column kDoor{
    "door",
    "SELECT 1 FROM events WHERE door_id = (SELECT id FROM names WHERE text = ?1) "
    "LIMIT 1",
    "SELECT text FROM names WHERE id IN (SELECT DISTINCT door_id FROM events "
    "WHERE door_id IS NOT NULL)"};
constexpr Column kZone{
    "zone",
    "SELECT 1 FROM door_zones WHERE zone_id = (SELECT id FROM names WHERE text = ?1) "
    "UNION ALL SELECT 1 FROM events WHERE zone_id = (SELECT id FROM names WHERE text = ?1) "
    "AND door_id IS NULL LIMIT 1",
    "SELECT text FROM names WHERE id IN (SELECT zone_id FROM door_zones UNION SELECT zone_id "
    "FROM events WHERE zone_id IS NOT NULL AND door_id IS NULL)"};
constexpr Column kCard{"card",
                       "SELECT 1 FROM events WHERE card = ?1 UNION ALL "
                       "SELECT 1 FROM credentials WHERE card = ?1 LIMIT 1",
                       "SELECT DISTINCT card FROM events WHERE card IS NOT NULL "
                       "UNION SELECT card FROM credentials"};

std::optional<UnknownName> check(sqlite::Database& db, const Column& column,
                                 const std::string& given) {
  {
    // Cached: every `log query` through vigild's kept connection asks this
    // (preparing it each time was 6 % of a request's CPU, s21-query).
    auto known = db.cached(column.known);
    known->bind(1, std::string_view{given});
    if (known->step()) return std::nullopt;
  }
  std::vector<std::string> names;
  sqlite::Statement all{db.handle(), column.all};
  while (all.step()) names.emplace_back(all.column_text_view(0));
  return UnknownName{
      .field = column.field, .given = given, .suggestion = closest_name(given, names)};
}

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = up;
    }
  }
  return row[b.size()];
}

template <class E>
std::vector<std::string> names_of(const char* (*name)(E),
                                  std::optional<E> (*parse)(std::string_view)) {
  std::vector<std::string> out;
  for (int v = 0; v < 256; ++v) {
    const auto value = static_cast<E>(v);
    const char* text = name(value);
    if (parse(text) == value) out.emplace_back(text);
  }
  return out;
}

template <class E>
std::optional<UnknownName> unknown_enum(const char* field, std::string_view text,
                                        const char* (*name)(E),
                                        std::optional<E> (*parse)(std::string_view)) {
  return UnknownName{.field = field,
                     .given = std::string{text},
                     .suggestion = closest_name(text, names_of(name, parse))};
}

}  // namespace

std::string UnknownName::message() const {
  std::string out = "unknown " + field + " '" + given + "'";
  if (suggestion) out += " (did you mean '" + *suggestion + "'?)";
  return out;
}

std::optional<std::string> closest_name(std::string_view given,
                                        const std::vector<std::string>& known) {
  const std::string* best = nullptr;
  std::size_t best_distance = 0;
  for (const auto& name : known) {
    const auto distance = edit_distance(given, name);
    if (!best || distance < best_distance || (distance == best_distance && name < *best)) {
      best = &name;
      best_distance = distance;
    }
  }
  if (!best || best_distance > std::max<std::size_t>(2, given.size() / 3)) return std::nullopt;
  return *best;
}

std::optional<UnknownName> find_unknown_name(const Journal& journal, const Filter& filter) {
  auto& db = journal.database();
  if (filter.person) {
    if (auto u = check(db, kPerson, filter.person->str())) return u;
  }
  if (filter.card) {
    if (auto u = check(db, kCard, core::to_string(*filter.card))) return u;
  }
  if (filter.door) {
    if (auto u = check(db, kDoor, filter.door->str())) return u;
  }
  if (filter.zone) {
    if (auto u = check(db, kZone, filter.zone->str())) return u;
  }
  return std::nullopt;
}

KindParse parse_kind(std::string_view text) {
  if (auto kind = core::event_kind_from_string(text)) return {.kind = kind, .unknown = {}};
  return {.kind = {},
          .unknown = unknown_enum<core::EventKind>("kind", text, core::to_string,
                                                   core::event_kind_from_string)};
}

ReasonParse parse_reason(std::string_view text) {
  if (auto reason = core::deny_reason_from_string(text)) return {.reason = reason, .unknown = {}};
  return {.reason = {},
          .unknown = unknown_enum<core::DenyReason>("reason", text, core::to_string,
                                                    core::deny_reason_from_string)};
}

std::optional<core::CardNumber> parse_card_arg(std::string_view text) {
  return parse_card(text);
}

std::string describe_filter(const Filter& filter) {
  std::string out;
  auto add = [&](const char* key, const std::string& value) {
    out += (out.empty() ? "" : " ") + std::string{key} + "=" + value;
  };
  if (filter.person) add("person", filter.person->str());
  if (filter.card) add("card", core::to_string(*filter.card));
  if (filter.door) add("door", filter.door->str());
  if (filter.zone) add("zone", filter.zone->str());
  for (auto kind : filter.kinds) add("kind", core::to_string(kind));
  for (auto reason : filter.reasons) add("reason", core::to_string(reason));
  if (filter.from) add("from", core::format_utc(*filter.from));
  if (filter.to) add("to", core::format_utc(*filter.to));
  if (filter.after_seq > 0) add("after_seq", std::to_string(filter.after_seq));
  if (filter.limit) add("limit", std::to_string(*filter.limit));
  return out;
}

}  // namespace vigil::journal
