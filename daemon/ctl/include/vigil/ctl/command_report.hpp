// What a command tells its caller beyond its output: how many journal rows
// it returned, and attributes worth recording (the seqs `audit sample`
// picked). The control server reads it after running a command, for the
// command's audit record (docs/control.md). Thread-local: each server
// thread runs one command at a time.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace vigil::ctl {

struct CommandReport {
  std::optional<std::size_t> rows;  // rows returned, for commands that return rows
  std::vector<std::pair<std::string, std::string>> attrs;
};

// Called by commands; harmless (and unread) when no server runs them.
void report_rows(std::size_t rows);
void report_attr(std::string key, std::string value);
// Returns what was reported since the last take, and clears it.
CommandReport take_command_report();

// For one command run by the control server: the operator current_operator()
// names (journalled on roster changes) is the socket's peer, not vigild's
// own user.
class ActingOperator {
 public:
  explicit ActingOperator(std::string name);
  ~ActingOperator();
  ActingOperator(const ActingOperator&) = delete;
  ActingOperator& operator=(const ActingOperator&) = delete;
};
const std::optional<std::string>& acting_operator();

}  // namespace vigil::ctl
