// Scenario files: a timed script of what happens at a simulated site (cards
// swiped, doors opened and closed, REX pressed) and what the daemon should
// have done about it (a lock's state at a moment), for demos and end-to-end
// checks. Format (simulators/scenario/FORMAT.md):
//
//   name: demo day            # optional
//   steps:
//     - {at: 1s, swipe: {reader: lobby-in, card: "12:1001"}, note: staff enters}
//     - {after: 300ms, expect: {door: lobby-main, lock: unlocked}}
//     - {at: 2s, open: lobby-main}
//     - {at: 3s, close: lobby-main}
//     - {at: 5s, rex: lobby-main}            # or rex: {door: lobby-main, hold: 1s}
//     - {at: 8s, force: server-room-door}    # opens the contact; says "no grant expected"
//
// Parsing yields every mistake with file:line:col; validate_scenario() then
// checks the names against the site (parse -> validate -> play).
#pragma once

#include <chrono>
#include <filesystem>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "vigil/config/diagnostic.hpp"
#include "vigil/config/site_config.hpp"
#include "vigil/core/card.hpp"

namespace vigil::sim {

struct Swipe {
  std::string reader;
  core::CardNumber card;
  std::string format;  // empty = the reader's first configured format, else H10301
};

// open, close and force: force is an open the author expects no grant for.
struct SetContact {
  std::string door;
  bool open = false;
  bool forced = false;
};

struct PressRex {
  std::string door;
  std::chrono::microseconds hold{std::chrono::milliseconds(300)};
};

struct ExpectLock {
  std::string door;
  bool unlocked = false;
};

using Action = std::variant<Swipe, SetContact, PressRex, ExpectLock>;

struct Step {
  std::chrono::microseconds at{0};  // from the start of the scenario
  Action action;
  std::string note;
  int line = 0;  // 1-based position in the file, for messages
  int col = 0;
};

struct Scenario {
  std::string name;
  std::string file;
  std::vector<Step> steps;  // in time order
  std::chrono::microseconds duration() const;
};

// "12:1001" -> {12, 1001}; nullopt for anything else.
std::optional<core::CardNumber> parse_card(std::string_view text);

config::Result<Scenario> parse_scenario(std::string_view yaml, const std::string& file_name);
config::Result<Scenario> load_scenario(const std::filesystem::path& path);

// Names against the site: readers must be Wiegand readers on a sim chip,
// doors must exist (and have a REX input for rex steps), formats must be known.
std::vector<config::Diagnostic> validate_scenario(const Scenario& scenario,
                                                  const config::SiteConfig& site);

// One line for logs: "swipe 12:1001 at lobby-in", "open lobby-main", ...
std::string describe(const Action& action);

}  // namespace vigil::sim
