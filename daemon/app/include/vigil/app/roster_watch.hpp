// Keeps vigild's people directory in step with the roster on disk. A thread
// of its own polls the database (PRAGMA data_version, then the roster
// version) every `interval`; when a roster change has been committed it loads
// the whole directory there, off the event loop, and posts it to the loop,
// where it is swapped in between two inputs (never in the middle of a
// decision) and journalled as roster_reloaded. The directory it replaced is
// handed back to the thread to be freed, so a large roster costs the loop
// one pointer swap, not a load or a free.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "vigil/app/asio.hpp"
#include "vigil/core/event.hpp"
#include "vigil/core/lockdown.hpp"
#include "vigil/core/people.hpp"

namespace vigil::app {

struct RosterWatchOptions {
  std::chrono::milliseconds interval{250};
};

class RosterWatch {
 public:
  using JournalEvent = std::function<void(core::Event)>;

  // `people` is the directory the controller reads; the watch writes it only
  // on `io`'s thread. `journal` is called on that thread too.
  RosterWatch(boost::asio::io_context& io, std::filesystem::path db, core::PeopleDirectory& people,
              JournalEvent journal, RosterWatchOptions options = {});
  ~RosterWatch();
  RosterWatch(const RosterWatch&) = delete;
  RosterWatch& operator=(const RosterWatch&) = delete;

  // Loads the roster into `people` on the calling thread (start-up, before
  // the loop runs). Throws if the roster cannot be read: a daemon that
  // cannot read its cardholders must not start and deny everyone silently.
  void load();
  void start();
  void stop();  // joins the thread; reloads posted but not yet applied are dropped

  std::uint64_t version() const { return applied_version_; }  // loop thread
  // The lockdown orders in force as last loaded (issue 8), and a callback
  // for when a reload changes them (loop thread; set before start()).
  const core::Lockdowns& lockdowns() const { return lockdowns_; }
  void on_lockdowns(std::function<void(const core::Lockdowns&)> callback) {
    on_lockdowns_ = std::move(callback);
  }

 private:
  struct Reload {
    core::PeopleDirectory people;
    std::uint64_t version = 0;
    core::Lockdowns lockdowns;
    std::chrono::microseconds load_time{};
  };
  void watch(std::uint64_t loaded_version);
  void apply(Reload& reload);

  boost::asio::io_context& io_;
  std::filesystem::path db_;
  core::PeopleDirectory& people_;
  JournalEvent journal_;
  RosterWatchOptions options_;
  core::Lockdowns lockdowns_;
  std::function<void(const core::Lockdowns&)> on_lockdowns_;
  std::uint64_t applied_version_ = 0;
  std::shared_ptr<int> alive_ = std::make_shared<int>(0);  // posted reloads check it

  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::vector<core::PeopleDirectory> retired_;  // replaced directories, freed on the watch thread
  std::thread thread_;
};

}  // namespace vigil::app
