// What the inspection commands read from the journal: the deficiency book
// and the inspections, folded from their events (inspection_commands.cpp,
// inspect_report.cpp).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "vigil/core/deficiency.hpp"
#include "vigil/core/inspection.hpp"
#include "vigil/ctl/inspection_commands.hpp"
#include "vigil/journal/journal.hpp"

namespace vigil::ctl::inspection_detail {

inline core::DeficiencyBook read_book(const journal::Journal& journal,
                                      const core::DeficiencyRules& rules) {
  core::DeficiencyBook book(rules);
  for (const auto& e : journal.query({.kinds = core::deficiency_event_kinds()})) book.apply(e);
  return book;
}

inline std::map<std::uint64_t, core::Inspection> read_inspections(const journal::Journal& journal) {
  return core::inspections_from(journal.query({.kinds = core::inspection_event_kinds()}));
}

// "17" or "D17" / "I17"; nullopt for anything else.
inline std::optional<std::uint64_t> parse_id(std::string text) {
  if (!text.empty() && (text[0] == 'D' || text[0] == 'I' || text[0] == 'd' || text[0] == 'i'))
    text.erase(0, 1);
  if (text.empty() || text.size() > 18) return std::nullopt;
  std::uint64_t v = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + static_cast<std::uint64_t>(c - '0');
  }
  if (v == 0) return std::nullopt;
  return v;
}

}  // namespace vigil::ctl::inspection_detail
