// Time to push a full credential cache to a door board, and the reliable
// frames per second the link sustains doing it: BoardDriver pushes a
// 10,000-card image (834 chunks through the 8-frame window) to SimDoorBoard
// over a real pty pair, timed from link up to the board installing it. A
// pty has no line speed, so the image's bytes at 115,200 baud are printed
// as the floor a real UART sets.
//
//   build/bench/bench_board_cache_push [cards]
#include <boost/asio/io_context.hpp>
#include <cstdio>

#include "vigil/fwb/board_driver.hpp"
#include "vigil/fwb/codec.hpp"
#include "vigil/sim/sim_door_board.hpp"

using namespace vigil;
using Clock = std::chrono::steady_clock;

int main(int argc, char** argv) {
  const int cards = argc > 1 ? std::max(1, std::atoi(argv[1])) : 10'000;
  core::Site site;
  site.zones = {{core::ZoneId("outside"), "Outside", core::SecurityLevel::public_, {}, {}, false},
                {core::ZoneId("lab"), "Lab", core::SecurityLevel::restricted, {}, {}, false}};
  core::Door lab;
  lab.id = core::DoorId("lab");
  lab.from_zone = core::ZoneId("outside");
  lab.to_zone = core::ZoneId("lab");
  site.doors = {lab};
  site.readers = {{core::ReaderId("lab-in"), core::DoorId("lab"), core::Direction::in}};
  site.access_levels = {
      {core::AccessLevelId("days"), {core::ZoneId("lab")}, {{0x1F, 7 * 60, 19 * 60}}, {}}};
  core::PeopleDirectory people;
  people.add_person({core::PersonId("p"), "P", true, {core::AccessLevelId("days")}});
  for (int n = 1; n <= cards; ++n)
    people.add_credential(
        {core::CardNumber{12, static_cast<std::uint64_t>(n)}, core::PersonId("p"), true, {}, {}});
  const std::vector<core::ReaderId> readers{core::ReaderId("lab-in")};

  sim::SimDoorBoardOptions bo;
  bo.cache_capacity = static_cast<std::size_t>(cards);
  sim::SimDoorBoard board(bo);
  boost::asio::io_context io;
  fwb::BoardDriverOptions o;
  o.id = core::DeviceId("board1");
  o.serial_path = board.path();
  o.tick = std::chrono::milliseconds(1);
  std::size_t chunks = 0;
  std::size_t wire_bytes = 0;
  fwb::BoardDriverCallbacks cb;
  cb.cache_image = [&]() -> std::optional<fwb::CacheImage> {
    const auto all = people.cards();
    auto built = fwb::build_cache_image(site, people, readers, all, 1);
    if (!built.error.empty()) return std::nullopt;
    for (const auto& c : built.image.chunks()) {
      std::array<std::uint8_t, fwb::kMaxWireFrame> buf{};
      wire_bytes += fwb::encode_frame(fwb::FrameHeader{}, c, buf);
      ++chunks;
    }
    return std::move(built.image);
  };
  fwb::BoardDriver driver(io, o, cb);
  driver.start();
  while (!driver.link_up()) io.run_for(std::chrono::microseconds(200));
  const auto t0 = Clock::now();
  const auto deadline = t0 + std::chrono::seconds(120);
  while (board.cache_version() == 0 && Clock::now() < deadline)
    io.run_for(std::chrono::microseconds(200));
  const double s = std::chrono::duration<double>(Clock::now() - t0).count();
  if (board.cache_version() == 0) {
    std::fprintf(stderr, "the cache was not installed within 120 s\n");
    return 1;
  }
  std::printf("cache push of %d cards over a pty: %zu chunks, %zu bytes on the wire\n", cards,
              chunks, wire_bytes);
  std::printf("  link up to installed: %.1f ms (%.0f reliable frames/s, window 8)\n", s * 1000.0,
              static_cast<double>(chunks) / s);
  std::printf("  115200-baud floor for those bytes: %.1f s\n",
              static_cast<double>(wire_bytes) * 10.0 / 115200.0);
  return 0;
}
