// A gateway-side BoardDriver on an io_context run by the test thread, and a
// SimDoorBoard (the firmware core on its own thread) behind a real pty pair.
// One lab door: board reader 0 is site reader "lab-in", relay 0 its
// fail-secure strike, relay 1 a fail-safe maglock; cards 12:1..12:200 may
// enter at any time.
#pragma once

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <vector>

#include "vigil/core/people.hpp"
#include "vigil/core/site.hpp"
#include "vigil/fwb/board_driver.hpp"
#include "vigil/sim/sim_door_board.hpp"

namespace vigil::fwb::testing {

inline core::Site lab_site() {
  using namespace vigil::core;
  Site s;
  Zone outside;
  outside.id = ZoneId("outside");
  outside.name = "Outside";
  Zone lab_zone;
  lab_zone.id = ZoneId("lab");
  lab_zone.name = "Lab";
  lab_zone.security_level = SecurityLevel::restricted;
  s.zones = {outside, lab_zone};
  Door lab;
  lab.id = DoorId("lab");
  lab.from_zone = ZoneId("outside");
  lab.to_zone = ZoneId("lab");
  s.doors = {lab};
  s.readers = {{ReaderId("lab-in"), DoorId("lab"), Direction::in}};
  s.access_levels = {{AccessLevelId("lab-always"), {ZoneId("lab")}, {{0x7F, 0, 1440}}, {}}};
  return s;
}

inline core::PeopleDirectory lab_people() {
  core::PeopleDirectory p;
  p.add_person({core::PersonId("p1"), "Pat", true, {core::AccessLevelId("lab-always")}});
  for (std::uint64_t n = 1; n <= 200; ++n)
    p.add_credential({core::CardNumber{12, n}, core::PersonId("p1"), true, {}, {}});
  return p;
}

inline sim::SimDoorBoardOptions lab_board() {
  sim::SimDoorBoardOptions o;
  o.config.relays[0] = {false, false};  // strike, fail-secure
  o.config.relays[1] = {false, true};   // maglock, fail-safe: energised while locked
  o.config.reader_count = 1;
  o.config.reader_lock_relay[0] = 0;
  o.config.unlock_time[0] = Millis{3000};
  o.config.input_count = 2;
  o.config.input_debounce = Millis{5};
  o.ring_capacity = 256;
  return o;
}

class DriverRig {
 public:
  explicit DriverRig(std::string cursor_path = {}) : board(lab_board()) {
    BoardDriverOptions o;
    o.id = core::DeviceId("door-1");
    o.serial_path = board.path();
    o.readers = {BoardReader{core::ReaderId("lab-in"), wiegand::builtin_formats()}};
    o.cursor_path = std::move(cursor_path);
    BoardDriverCallbacks cb;
    // The journal commits each offline decision at once unless the test
    // holds the commits back (auto_commit = false) and commits by hand.
    cb.on_input = [this](const core::Input& in) {
      inputs.push_back(in);
      if (const auto* d = std::get_if<core::OfflineDecision>(&in); d && auto_commit)
        driver->offline_committed(d->board_session, d->board_seq);
    };
    cb.cache_image = [this]() -> std::optional<CacheImage> {
      const std::vector<core::ReaderId> readers{core::ReaderId("lab-in")};
      const auto cards = people.cards();
      auto r = build_cache_image(site, people, readers, cards, 1);
      if (!r.error.empty()) return std::nullopt;
      return r.image;
    };
    options_ = o;
    callbacks_ = cb;
    driver = std::make_unique<BoardDriver>(io, o, cb);
    driver->start();
  }

  // The gateway process dies (whatever it had not committed is lost) and a
  // new one starts on the same port, reading the same cursor file.
  void restart_driver() {
    driver.reset();
    io.restart();
    io.poll();     // handlers of the dead driver: they see it is gone
    io.restart();  // poll() ran out of work, which stops the context
    inputs.clear();
    auto_commit = true;
    options_.session = 0;
    driver = std::make_unique<BoardDriver>(io, options_, callbacks_);
    driver->start();
  }

  // Runs the gateway's loop until `done` holds (true) or `timeout` passes.
  template <class Pred>
  bool run_until(Pred done, std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!done()) {
      if (std::chrono::steady_clock::now() >= deadline) return false;
      io.run_for(std::chrono::milliseconds(2));
    }
    return true;
  }

  bool up_and_cached() {
    return run_until(
        [&] { return driver->link_up() && board.link_up() && board.cache_version() != 0; });
  }

  template <class T>
  std::vector<T> all() const {
    std::vector<T> out;
    for (const auto& in : inputs)
      if (const auto* x = std::get_if<T>(&in)) out.push_back(*x);
    return out;
  }

  core::Site site = lab_site();
  core::PeopleDirectory people = lab_people();
  sim::SimDoorBoard board;
  boost::asio::io_context io;
  std::vector<core::Input> inputs;
  bool auto_commit = true;
  std::unique_ptr<BoardDriver> driver;

 private:
  BoardDriverOptions options_;
  BoardDriverCallbacks callbacks_;
};

}  // namespace vigil::fwb::testing
