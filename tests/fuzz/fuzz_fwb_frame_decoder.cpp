// Bytes from a door board's serial line (or whoever is on that cable): the
// frame decoder and the link never crash, every frame it accepts re-encodes
// to a frame that decodes to the same message, and every dropped frame is
// counted with one reason.
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

#include "vigil/fwb/codec.hpp"
#include "vigil/fwb/decoder.hpp"
#include "vigil/fwb/link.hpp"

namespace {

struct Null : vigil::fwb::ByteSink, vigil::fwb::LinkListener {
  void write(std::span<const std::uint8_t>) override {}
  void on_message(const vigil::fwb::Message&) override {}
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace vigil::fwb;
  FrameDecoder decoder;
  std::uint32_t results = 0;
  for (std::size_t i = 0; i < size; ++i) {
    const auto r = decoder.push(data[i]);
    if (r == FrameDecoder::Result::none) continue;
    ++results;
    if (r != FrameDecoder::Result::frame) continue;
    const Frame f = decoder.frame();
    std::array<std::uint8_t, kMaxWireFrame> wire{};
    const std::size_t n = encode_frame(f.header, f.message, wire);
    if (n == 0) __builtin_trap();
    FrameDecoder again;
    int frames = 0;
    for (std::size_t k = 0; k < n; ++k) {
      if (again.push(wire[k]) == FrameDecoder::Result::frame) {
        ++frames;
        if (!(again.frame().header == f.header) || !(again.frame().message == f.message)) {
          __builtin_trap();
        }
      }
    }
    if (frames != 1) __builtin_trap();
  }
  if (results != decoder.counters().frames + decoder.counters().dropped()) __builtin_trap();

  // The same bytes into a link that is handshaking, then "up" after them.
  Null null;
  LinkConfig config;
  Link link(config, null, null);
  link.start(Millis{0});
  link.receive(std::span<const std::uint8_t>(data, size), Millis{1});
  link.tick(Millis{5000});
  return 0;
}
