// vigilctl person pin ID: sets a person's PIN for card + PIN doors (issue 8).
// The digits are read from standard input (never from the command line,
// where `ps` and the shell history would show them), hashed here with
// PBKDF2 and stored as the hash only; the journal records that the PIN was
// set, by whom, never the digits or the hash.
#include <algorithm>
#include <iostream>
#include <istream>

#include "roster_change.hpp"
#include "vigil/core/pin_hash.hpp"
#include "vigil/ctl/commands.hpp"

namespace vigil::ctl {

int person_set_pin(const std::string& db_path, const std::string& id, std::istream& in,
                   std::ostream& out, std::ostream& err) {
  std::string line;
  std::getline(in, line);
  while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
  auto pin = core::PinCode::from_digits(line);
  std::fill(line.begin(), line.end(), '\0');
  if (!pin) {
    err << "vigilctl: expected the PIN on standard input: 1 to " << core::kMaxPinLength
        << " digits 0-9\n";
    return 2;
  }
  const core::PinHash hash = core::hash_pin(*pin);
  return run_change(db_path, err, [&](journal::Roster& roster) {
    print_change(roster.set_pin(core::PersonId{id}, hash, wall_now()), out);
    return 0;
  });
}

int person_pin(const std::string& db_path, const std::string& id, std::ostream& out,
               std::ostream& err) {
  return person_set_pin(db_path, id, std::cin, out, err);
}

}  // namespace vigil::ctl
