#include "vigil/app/overdue_check.hpp"

#include <spdlog/spdlog.h>

#include "vigil/app/clocks.hpp"
#include "vigil/ctl/inspection_commands.hpp"

namespace vigil::app {

OverdueCheck::OverdueCheck(boost::asio::io_context& io, const config::SiteConfig& config,
                           std::chrono::milliseconds every,
                           std::function<void(std::size_t)> on_checked)
    : config_(config), every_(every), on_checked_(std::move(on_checked)), timer_(io) {}

OverdueCheck::~OverdueCheck() {
  stop();
}

void OverdueCheck::start() {
  thread_ = std::thread([this] { run(); });
  arm(std::chrono::milliseconds(0));
}

void OverdueCheck::stop() {
  timer_.cancel();
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

std::size_t OverdueCheck::check(core::TimePoint now) {
  // The operator is unused: a deficiency_overdue names no person.
  const ctl::InspectionContext ctx{config_.journal_path, "vigild", &config_, now};
  return ctl::raise_overdue_deficiencies(ctx);
}

void OverdueCheck::arm(std::chrono::milliseconds after) {
  timer_.expires_after(after);
  timer_.async_wait([this](const boost::system::error_code& ec) {
    if (ec) return;
    {
      // A pass still running when the next firing comes takes the newer
      // time: firings coalesce, the loop never waits.
      std::lock_guard lock(mutex_);
      requested_ = wall_now();
    }
    wake_.notify_one();
    arm(every_);
  });
}

void OverdueCheck::run() {
  std::unique_lock lock(mutex_);
  for (;;) {
    wake_.wait(lock, [this] { return stopping_ || requested_; });
    if (stopping_) return;
    const core::TimePoint now = *requested_;
    requested_.reset();
    lock.unlock();
    try {
      const std::size_t raised = check(now);
      if (raised > 0) spdlog::warn("{} deficiency(ies) overdue: journalled", raised);
      if (on_checked_) on_checked_(raised);
    } catch (const std::exception& e) {
      // A busy or failing database: the next firing tries again.
      spdlog::error("overdue deficiency check failed: {}", e.what());
    }
    lock.lock();
  }
}

}  // namespace vigil::app
