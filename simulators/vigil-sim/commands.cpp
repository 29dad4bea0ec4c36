#include "commands.hpp"

#include <thread>

#include "vigil/config/duration.hpp"
#include "vigil/sim/scenario.hpp"

namespace vigil::sim {

const char* const kCommandHelp =
    "commands:\n"
    "  swipe READER CARD [FORMAT]   present a card, e.g. swipe lobby-in 12:1001\n"
    "  keys READER KEYS             type on the reader's keypad, e.g. keys lobby-in 1234#\n"
    "  open DOOR | close DOOR       the door's contact opens / closes\n"
    "  force DOOR                   open with no grant expected (same contact as open)\n"
    "  rex DOOR [HOLD]              press the request-to-exit button (default 300ms)\n"
    "  board BOARD FAULT [N]        door board line faults: cut, restore, reboot,\n"
    "                               drop N (bytes), flip N (bits), garbage N (bytes)\n"
    "  status                       locks, doors, watchdogs, whether vigild is attached\n"
    "  help";

std::vector<std::string> split_words(std::string_view line) {
  std::vector<std::string> words;
  std::size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t' || line[i] == '\r')) ++i;
    std::size_t j = i;
    while (j < line.size() && line[j] != ' ' && line[j] != '\t' && line[j] != '\r') ++j;
    if (j > i) words.emplace_back(line.substr(i, j - i));
    i = j;
  }
  return words;
}

namespace {

CommandReply fail(std::string message) {
  return CommandReply{false, {std::move(message)}};
}

CommandReply dispatch(SimSite& site, const std::vector<std::string>& w) {
  const std::string& verb = w[0];
  const auto usage = [&](const char* form) { return fail(std::string("usage: ") + form); };
  if (verb == "help") return CommandReply{true, {kCommandHelp}};
  if (verb == "status") return CommandReply{true, site.status()};
  if (verb == "swipe") {
    if (w.size() < 3 || w.size() > 4) return usage("swipe READER CARD [FORMAT]");
    const auto card = parse_card(w[2]);
    if (!card) return fail("card: expected facility:number, e.g. 12:1001, got '" + w[2] + "'");
    site.swipe(w[1], *card, w.size() == 4 ? w[3] : "");
    return CommandReply{true, {"swiped " + w[2] + " at " + w[1]}};
  }
  if (verb == "keys") {
    if (w.size() != 3) return usage("keys READER KEYS");
    if (w[2].find_first_not_of("0123456789*#") != std::string::npos) {
      return fail("keys: expected digits, * and #, got '" + w[2] + "'");
    }
    site.keys(w[1], w[2], false);
    return CommandReply{true, {"typed " + std::to_string(w[2].size()) + " keys at " + w[1]}};
  }
  if (verb == "open" || verb == "close" || verb == "force") {
    if (w.size() != 2) return usage("open|close|force DOOR");
    site.set_contact(w[1], verb != "close");
    return CommandReply{true, {w[1] + (verb == "close" ? " closed" : " open")}};
  }
  if (verb == "board") {
    if (w.size() < 3 || w.size() > 4)
      return usage("board BOARD cut|restore|reboot|drop|flip|garbage [N]");
    std::size_t n = 1;
    if (w.size() == 4) {
      const bool digits = w[3].find_first_not_of("0123456789") == std::string::npos;
      if (!digits || w[3].empty() || w[3].size() > 6) {
        return fail("N: expected a count from 0 to 999999, got '" + w[3] + "'");
      }
      n = std::stoul(w[3]);
    }
    return CommandReply{true, {site.board_fault(w[1], w[2], n)}};
  }
  if (verb == "rex") {
    if (w.size() < 2 || w.size() > 3) return usage("rex DOOR [HOLD]");
    std::chrono::microseconds hold = std::chrono::milliseconds(300);
    if (w.size() == 3) {
      std::string why;
      auto parsed = config::parse_duration(w[2], &why);
      if (!parsed) return fail("hold: " + why);
      hold = *parsed;
    }
    site.set_rex(w[1], true);
    std::this_thread::sleep_for(hold);
    site.set_rex(w[1], false);
    return CommandReply{true, {"pressed REX at " + w[1]}};
  }
  return fail("unknown command '" + verb + "'; try help");
}

}  // namespace

CommandReply run_command(SimSite& site, const std::vector<std::string>& words) {
  if (words.empty()) return fail("empty command; try help");
  try {
    return dispatch(site, words);
  } catch (const std::exception& e) {
    return fail(e.what());
  }
}

}  // namespace vigil::sim
