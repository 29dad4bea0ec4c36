#include "vigil/app/roster_watch.hpp"

#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <spdlog/spdlog.h>

#include "vigil/app/clocks.hpp"
#include "vigil/journal/people_store.hpp"

namespace vigil::app {

RosterWatch::RosterWatch(boost::asio::io_context& io, std::filesystem::path db,
                         core::PeopleDirectory& people, JournalEvent journal,
                         RosterWatchOptions options)
    : io_(io),
      db_(std::move(db)),
      people_(people),
      journal_(std::move(journal)),
      options_(options) {}

RosterWatch::~RosterWatch() {
  stop();
}

void RosterWatch::load() {
  auto snapshot = journal::PeopleStore(db_).load_snapshot();
  snapshot.people.shrink_to_fit();  // no growth slack held for the daemon's life
  people_ = std::move(snapshot.people);
  applied_version_ = snapshot.version;
  lockdowns_ = std::move(snapshot.lockdowns);
}

void RosterWatch::start() {
  if (thread_.joinable()) return;
  stopping_ = false;
  thread_ = std::thread([this, version = applied_version_] { watch(version); });
}

void RosterWatch::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
  retired_.clear();
  alive_ = std::make_shared<int>(0);  // expires the posted reloads' handle
}

void RosterWatch::watch(std::uint64_t loaded_version) {
  // Linux nices threads one by one: loading a large roster must not take
  // CPU from the loop deciding at the doors on a small two-core gateway.
  // Best effort; an unprivileged failure changes nothing else.
  (void)setpriority(PRIO_PROCESS, static_cast<id_t>(syscall(SYS_gettid)), 10);
  std::optional<journal::PeopleStore> store;
  std::int64_t seen_data_version = -1;
  for (;;) {
    std::vector<core::PeopleDirectory> retired;
    {
      std::unique_lock lock(mutex_);
      wake_.wait_for(lock, options_.interval, [this] { return stopping_; });
      if (stopping_) return;
      retired.swap(retired_);
    }
    retired.clear();  // a replaced directory is freed here, not on the loop
    try {
      if (!store) store.emplace(db_);
      // data_version moves with every commit by another connection (each
      // journal group commit too); only a new roster version means a reload.
      const auto data_version = store->data_version();
      if (data_version == seen_data_version) continue;
      if (store->version() == loaded_version) {
        seen_data_version = data_version;
        continue;
      }
      const auto begin = std::chrono::steady_clock::now();
      auto snapshot = store->load_snapshot();
      snapshot.people.shrink_to_fit();
      auto reload = std::make_shared<Reload>(Reload{
          .people = std::move(snapshot.people),
          .version = snapshot.version,
          .lockdowns = std::move(snapshot.lockdowns),
          .load_time = std::chrono::duration_cast<std::chrono::microseconds>(
              std::chrono::steady_clock::now() - begin),
      });
      loaded_version = snapshot.version;
      seen_data_version = data_version;
      boost::asio::post(io_, [this, alive = std::weak_ptr<int>(alive_), reload] {
        if (alive.lock()) apply(*reload);
      });
    } catch (const std::exception& e) {
      // Busy or damaged for a moment: keep the directory we have (doors keep
      // working on it) and try again on the next tick.
      spdlog::warn("roster reload failed, keeping version {}: {}", loaded_version, e.what());
      store.reset();
      seen_data_version = -1;
    }
  }
}

void RosterWatch::apply(Reload& reload) {
  // On the loop, between two inputs: the controller reads people_ by
  // reference, so after the swap the next decision sees the new roster.
  const auto begin = std::chrono::steady_clock::now();
  std::swap(people_, reload.people);
  applied_version_ = reload.version;
  {
    std::lock_guard lock(mutex_);
    retired_.push_back(std::move(reload.people));
  }
  const auto on_loop = std::chrono::duration_cast<std::chrono::microseconds>(
      std::chrono::steady_clock::now() - begin);
  core::Event event;
  event.kind = core::EventKind::roster_reloaded;
  event.time = wall_now();
  core::set_attr(event.attrs, "version", static_cast<std::int64_t>(reload.version));
  core::set_attr(event.attrs, "people", static_cast<std::int64_t>(people_.person_count()));
  core::set_attr(event.attrs, "credentials", static_cast<std::int64_t>(people_.credential_count()));
  core::set_attr(event.attrs, "load_ms",
                 static_cast<std::int64_t>(reload.load_time.count() / 1000));
  spdlog::info("roster version {} applied ({}), {} us on the event loop", reload.version,
               core::describe(event.attrs), on_loop.count());
  journal_(std::move(event));
  if (reload.lockdowns != lockdowns_) {
    lockdowns_ = std::move(reload.lockdowns);
    if (on_lockdowns_) on_lockdowns_(lockdowns_);
  }
}

}  // namespace vigil::app
