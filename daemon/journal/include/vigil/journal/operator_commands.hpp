// Operator commands for a running vigild (issue 9): `vigilctl alarm arm`,
// `alarm disarm`, `fire reset` and `fire release` write a row into the
// journal's database file; vigild takes pending rows every quarter second
// and applies them on its event loop, where the resulting state change is
// journalled with the operator. The stand-in for the control socket: when
// that lands, vigilctl sends the same commands over it instead.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "vigil/core/time.hpp"

namespace vigil::journal {

namespace sqlite {
class Database;
}

struct OperatorCommand {
  std::int64_t id = 0;  // assigned by push()
  std::string kind;     // "alarm_arm", "alarm_disarm", "fire_reset", "fire_release"
  std::string target;   // the alarm zone; empty for fire commands
  std::string operator_name;
  bool bypass = false;  // alarm_arm: bypass active sensors
  core::TimePoint requested_at{};
};

class OperatorCommands {
 public:
  // busy_timeout: vigild uses a short one on its event loop and retries on
  // the next poll rather than wait behind another writer.
  explicit OperatorCommands(const std::filesystem::path& db,
                            std::chrono::milliseconds busy_timeout = std::chrono::seconds(5));
  ~OperatorCommands();
  OperatorCommands(const OperatorCommands&) = delete;
  OperatorCommands& operator=(const OperatorCommands&) = delete;

  std::int64_t push(const OperatorCommand& command);
  // Every command not taken yet, oldest first, marked taken in the same
  // transaction (each is applied once). Throws JournalError when busy.
  std::vector<OperatorCommand> take_pending(core::TimePoint now);

 private:
  std::unique_ptr<sqlite::Database> db_;
};

}  // namespace vigil::journal
