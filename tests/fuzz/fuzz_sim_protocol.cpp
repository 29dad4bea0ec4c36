// The sim GPIO chip's byte stream: whatever arrives on the socket, the
// decoder counts and drops what it cannot trust and never crashes.
#include <cstddef>
#include <cstdint>
#include <span>

#include "vigil/gpio/sim_protocol.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace vigil::gpio::sim_protocol;
  FrameDecoder decoder;
  // Feed in two pieces so frames split across reads are exercised too.
  const std::size_t half = size / 2;
  decoder.push(std::span<const std::uint8_t>(data, half));
  while (decoder.next()) {
  }
  decoder.push(std::span<const std::uint8_t>(data + half, size - half));
  while (auto m = decoder.next()) {
    // Whatever decodes must encode again.
    auto bytes = encode(*m);
    if (bytes.empty()) __builtin_trap();
  }
  return 0;
}
