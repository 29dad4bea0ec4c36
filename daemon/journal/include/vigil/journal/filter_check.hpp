// Checks a query's names before it runs (docs/design.md, "Records queries and
// signed exports"): a person, card, door or zone the journal has never seen
// is a typing mistake far more often than a real empty answer, so it is
// reported with the closest known name instead of returning nothing. Kinds and
// reasons are closed sets; parse_kind / parse_reason suggest the same way.
// Also the canonical text of a filter, as exports and audit records carry it.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "vigil/journal/journal.hpp"

namespace vigil::journal {

struct UnknownName {
  std::string field{};  // person | card | door | zone | kind | reason
  std::string given{};
  std::optional<std::string> suggestion{};
  // "unknown person 'alcie' (did you mean 'alice'?)"
  std::string message() const;
};

// The first name in the filter that no row of the journal carries (people and
// cards: nor the roster). Checks are index lookups; the suggestion, read only
// when a name is unknown, walks that column's index.
std::optional<UnknownName> find_unknown_name(const Journal& journal, const Filter& filter);

// The known name nearest `given` by edit distance, if it is near enough to be
// a typing mistake (at most a third of its length, and at least 2, edits).
std::optional<std::string> closest_name(std::string_view given,
                                        const std::vector<std::string>& known);

// "access_granted" -> EventKind, or an UnknownName with the nearest kind.
struct KindParse {
  std::optional<core::EventKind> kind{};
  std::optional<UnknownName> unknown{};
};
KindParse parse_kind(std::string_view text);
struct ReasonParse {
  std::optional<core::DenyReason> reason{};
  std::optional<UnknownName> unknown{};
};
ReasonParse parse_reason(std::string_view text);

// "12:1001" (facility:number, as the journal prints it) -> CardNumber.
std::optional<core::CardNumber> parse_card_arg(std::string_view text);

// The filter as one line of `key=value` pairs in a fixed order, times as
// ISO 8601 UTC: "person=p-17 from=2026-11-25T00:00:00.000000Z limit=100".
// Empty for the empty filter.
std::string describe_filter(const Filter& filter);

}  // namespace vigil::journal
