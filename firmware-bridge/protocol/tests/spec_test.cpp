// docs/firmware-bridge.md is the contract a board written in another language
// follows, so its worked examples are checked here: for every example named
// in the document, our encoder must produce exactly the documented frame body
// and wire bytes, and our decoder must read the wire bytes back.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <regex>
#include <sstream>
#include <string>

#include "frame_builder.hpp"
#include "vigil/fwb/codec.hpp"

namespace vigil::fwb {
namespace {

using namespace vigil::fwb::testing;

struct Example {
  FrameHeader header;
  Message message;
};

std::map<std::string, Example> examples() {
  CardRead card;  // H10301, facility 12, card 1001: 0 00001100 0000001111101001 0
  card.reader = 0;
  card.format_id = 0;
  card.bit_count = 26;
  card.board_ms = 5000;
  card.bits = {0x06, 0x01, 0xF4, 0x80};
  CacheChunk chunk;
  chunk.version = 3;
  chunk.index = 1;
  chunk.chunk_count = 2;
  chunk.kind = CacheChunkKind::entries;
  chunk.count = 1;
  chunk.entries[0] = {0x000C0000000003E9ull, 0, 0, 0x01, 0, 0};
  CacheDelta delta;  // image 3 -> 4: card 12:1001 removed
  delta.base_version = 3;
  delta.version = 4;
  delta.count = 1;
  delta.ops[0] = kCacheDeltaRemove;
  delta.entries[0] = {0x000C0000000003E9ull, 0, 0, 0, 0, 0};
  Hello hello;
  hello.firmware = {1, 0, 0};
  hello.session = 0x0000B0A2;
  hello.peer_session = 0;
  hello.up = false;
  return {
      {"hello", {{kProtocolVersion, MessageType::hello, 0, 0}, hello}},
      {"heartbeat", {{kProtocolVersion, MessageType::heartbeat, 0, 5}, Heartbeat{60000}}},
      {"ack", {{kProtocolVersion, MessageType::ack, 0, 0x0102}, Ack{}}},
      {"card_read", {{kProtocolVersion, MessageType::card_read, 4, 2}, card}},
      {"output_command",
       {{kProtocolVersion, MessageType::output_command, 2, 5},
        OutputCommand{0, OutputMode::pulse, 5000}}},
      {"cache_chunk", {{kProtocolVersion, MessageType::cache_chunk, 9, 0}, chunk}},
      {"cache_delta", {{kProtocolVersion, MessageType::cache_delta, 10, 0}, delta}},
      {"offline_ack",
       {{kProtocolVersion, MessageType::offline_ack, 7, 3}, OfflineAck{0x0000B0A2, 12}}},
  };
}

Bytes parse_hex(const std::string& text) {
  Bytes out;
  std::istringstream in(text);
  std::string tok;
  while (in >> tok) out.push_back(static_cast<std::uint8_t>(std::stoul(tok, nullptr, 16)));
  return out;
}

std::string hex(const Bytes& b) {
  std::string s;
  char two[4];
  for (std::size_t i = 0; i < b.size(); ++i) {
    std::snprintf(two, sizeof two, i + 1 < b.size() ? "%02x " : "%02x", b[i]);
    s += two;
  }
  return s;
}

// Blocks look like: <!-- wire: name --> then a ``` fenced block of hex bytes.
std::map<std::string, Bytes> blocks(const std::string& doc, const std::string& kind) {
  std::map<std::string, Bytes> out;
  const std::regex re("<!-- " + kind + ": ([a-z_]+) -->\\s*```[a-z]*\\n([^`]*)```");
  for (std::sregex_iterator it(doc.begin(), doc.end(), re), end; it != end; ++it) {
    out[(*it)[1]] = parse_hex((*it)[2]);
  }
  return out;
}

std::string read_doc() {
  std::ifstream in(VIGIL_SOURCE_DIR "/docs/firmware-bridge.md");
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

Bytes body_of(const Bytes& wire) {
  Bytes body(wire.size());
  const long n = cobs_decode(std::span<const std::uint8_t>(wire).first(wire.size() - 1), body);
  body.resize(n < 0 ? 0 : static_cast<std::size_t>(n));
  return body;
}

TEST(Spec, EveryWorkedExampleIsWhatTheEncoderProduces) {
  const std::string doc = read_doc();
  ASSERT_FALSE(doc.empty());
  const auto wires = blocks(doc, "wire");
  const auto bodies = blocks(doc, "body");
  for (const auto& [name, ex] : examples()) {
    const Bytes wire = encode(ex.header, ex.message);
    if (!wires.contains(name) || !bodies.contains(name)) {
      ADD_FAILURE() << "missing example " << name << "\nbody: " << hex(body_of(wire))
                    << "\nwire: " << hex(wire);
      continue;
    }
    EXPECT_EQ(hex(wires.at(name)), hex(wire)) << name;
    EXPECT_EQ(hex(bodies.at(name)), hex(body_of(wire))) << name;
  }
  EXPECT_EQ(wires.size(), examples().size()) << "an example in the doc has no test entry";
}

TEST(Spec, TheDecoderReadsEveryWorkedExample) {
  const auto wires = blocks(read_doc(), "wire");
  const auto table = examples();
  for (const auto& [name, wire] : wires) {
    FrameDecoder d;
    const Fed fed = feed(d, wire);
    ASSERT_EQ(fed.frames.size(), 1u) << name;
    ASSERT_TRUE(table.contains(name)) << name;
    EXPECT_EQ(fed.frames[0].header, table.at(name).header) << name;
    EXPECT_TRUE(fed.frames[0].message == table.at(name).message) << name;
  }
}

}  // namespace
}  // namespace vigil::fwb
