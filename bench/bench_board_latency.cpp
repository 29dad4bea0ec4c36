// Card read to relay through the firmware bridge, in process over a real pty
// pair: SimDoorBoard (the firmware core on its own thread) hands a card read
// to BoardDriver on an io_context, the core's Controller decides, and the
// OutputCommand goes back to the board; timed from the swipe to the board's
// relay change. A pty has no line speed, so the 115,200-baud wire time of
// the two frames on the critical path (card_read up, output_command down) is
// printed beside it as the floor a real UART adds.
//
//   build/bench/bench_board_latency [iterations]
#include <algorithm>
#include <atomic>
#include <boost/asio/io_context.hpp>
#include <cstdio>
#include <vector>

#include "vigil/core/controller.hpp"
#include "vigil/fwb/board_driver.hpp"
#include "vigil/fwb/codec.hpp"
#include "vigil/sim/sim_door_board.hpp"

using namespace vigil;
using Clock = std::chrono::steady_clock;

namespace {

core::Site lab_site() {
  core::Site s;
  s.zones = {{core::ZoneId("outside"), "Outside", core::SecurityLevel::public_, {}, {}, false},
             {core::ZoneId("lab"), "Lab", core::SecurityLevel::restricted, {}, {}, false}};
  core::Door lab;
  lab.id = core::DoorId("lab");
  lab.from_zone = core::ZoneId("outside");
  lab.to_zone = core::ZoneId("lab");
  lab.lock = fwb::relay_point(core::DeviceId("board1"), 0);
  lab.contact = fwb::input_point(core::DeviceId("board1"), 0);
  lab.unlock_time = std::chrono::seconds(60);
  s.doors = {lab};
  s.readers = {{core::ReaderId("lab-in"), core::DoorId("lab"), core::Direction::in}};
  s.access_levels = {{core::AccessLevelId("always"), {core::ZoneId("lab")}, {{0x7F, 0, 1440}}, {}}};
  return s;
}

double wire_ms(const fwb::Message& m, double baud) {
  std::array<std::uint8_t, fwb::kMaxWireFrame> buf{};
  const std::size_t n = fwb::encode_frame(fwb::FrameHeader{}, m, buf);
  return static_cast<double>(n) * 10.0 / baud * 1000.0;  // 8N1: 10 bits a byte
}

}  // namespace

int main(int argc, char** argv) {
  const int iterations = argc > 1 ? std::max(1, std::atoi(argv[1])) : 500;
  const core::Site site = lab_site();
  core::PeopleDirectory people;
  people.add_person({core::PersonId("p1"), "Pat", true, {core::AccessLevelId("always")}});
  people.add_credential({core::CardNumber{12, 1001}, core::PersonId("p1"), true, {}, {}});
  // A fresh controller per read: each starts with the door locked.
  auto controller = std::make_unique<core::Controller>(site, people);

  sim::SimDoorBoardOptions bo;
  bo.config.reader_count = 1;
  sim::SimDoorBoard board(bo);
  std::atomic<long long> relay_on_at{0};
  board.on_relay_change([&](std::uint8_t relay, bool level) {
    if (relay == 0 && level) relay_on_at = Clock::now().time_since_epoch().count();
  });

  boost::asio::io_context io;
  fwb::BoardDriverOptions o;
  o.id = core::DeviceId("board1");
  o.serial_path = board.path();
  o.readers = {fwb::BoardReader{core::ReaderId("lab-in"), wiegand::builtin_formats()}};
  o.tick = std::chrono::milliseconds(1);
  std::unique_ptr<fwb::BoardDriver> driver;
  fwb::BoardDriverCallbacks cb;
  cb.on_input = [&](const core::Input& in) {
    if (std::holds_alternative<core::OutputResult>(in) ||
        std::holds_alternative<core::CardPresented>(in)) {
      for (const auto& out : controller->handle(in).outputs)
        driver->set_output(static_cast<std::uint8_t>(out.point.index), out.value, out.write_id);
    }
  };
  driver = std::make_unique<fwb::BoardDriver>(io, o, cb);
  driver->start();
  auto run_until = [&](auto done) {
    const auto deadline = Clock::now() + std::chrono::seconds(5);
    while (!done() && Clock::now() < deadline) io.run_for(std::chrono::microseconds(200));
    return done();
  };
  if (!run_until([&] { return driver->link_up() && board.link_up(); })) {
    std::fprintf(stderr, "link did not come up\n");
    return 1;
  }
  std::vector<double> us;
  for (int i = 0; i < iterations; ++i) {
    controller = std::make_unique<core::Controller>(site, people);
    const auto wall =
        std::chrono::time_point_cast<core::Duration>(std::chrono::system_clock::now());
    const auto mono = std::chrono::time_point_cast<core::Duration>(Clock::now());
    for (const auto& out : controller->start(wall, mono).outputs)
      driver->set_output(static_cast<std::uint8_t>(out.point.index), out.value, out.write_id);
    run_until([&] { return !board.relay(0) && driver->link().in_flight() == 0; });
    relay_on_at = 0;
    const auto t0 = Clock::now();
    board.swipe(0, 12, 1001);
    if (!run_until([&] { return relay_on_at.load() != 0; })) {
      std::fprintf(stderr, "no relay change at iteration %d\n", i);
      return 1;
    }
    const auto t1 = Clock::time_point(Clock::duration(relay_on_at.load()));
    us.push_back(std::chrono::duration<double, std::micro>(t1 - t0).count());
  }
  std::sort(us.begin(), us.end());
  auto pct = [&](double p) { return us[static_cast<std::size_t>(p * (us.size() - 1))]; };
  fwb::CardRead read;
  read.bit_count = 26;
  const double up = wire_ms(read, 115200.0);
  const double down = wire_ms(fwb::OutputCommand{0, fwb::OutputMode::on, 0}, 115200.0);
  std::printf("card read to relay through the bridge over a pty, %d reads\n", iterations);
  std::printf("  median %.0f us, p90 %.0f us, p99 %.0f us, max %.0f us\n", pct(0.5), pct(0.9),
              pct(0.99), us.back());
  std::printf("  115200-baud wire floor: card_read %.2f ms + output_command %.2f ms = %.2f ms\n",
              up, down, up + down);
  return 0;
}
