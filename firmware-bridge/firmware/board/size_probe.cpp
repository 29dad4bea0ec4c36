// A minimal board image for the size report (scripts/firmware-size.sh): the
// firmware core with a 10,000-card cache and a 512-event offline ring in
// static storage, a UART that writes to a register, a main loop. Not a real
// board layer (no clocks, pins or interrupts): it exists so the linker keeps
// what a real image would, and so flash and RAM can be measured.
#include <array>
#include <cstdint>

#include "vigil/fwb/door_board.hpp"

namespace {

using namespace vigil::fwb;

struct RegisterUart final : ByteSink {
  void write(std::span<const std::uint8_t> bytes) override {
    for (const std::uint8_t b : bytes) *reinterpret_cast<volatile std::uint32_t*>(0x40004000u) = b;
  }
};

std::array<StoredEntry, 10'000> cache_storage;
std::array<OfflineEvent, 512> ring_storage;
RegisterUart uart;
CredentialCache cache(cache_storage);
OfflineEventRing ring(ring_storage);

}  // namespace

int main() {
  BoardConfig config;
  config.reader_count = 2;
  static DoorBoard board(config, uart, cache, ring);
  static WiegandCapture capture;
  volatile std::uint32_t* const ticks = reinterpret_cast<volatile std::uint32_t*>(0xE000E018u);
  volatile std::uint8_t* const rx = reinterpret_cast<volatile std::uint8_t*>(0x40004004u);
  board.start(Millis{*ticks});
  for (;;) {
    const Millis now{*ticks};
    const std::uint8_t byte = *rx;
    board.on_uart(std::span<const std::uint8_t>(&byte, 1), now);
    CapturedFrame frame;
    if (capture.poll(*ticks, frame)) board.on_wiegand(0, frame, now);
    board.on_input(0, (*rx & 1u) != 0, now);
    board.tick(now);
  }
}
