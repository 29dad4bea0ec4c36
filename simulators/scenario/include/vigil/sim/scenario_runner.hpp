// Plays a Scenario against a site in real time. The site is reached through
// SiteActions (vigil-sim's SimSite implements it; tests use a recorder), so
// the runner knows timing and nothing about sockets. A REX step becomes a
// press and a release `hold` later; later steps do not wait for the release.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "vigil/core/card.hpp"
#include "vigil/sim/scenario.hpp"

namespace vigil::sim {

class SiteActions {
 public:
  virtual ~SiteActions() = default;
  // Each throws std::runtime_error when the site cannot do it (unknown name).
  virtual void swipe(const std::string& reader, core::CardNumber card,
                     const std::string& format) = 0;
  virtual void set_contact(const std::string& door, bool open) = 0;
  virtual void set_rex(const std::string& door, bool pressed) = 0;
  // Whether the daemon has energised the door's lock output (true = unlocked).
  virtual bool lock_energised(const std::string& door) const = 0;
  // Types on a Wiegand reader's keypad; blocks while the keys are sent.
  virtual void keys(const std::string& reader, const std::string& typed, bool four_bit) {
    (void)typed, (void)four_bit;
    throw std::runtime_error("reader '" + reader + "': this site has no keypads");
  }
};

// Runs an operator command (vigilctl's words); throws std::runtime_error
// with what went wrong when it fails. Empty: `ctl` steps fail.
using OperatorCommands = std::function<void(const std::vector<std::string>& args)>;

struct ScenarioOutcome {
  int actions_run = 0;
  int actions_failed = 0;       // the site refused (e.g. a name the site lacks)
  int expectations_failed = 0;  // the daemon did not do what the scenario expected
  bool stopped = false;         // stop() cut it short
  bool passed() const { return !stopped && actions_failed == 0 && expectations_failed == 0; }
};

class ScenarioRunner {
 public:
  using Log = std::function<void(const std::string&)>;

  ScenarioRunner(SiteActions& site, Log log, OperatorCommands ctl = {});

  // Blocks until the last step has run (or stop()); times count from the call.
  ScenarioOutcome run(const Scenario& scenario);
  // Thread-safe; makes a running run() return promptly.
  void stop();

 private:
  bool wait_until(std::chrono::steady_clock::time_point t);  // false when stopped

  SiteActions& site_;
  Log log_;
  OperatorCommands ctl_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
};

}  // namespace vigil::sim
