// vigild's own check for overdue deficiencies (issue 9 item 6,
// docs/inspections.md). A steady_timer on the event loop fires once at start
// and then every `every`; each firing hands the wall time to a thread of its
// own, which folds the journal's deficiency events and journals one
// deficiency_overdue for each deficiency whose due day has ended on the
// site's clock and has none yet (ctl::raise_overdue_deficiencies: rechecked
// inside the write transaction, so the journal is the memory across
// restarts). The loop never touches SQLite here: a door decision never waits
// for the fold. IncidentStateWatch publishes the incident like any
// deficiency_overdue journalled by vigilctl.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <functional>
#include <mutex>
#include <optional>
#include <thread>

#include "vigil/app/asio.hpp"
#include "vigil/config/site_config.hpp"
#include "vigil/core/time.hpp"

namespace vigil::app {

class OverdueCheck {
 public:
  // `config` must outlive the check (the daemon's). `on_checked` runs on the
  // check's thread after each pass with how many it raised (tests, logs).
  OverdueCheck(boost::asio::io_context& io, const config::SiteConfig& config,
               std::chrono::milliseconds every,
               std::function<void(std::size_t)> on_checked = nullptr);
  ~OverdueCheck();  // stops
  OverdueCheck(const OverdueCheck&) = delete;
  OverdueCheck& operator=(const OverdueCheck&) = delete;

  void start();  // the first check now, then every `every`
  void stop();   // cancels the timer and joins the thread (a pass under way finishes)

  // One pass on the calling thread: how many it raised. Throws on journal
  // errors (the thread logs them and tries again at the next firing).
  std::size_t check(core::TimePoint now);

 private:
  void arm(std::chrono::milliseconds after);
  void run();

  const config::SiteConfig& config_;
  std::chrono::milliseconds every_;
  std::function<void(std::size_t)> on_checked_;
  boost::asio::steady_timer timer_;

  std::mutex mutex_;
  std::condition_variable wake_;
  std::optional<core::TimePoint> requested_;  // the latest firing not yet checked
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace vigil::app
