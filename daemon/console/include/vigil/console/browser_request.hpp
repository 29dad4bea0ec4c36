// What a browser may ask over the console's WebSocket, parsed and checked
// before anything is signed. Browsers are outside input: any text may arrive,
// so parse_browser_request never throws and keeps only the fields a command
// of that name takes (the signed args are rebuilt from them, never copied).
//
//   {"op":"command","ref":"r1","cmd":"incident-ack","site":"hq","gateway":"gw1",
//    "args":{"incident":"17","note":"on my way"}}
//   {"op":"followup-add","ref":"r2","kind":"proposal","text":"...","owner":"ben",
//    "due":"2026-12-01"}
//   {"op":"followup-done","ref":"r3","id":4}
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>

#include <nlohmann/json.hpp>

#include "vigil/console/meeting_store.hpp"

namespace vigil::console {

struct BrowserCommand {
  std::string ref;  // the browser's own tag, echoed in the answer (<= 64 chars)
  std::string cmd;  // one of the COMMANDS.md names
  std::string site, gateway;
  nlohmann::json args;  // exactly the COMMANDS.md args of `cmd`, rebuilt
};

// A meeting follow-up to record (any logged-in operator may); the owner must
// be one of the console's operators, which the hub checks.
struct FollowUpAddRequest {
  std::string ref;
  NewFollowUp followup;
};

// Marks a follow-up done (its owner or a meeting chair, checked by the store).
struct FollowUpDoneRequest {
  std::string ref;
  std::int64_t id = 0;
};

struct BrowserRequestError {
  std::string ref;  // when it could be read
  std::string message;
};

using BrowserRequest =
    std::variant<BrowserCommand, FollowUpAddRequest, FollowUpDoneRequest, BrowserRequestError>;

// Refuses text over 16 KiB, non-JSON, an unknown op or cmd, ids that could
// not be topic levels, and args outside the contract (a door-unlock of 0 or
// over 300 seconds, a resolve without a note), and follow-ups with an unknown
// kind, an empty or over-long text, an owner that is not a user name or a due
// date that is not a real YYYY-MM-DD day.
BrowserRequest parse_browser_request(std::string_view text);

// The command names of the contract (docs/console.md, COMMANDS.md).
bool is_command_name(std::string_view cmd);
// A real calendar day written YYYY-MM-DD.
bool is_iso_date(std::string_view s);

}  // namespace vigil::console
