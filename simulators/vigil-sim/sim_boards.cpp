// vigil-sim's door boards: the firmware core behind a pty per door_board
// device (SimDoorBoard), linked from the serial path the site config names,
// its relays configured from the doors they lock, and fault injection.
#include <filesystem>
#include <stdexcept>

#include "sim_site.hpp"
#include "vigil/wiegand/frame.hpp"

namespace vigil::sim {

// Points the config's serial path at our pty, unless a real device lives
// there; returns the banner's note.
std::string SimSite::link_device(const std::string& path, const std::string& pty) {
  const std::filesystem::path link = path;
  std::error_code ec;
  const auto status = std::filesystem::symlink_status(link);
  if (std::filesystem::exists(status) && !std::filesystem::is_symlink(status))
    return " (" + path + " exists and is not a link: point the config at the pty)";
  std::filesystem::create_directories(link.parent_path(), ec);
  std::filesystem::remove(link, ec);
  std::filesystem::create_symlink(pty, link, ec);
  if (ec) return " (cannot link " + path + ": " + ec.message() + ")";
  pty_links_.push_back(link);
  return " (linked from " + path + ")";
}

void SimSite::start_board(const config::DoorBoardConfig& board) {
  const std::string id = board.id.str();
  SimDoorBoardOptions o;
  o.config.reader_count = static_cast<std::uint8_t>(board.reader_count);
  o.config.input_count = static_cast<std::uint8_t>(board.input_count);
  // Every relay boots de-energised (its fail level); a relay locking a
  // fail-safe door rests energised once armed.
  for (const auto& door : config_.site.doors) {
    if (door.lock.device != board.id || door.lock.kind != core::PointKind::coil) continue;
    if (door.lock.index >= fwb::kMaxRelays) continue;
    o.config.relays[door.lock.index] = {false, door.fail_mode == core::FailMode::safe};
  }
  for (std::size_t r = 0; r < board.readers.size() && r < fwb::kMaxReaders; ++r) {
    if (!board.readers[r]) continue;
    board_readers_[board.readers[r]->reader.str()] =
        BoardReader{id, static_cast<std::uint8_t>(r), board.readers[r]->formats};
    const core::Reader* reader = config_.site.find_reader(board.readers[r]->reader);
    const core::Door* door = reader ? config_.site.find_door(reader->door) : nullptr;
    if (door && door->lock.device == board.id) {
      o.config.reader_lock_relay[r] = static_cast<std::uint8_t>(door->lock.index);
      o.config.unlock_time[r] = std::chrono::duration_cast<fwb::Millis>(door->unlock_time);
    }
  }
  std::unique_ptr<SimDoorBoard> sim;
  try {
    sim = std::make_unique<SimDoorBoard>(o);
  } catch (const std::exception& e) {
    throw std::runtime_error("device " + id + ": cannot start the door board: " + e.what());
  }
  banner_.push_back(id + ": door board on pty " + sim->path() +
                    link_device(board.serial_device, sim->path()));
  sim->on_relay_change([this, id](std::uint8_t relay, bool level) {
    report_output(core::PointRef{core::DeviceId(id), core::PointKind::coil, relay}, level);
  });
  boards_[id] = std::move(sim);
}

SimDoorBoard* SimSite::board_of(const core::PointRef& point) const {
  auto it = boards_.find(point.device.str());
  return it == boards_.end() ? nullptr : it->second.get();
}

bool SimSite::swipe_at_board(const std::string& reader, core::CardNumber card,
                             const std::string& format) {
  auto it = board_readers_.find(reader);
  if (it == board_readers_.end()) return false;
  std::string name = format;
  if (name.empty()) name = it->second.formats.empty() ? "H10301" : it->second.formats.front();
  const auto spec = wiegand::find_format(name, config_.custom_formats);
  if (!spec) throw std::runtime_error("unknown Wiegand format '" + name + "'");
  const auto bits = wiegand::encode(*spec, card);
  if (bits.empty() || bits.size() > fwb::kMaxCardBits)
    throw std::runtime_error("card " + core::to_string(card) + " does not fit format " + name);
  fwb::CapturedFrame frame;
  frame.bit_count = static_cast<std::uint8_t>(bits.size());
  for (std::size_t i = 0; i < bits.size(); ++i)
    if (bits[i])
      frame.bits[i / 8] = static_cast<std::uint8_t>(frame.bits[i / 8] | (0x80u >> (i % 8)));
  console_.print(reader + ": card " + core::to_string(card) + " (" + name + ", " +
                 std::to_string(bits.size()) + " bits, board " + it->second.board + ")");
  boards_.at(it->second.board)->present(it->second.port, frame);
  return true;
}

std::string SimSite::board_fault(const std::string& board, const std::string& fault,
                                 std::size_t n) {
  auto it = boards_.find(board);
  if (it == boards_.end()) throw std::runtime_error("unknown door board '" + board + "'");
  SimDoorBoard& b = *it->second;
  if (fault == "cut") {
    b.cut(true);
    return board + ": line cut";
  }
  if (fault == "restore") {
    b.cut(false);
    return board + ": line restored";
  }
  if (fault == "reboot") {
    b.reboot();
    return board + ": rebooted (relays at their fail levels, cache and offline events lost)";
  }
  if (fault == "drop") {
    b.drop_bytes(n);
    return board + ": dropping the next " + std::to_string(n) + " byte(s) it sends";
  }
  if (fault == "flip") {
    b.flip_bits(n);
    return board + ": flipping a bit in each of the next " + std::to_string(n) + " byte(s)";
  }
  if (fault == "garbage") {
    std::vector<std::uint8_t> junk(n);
    for (std::size_t i = 0; i < n; ++i) junk[i] = static_cast<std::uint8_t>(i * 37 + 11);
    b.inject(std::move(junk));
    return board + ": sent " + std::to_string(n) + " garbage byte(s)";
  }
  throw std::runtime_error("unknown fault '" + fault +
                           "' (cut, restore, reboot, drop N, flip N, garbage N)");
}

}  // namespace vigil::sim
