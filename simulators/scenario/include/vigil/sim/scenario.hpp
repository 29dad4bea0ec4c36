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
//     - {at: 9s, keys: {reader: vault-in, keys: "1234#", burst: 4}}   # keypad bursts
//     - {at: 10s, ctl: [lockdown, set, ops, --reason, drill]}          # vigilctl via vigild
//     - {after: 100ms, expect: {door: ops-door, lock: locked, within: 3s}}
//   setup: [[person, import, people.csv]]     # vigilctl before vigild starts (runner's)
//   expect: {journal: [{kind: ..., attrs: {...}}], mqtt: [{kind: ..., severity: ...}]}
//
// Parsing yields every mistake with file:line:col; validate_scenario() then
// checks the names against the site (parse -> validate -> play).
#pragma once

#include <chrono>
#include <filesystem>
#include <map>
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

// Keys typed on a Wiegand reader's keypad: digits, '*' (clear), '#' (submit),
// each key one burst of 4 bits (the bare code) or 8 bits (code + complement).
struct TypeKeys {
  std::string reader;
  std::string keys;
  bool four_bit = false;
};

// The lock's state at this moment, or (within > 0) at some moment up to
// `within` later: a bounded wait for the daemon, never a fixed sleep.
struct ExpectLock {
  std::string door;
  bool unlocked = false;
  std::chrono::microseconds within{0};
};

// An operator command: `vigilctl ARGS -c SITE` through the running vigild's
// control socket (a lockdown ordered mid-scenario). A non-zero exit fails it.
struct OperatorCommand {
  std::vector<std::string> args;
};

using Action = std::variant<Swipe, SetContact, PressRex, ExpectLock, TypeKeys, OperatorCommand>;

struct Step {
  std::chrono::microseconds at{0};  // from the start of the scenario
  Action action;
  std::string note;
  int line = 0;  // 1-based position in the file, for messages
  int col = 0;
};

// A vigilctl command the scenario test runner runs before vigild starts
// (roster set-up: people, PINs, flags, trips, visits). `input` is fed to its
// stdin (a PIN). Paths in args are relative to the scenario's folder.
struct SetupCommand {
  std::vector<std::string> args;
  std::string input;
  int line = 0;
  int col = 0;
};

// What the journal or the broker should show once the steps have run
// (simulators/scenario/FORMAT.md, "Expectations"). Keys are flattened:
// "kind", "door", "attrs.escort" for journal rows; "kind", "severity",
// "zone", "payload.person" for MQTT incidents. A value "${user}" stands for
// a variable the checker is given (the operator running the test).
struct RecordExpectation {
  std::vector<std::pair<std::string, std::string>> fields;
  int line = 0;
  int col = 0;
};

struct Expectations {
  std::vector<RecordExpectation> journal;  // matched in order against journal rows
  std::vector<RecordExpectation> mqtt;     // matched in order against incidents
  bool empty() const { return journal.empty() && mqtt.empty(); }
};

struct Scenario {
  std::string name;
  std::string file;
  std::vector<SetupCommand> setup;
  std::vector<Step> steps;  // in time order
  Expectations expect;
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

// A journal row or an MQTT incident as flat key -> text, as above.
using Record = std::map<std::string, std::string>;

// The expectations no record met, each as file:line:col of the expectation
// and what was missing (with the closest record seen, for the first look).
// Each stream is matched in order: an expectation is looked for after the
// record that met the one before it.
std::vector<config::Diagnostic> unmet_expectations(const Scenario& scenario,
                                                   const std::vector<Record>& journal,
                                                   const std::vector<Record>& mqtt,
                                                   const std::map<std::string, std::string>& vars);

// "k=v k2=\"a b\"" (vigilctl's attrs column) -> {"attrs.k": "v", "attrs.k2": "a b"}.
void add_attrs(Record& record, std::string_view described);

// One line for logs: "swipe 12:1001 at lobby-in", "open lobby-main", ...
std::string describe(const Action& action);

}  // namespace vigil::sim
