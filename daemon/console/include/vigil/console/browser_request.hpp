// What a browser may ask over the console's WebSocket, parsed and checked
// before anything is signed. Browsers are outside input: any text may arrive,
// so parse_browser_request never throws and keeps only the fields a command
// of that name takes (the signed args are rebuilt from them, never copied).
//
//   {"op":"command","ref":"r1","cmd":"incident-ack","site":"hq","gateway":"gw1",
//    "args":{"incident":"17","note":"on my way"}}
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>

#include <nlohmann/json.hpp>

namespace vigil::console {

struct BrowserCommand {
  std::string ref;  // the browser's own tag, echoed in the answer (<= 64 chars)
  std::string cmd;  // one of the COMMANDS.md names
  std::string site, gateway;
  nlohmann::json args;  // exactly the COMMANDS.md args of `cmd`, rebuilt
};

struct BrowserRequestError {
  std::string ref;  // when it could be read
  std::string message;
};

using BrowserRequest = std::variant<BrowserCommand, BrowserRequestError>;

// Refuses text over 16 KiB, non-JSON, an unknown op or cmd, ids that could
// not be topic levels, and args outside the contract (a door-unlock of 0 or
// over 300 seconds, a resolve without a note).
BrowserRequest parse_browser_request(std::string_view text);

// The command names of the contract (docs/console.md, COMMANDS.md).
bool is_command_name(std::string_view cmd);

}  // namespace vigil::console
