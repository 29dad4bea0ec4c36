// Hand commands, the same whether typed at a running `vigil-sim SITE serve`
// or sent with `vigil-sim SITE swipe ...` through the control socket:
//   swipe READER CARD [FORMAT] | keys READER KEYS | open DOOR | close DOOR | force DOOR
//   rex DOOR [HOLD] | board BOARD FAULT [N] | status | help
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "sim_site.hpp"

namespace vigil::sim {

struct CommandReply {
  bool ok = false;
  std::vector<std::string> lines;  // for the person at the keyboard
};

std::vector<std::string> split_words(std::string_view line);

// Never throws: a mistyped door is a reply, not a crash.
CommandReply run_command(SimSite& site, const std::vector<std::string>& words);

extern const char* const kCommandHelp;

}  // namespace vigil::sim
