// Runs the meeting digest for vigild: asked on every clock tick whether a
// digest is due (DigestClock), it reads the journal's incidents and
// deficiencies on a thread
// of its own (a whole-journal read must not hold up the doors) and hands the
// payload to the publisher, retained on <prefix>/digest.
#pragma once

#include <filesystem>
#include <string>
#include <thread>

#include "vigil/journal/incident_log.hpp"
#include "vigil/mqtt/digest.hpp"

namespace vigil::mqtt {

class Publisher;

class DigestRunner {
 public:
  // `publisher` must outlive this. `deficiencies` are the site's rules for
  // them (ctl::deficiency_rules): which zone an item is in, the read-error rate.
  DigestRunner(Publisher& publisher, std::filesystem::path database,
               journal::IncidentLogOptions options, std::string segment, DigestSchedule schedule,
               core::TimePoint start, core::DeficiencyRules deficiencies = {});
  ~DigestRunner();  // waits for a digest being built
  DigestRunner(const DigestRunner&) = delete;
  DigestRunner& operator=(const DigestRunner&) = delete;

  // On the daemon's loop, with the wall time of its tick.
  void tick(core::TimePoint now);
  // The payload for `window`, read from the journal now (any thread).
  std::string build(const DigestWindow& window) const;
  core::TimePoint next() const { return clock_.next(); }

 private:
  Publisher& publisher_;
  std::filesystem::path database_;
  journal::IncidentLogOptions options_;
  std::string segment_;
  DigestSchedule schedule_;
  core::DeficiencyRules deficiency_rules_;
  DigestClock clock_;
  std::jthread worker_;
};

}  // namespace vigil::mqtt
