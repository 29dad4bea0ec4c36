// Parse: door boards (MCU boards on the firmware bridge) and the readers
// wired to their reader ports.
#include "draft.hpp"

namespace vigil::config {
namespace {

// The firmware core's fixed capacities (kMaxReaders, kMaxInputs, kMaxRelays
// in firmware-bridge/firmware/include/vigil/fwb/): config stays free of the
// firmware headers (static_asserts in firmware-bridge/host/tests keep them equal).
constexpr std::int64_t kBoardReaders = 4;
constexpr std::int64_t kBoardInputs = 8;
constexpr std::int64_t kBoardRelays = 8;

}  // namespace

void parse_door_board(const MapReader& m, DraftDevice& device, Diagnostics& diag) {
  DoorBoardConfig& out = device.board;
  out.id = core::DeviceId(device.id.value);
  if (auto v = m.string("serial", Need::required)) {
    if (v->value.find_first_not_of(" \t") == std::string::npos) {
      diag.error(v->pos, "'serial': must not be empty");
    } else {
      out.serial_device = v->value;
      device.path_pos = v->pos;
    }
  }
  if (auto v = m.integer("baud", Need::optional, 1200, 4'000'000)) {
    out.baud = static_cast<int>(v->value);
  }
  // The firmware core's fixed capacities (firmware-bridge/firmware).
  if (auto v = m.integer("readers", Need::optional, 0, kBoardReaders)) {
    out.reader_count = static_cast<int>(v->value);
  } else if (m.has("readers")) {
    out.reader_count = kBoardReaders;  // reported once here, not again at every reader
  }
  if (auto v = m.integer("inputs", Need::optional, 0, kBoardInputs)) {
    out.input_count = static_cast<int>(v->value);
  }
  if (auto v = m.integer("relays", Need::optional, 0, kBoardRelays)) {
    out.relay_count = static_cast<int>(v->value);
  }
}

std::optional<DraftBoardReader> parse_board_reader(const MapReader& reader, Diagnostics& diag) {
  const YAML::Node node = reader.get("board", Need::required);
  if (!node.IsDefined()) return std::nullopt;
  MapReader m(node, "board", {"device", "reader", "formats"}, diag);
  if (!m.ok()) return std::nullopt;
  DraftBoardReader b;
  b.pos = m.pos();
  if (auto v = m.id("device", Need::required)) b.device = *v;
  if (auto v = m.integer("reader", Need::required, 0, kBoardReaders - 1)) b.port = *v;
  const YAML::Node formats = m.get("formats");
  if (formats.IsDefined() && expect_list(formats, "formats", diag)) {
    for (const auto& item : formats) {
      if (auto v = read_id(item, "formats", diag)) b.formats.push_back(*v);
    }
  }
  return b;
}

}  // namespace vigil::config
