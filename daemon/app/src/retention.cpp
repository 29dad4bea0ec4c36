#include "vigil/app/retention.hpp"

#include <spdlog/spdlog.h>

#include <cstdio>

#include "vigil/app/clocks.hpp"
#include "vigil/journal/archive.hpp"

namespace vigil::app {

std::string retention_cutoff(core::TimePoint now, unsigned keep_months) {
  using namespace std::chrono;
  const year_month_day today{floor<days>(now)};
  const year_month cutoff = year_month{today.year(), today.month()} - months{keep_months};
  char text[16];
  std::snprintf(text, sizeof text, "%04d-%02u", static_cast<int>(cutoff.year()),
                static_cast<unsigned>(cutoff.month()));
  return text;
}

Retention::Retention(std::filesystem::path db, unsigned keep_months,
                     std::function<void()> after_first_pass, std::filesystem::path archive_dir)
    : db_(std::move(db)),
      archive_dir_(std::move(archive_dir)),
      keep_months_(keep_months),
      after_first_pass_(std::move(after_first_pass)) {}

Retention::~Retention() {
  {
    std::lock_guard lock{mutex_};
    stopping_ = true;
  }
  wake_.notify_one();
  if (thread_.joinable()) thread_.join();
}

void Retention::start() {
  thread_ = std::thread{[this] { run(); }};
}

void Retention::run() {
  pass();
  if (after_first_pass_) after_first_pass_();
  std::unique_lock lock{mutex_};
  while (!wake_.wait_for(lock, kEvery, [this] { return stopping_; })) {
    lock.unlock();
    pass();
    lock.lock();
  }
}

void Retention::pass() {
  const auto now = wall_now();
  const std::string before = retention_cutoff(now, keep_months_);
  try {
    // The same call as `vigilctl log archive --before` (ctl::log_archive).
    // Each month moves under the exclusive archive lock; a walk holding it
    // (a long export, the full check) makes the pass wait, then fail and
    // try again an hour later (docs/journal.md, "The archive lock").
    const auto made = journal::archive_before(db_, before, now, "vigild (journal.retention)",
                                              {.archive_dir = archive_dir_});
    for (const auto& r : made) {
      spdlog::info("journal retention: archived {} (rows {}..{}) to {}, recorded at seq {}",
                   r.month, r.first_seq, r.last_seq, r.file, r.seq);
    }
  } catch (const std::exception& e) {
    // The rows stay live (archive_before leaves no half archive); the next
    // pass tries again.
    spdlog::error("journal retention: archiving before {} failed: {}", before, e.what());
  }
}

}  // namespace vigil::app
