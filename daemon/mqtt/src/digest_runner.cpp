#include "vigil/mqtt/digest_runner.hpp"

#include <cstdio>

#include "vigil/journal/journal.hpp"
#include "vigil/mqtt/publisher.hpp"

namespace vigil::mqtt {

DigestRunner::DigestRunner(Publisher& publisher, std::filesystem::path database,
                           journal::IncidentLogOptions options, std::string segment,
                           DigestSchedule schedule, core::TimePoint start,
                           core::DeficiencyRules deficiencies)
    : publisher_(publisher),
      database_(std::move(database)),
      options_(std::move(options)),
      segment_(std::move(segment)),
      schedule_(schedule),
      deficiency_rules_(std::move(deficiencies)),
      clock_(std::move(schedule), start) {}

DigestRunner::~DigestRunner() = default;  // jthread joins

std::string DigestRunner::build(const DigestWindow& window) const {
  DigestSources sources;
  sources.incidents = journal::IncidentLog(database_, "vigild", options_).list();
  core::DeficiencyBook book(deficiency_rules_);
  const journal::Journal journal(database_);
  for (const auto& e : journal.query({.kinds = core::deficiency_event_kinds()})) book.apply(e);
  sources.deficiencies = book.list();
  return digest_payload(publisher_.topics().site(), publisher_.topics().gateway(), segment_,
                        sources, window, schedule_.zone);
}

void DigestRunner::tick(core::TimePoint now) {
  const auto window = clock_.due(now);
  if (!window) return;
  if (worker_.joinable()) worker_.join();  // the previous one, a day ago
  worker_ = std::jthread([this, w = *window] {
    try {
      publisher_.publish_digest(build(w));
    } catch (const std::exception& e) {
      // The journal could not be read: no digest today, the doors go on.
      std::fprintf(stderr, "vigild: digest not built: %s\n", e.what());
    }
  });
}

}  // namespace vigil::mqtt
