// The door board image for QEMU's mps2-an385: the unchanged firmware core
// (DoorBoard) on a Cortex-M3 with a small board layer. UART0 (0x40004000) is
// the gateway link; UART1 (0x40005000) is a bench console standing in for
// the door's hardware: a line "s F N" presents H10301 card F:N at reader 0,
// "c 1" / "c 0" cuts and restores the gateway link; the board reports "up",
// "down", "cache V" and "relay R L" lines there. Both UARTs are CMSDK APB
// UARTs, polled; milliseconds come from CMSDK APB timer 0 (0x40000000) run
// free at the 25 MHz clock and read by the main loop: no interrupts at all
// (QEMU drops periodic SysTick interrupts when its host is busy; a counter
// read is exact).
#include <array>
#include <cstdint>

#include "vigil/fwb/door_board.hpp"

namespace {

using namespace vigil::fwb;

constexpr std::uint32_t kSysClockHz = 25'000'000;  // the AN385 FPGA's clock
constexpr std::uint32_t kBaud = 115'200;

class CmsdkUart {
 public:
  explicit CmsdkUart(std::uintptr_t base) : base_(base) {}
  void init() {
    reg(kBaudDiv) = kSysClockHz / kBaud;
    reg(kCtrl) = kTxEnable | kRxEnable;
  }
  bool read(std::uint8_t& byte) {
    if ((reg(kState) & kRxFull) == 0) return false;
    byte = static_cast<std::uint8_t>(reg(kData));
    return true;
  }
  void write(std::uint8_t byte) {
    while ((reg(kState) & kTxFull) != 0) {
    }
    reg(kData) = byte;
  }
  void print(const char* s) {
    while (*s != '\0') write(static_cast<std::uint8_t>(*s++));
  }
  void print(std::uint32_t n) {
    char digits[10];
    int i = 0;
    do {
      digits[i++] = static_cast<char>('0' + n % 10);
      n /= 10;
    } while (n != 0);
    while (i > 0) write(static_cast<std::uint8_t>(digits[--i]));
  }

 private:
  static constexpr std::uintptr_t kData = 0x00, kState = 0x04, kCtrl = 0x08, kBaudDiv = 0x10;
  static constexpr std::uint32_t kTxFull = 1u << 0, kRxFull = 1u << 1;
  static constexpr std::uint32_t kTxEnable = 1u << 0, kRxEnable = 1u << 1;
  volatile std::uint32_t& reg(std::uintptr_t offset) {
    return *reinterpret_cast<volatile std::uint32_t*>(base_ + offset);
  }
  std::uintptr_t base_;
};

CmsdkUart gateway_uart(0x40004000u);
CmsdkUart console(0x40005000u);
bool link_cut = false;

// Milliseconds since boot from a free-running 32-bit down counter (wraps
// every 171 s; the main loop reads it far more often than that).
class MillisClock {
 public:
  void start() {
    reg(kReload) = 0xFFFFFFFFu;
    reg(kValue) = 0xFFFFFFFFu;
    reg(kCtrl) = 1u;  // enable, no interrupt
    last_ = reg(kValue);
  }
  Millis now() {
    const std::uint32_t v = reg(kValue);
    cycles_ += last_ - v;  // counts down; unsigned arithmetic covers a wrap
    last_ = v;
    ms_ += cycles_ / (kSysClockHz / 1000);
    cycles_ %= kSysClockHz / 1000;
    return Millis{ms_};
  }
  std::uint32_t raw() { return reg(kValue); }

 private:
  static constexpr std::uintptr_t kBase = 0x40000000u;
  static constexpr std::uintptr_t kCtrl = 0x00, kValue = 0x04, kReload = 0x08;
  static volatile std::uint32_t& reg(std::uintptr_t offset) {
    return *reinterpret_cast<volatile std::uint32_t*>(kBase + offset);
  }
  std::uint32_t last_ = 0;
  std::uint32_t cycles_ = 0;
  std::uint32_t ms_ = 0;
};
MillisClock clock_ms;

struct GatewayLink final : ByteSink {
  void write(std::span<const std::uint8_t> bytes) override {
    if (link_cut) return;  // a cut cable
    for (const std::uint8_t b : bytes) gateway_uart.write(b);
  }
};

// H10301: even parity over the first 12 bits, facility (8), card (16), odd
// parity over the last 12.
CapturedFrame h10301(std::uint32_t facility, std::uint32_t number) {
  const std::uint32_t payload = ((facility & 0xFFu) << 16) | (number & 0xFFFFu);
  std::uint32_t bits = payload << 1;
  if (__builtin_popcount(payload >> 12) % 2 != 0) bits |= 1u << 25;
  if (__builtin_popcount(payload & 0xFFFu) % 2 == 0) bits |= 1u;
  CapturedFrame f;
  f.bit_count = 26;
  for (int i = 0; i < 26; ++i) {
    if ((bits >> (25 - i)) & 1u)
      f.bits[i / 8] = static_cast<std::uint8_t>(f.bits[i / 8] | (0x80u >> (i % 8)));
  }
  return f;
}

std::uint32_t parse_number(const char*& p) {
  while (*p == ' ') ++p;
  std::uint32_t n = 0;
  while (*p >= '0' && *p <= '9') n = n * 10 + static_cast<std::uint32_t>(*p++ - '0');
  return n;
}

std::array<StoredEntry, 10'000> cache_storage;
std::array<OfflineEvent, 512> ring_storage;
GatewayLink link;
CredentialCache cache(cache_storage);
OfflineEventRing ring(ring_storage);

BoardConfig board_config() {
  BoardConfig c;
  c.link.session = 0;  // set from the clock at boot
  c.link.firmware = {1, 0, 0};
  c.relays[0] = {false, false};  // the door strike: fail-secure
  c.reader_count = 1;
  c.reader_lock_relay[0] = 0;
  c.unlock_time[0] = Millis{3000};
  c.supply_mv = 12000;
  return c;
}

}  // namespace

int main() {
  gateway_uart.init();
  console.init();
  clock_ms.start();
  console.print("boot\n");
  BoardConfig config = board_config();
  // A new session on every boot. QEMU boots from the same RAM every time:
  // the timer's phase after the console write above differs run to run.
  config.link.session = 0xB0A00000u | (clock_ms.raw() & 0xFFFFu) | 1u;
  static DoorBoard board(config, link, cache, ring);
  board.start(clock_ms.now());

  std::array<char, 32> line{};
  std::size_t line_len = 0;
  bool was_up = false;
  bool relay_level = false;
  std::uint32_t cache_version = 0;
  for (;;) {
    const Millis now = clock_ms.now();
    std::uint8_t byte = 0;
    while (gateway_uart.read(byte)) {
      if (!link_cut) board.on_uart(std::span<const std::uint8_t>(&byte, 1), now);
    }
    while (console.read(byte)) {
      if (byte != '\n' && byte != '\r') {
        if (line_len + 1 < line.size()) line[line_len++] = static_cast<char>(byte);
        continue;
      }
      line[line_len] = '\0';
      const char* p = line.data() + 1;
      if (line[0] == 's') {
        const std::uint32_t facility = parse_number(p);
        const std::uint32_t number = parse_number(p);
        board.on_wiegand(0, h10301(facility, number), now);
      } else if (line[0] == 'c') {
        link_cut = parse_number(p) != 0;
      }
      line_len = 0;
    }
    board.tick(now);
    if (board.link().up() != was_up) {
      was_up = board.link().up();
      console.print(was_up ? "up\n" : "down\n");
    }
    if (board.cache().version() != cache_version) {
      cache_version = board.cache().version();
      console.print("cache ");
      console.print(cache_version);
      console.print("\n");
    }
    if (board.relay(0) != relay_level) {
      relay_level = board.relay(0);
      console.print(relay_level ? "relay 0 1\n" : "relay 0 0\n");
    }
  }
}
