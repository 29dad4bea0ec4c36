// Builders for roster tests: people, cards and files in one line each.
#pragma once

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

}  // namespace vigil::journal::testing
