// Builders for roster tests: people, cards and files in one line each.
#pragma once

#include <algorithm>
#include <span>
#include <string>
#include <vector>

#include "vigil/journal/roster.hpp"

namespace vigil::journal::testing {

inline core::Person person(const std::string& id, const std::string& name,
                           std::vector<std::string> levels, bool active = true) {
  core::Person p{.id = core::PersonId{id}, .name = name, .active = active, .access_levels = {}};
  for (auto& level : levels) p.access_levels.emplace_back(level);
  return p;
}

inline core::Credential card(std::uint32_t facility, std::uint64_t number,
                             const std::string& person_id) {
  return core::Credential{.card = {.facility = facility, .number = number},
                          .person = core::PersonId{person_id},
                          .active = true,
                          .valid_from = std::nullopt,
                          .valid_until = std::nullopt};
}

inline RosterFile file(std::vector<core::Person> people, std::vector<core::Credential> credentials,
                       bool replace = false) {
  return RosterFile{.people = std::move(people),
                    .credentials = std::move(credentials),
                    .name = "people.csv",
                    .sha256 = sha256_hex("people"),
                    .replace = replace};
}

// A RosterFile as a stream of batches of `batch` rows (one card per row), as
// the CLI hands a CSV to Roster::import_stream.
inline RosterStream stream_of(const RosterFile& whole, std::size_t batch) {
  RosterStream out;
  out.name = whole.name;
  out.sha256 = whole.sha256;
  out.replace = whole.replace;
  out.sets_clearance = whole.sets_clearance;
  out.rows = whole.people.size();
  for (const auto& p : whole.people) out.person_ids.push_back(p.id);
  for (const auto& c : whole.credentials) out.cards.push_back(c.card);
  std::sort(out.person_ids.begin(), out.person_ids.end());
  std::sort(out.cards.begin(), out.cards.end());
  out.cards.erase(std::unique(out.cards.begin(), out.cards.end()), out.cards.end());
  out.read = [people = whole.people, credentials = whole.credentials, sha = whole.sha256,
              batch](const RosterStream::Batch& to) {
    for (std::size_t i = 0; i < people.size(); i += batch) {
      const std::size_t n = std::min(batch, people.size() - i);
      to(std::span(people).subspan(i, n), std::span(credentials).subspan(i, n));
    }
    return sha;
  };
  return out;
}

// Every event of the journal, described (kind, ids, attrs), in seq order.
inline std::vector<std::string> described(const Journal& journal) {
  std::vector<std::string> out;
  for (const auto& e : journal.query({})) out.push_back(core::describe(e));
  return out;
}

}  // namespace vigil::journal::testing
