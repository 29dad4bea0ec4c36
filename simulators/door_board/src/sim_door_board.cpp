#include "vigil/sim/sim_door_board.hpp"

#include <fcntl.h>
#include <poll.h>
#include <termios.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <filesystem>
#include <random>
#include <stdexcept>
#include <system_error>

#include "vigil/wiegand/format.hpp"
#include "vigil/wiegand/frame.hpp"

namespace vigil::sim {
namespace {

[[noreturn]] void throw_errno(const std::string& what) {
  throw std::system_error(errno, std::generic_category(), what);
}

}  // namespace

struct SimDoorBoard::Uart final : fwb::ByteSink {
  explicit Uart(SimDoorBoard& b) : board(b) {}
  void write(std::span<const std::uint8_t> bytes) override { board.send_to_gateway(bytes); }
  SimDoorBoard& board;
};

SimDoorBoard::SimDoorBoard(SimDoorBoardOptions options)
    : options_(std::move(options)), origin_(std::chrono::steady_clock::now()) {
  master_ = ::posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (master_ < 0) throw_errno("posix_openpt");
  std::array<char, 128> name{};
  if (::grantpt(master_) != 0 || ::unlockpt(master_) != 0 ||
      ::ptsname_r(master_, name.data(), name.size()) != 0) {
    ::close(master_);
    throw_errno("grantpt/unlockpt/ptsname");
  }
  path_ = name.data();
  // Kept open by the board itself: with no slave open a read on the master
  // fails with EIO and poll() reports a hangup in a tight loop.
  slave_ = ::open(path_.c_str(), O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (slave_ < 0) {
    ::close(master_);
    throw_errno("open " + path_);
  }
  termios tios{};
  ::tcgetattr(slave_, &tios);
  ::cfmakeraw(&tios);
  ::tcsetattr(slave_, TCSANOW, &tios);
  ::fcntl(master_, F_SETFL, ::fcntl(master_, F_GETFL) | O_NONBLOCK);
  if (!options_.link_path.empty()) {
    std::error_code ec;
    std::filesystem::remove(options_.link_path, ec);
    std::filesystem::create_symlink(path_, options_.link_path);
    path_ = options_.link_path;
  }
  uart_ = std::make_unique<Uart>(*this);
  cache_storage_.assign(options_.cache_capacity, fwb::StoredEntry{});
  ring_storage_.assign(options_.ring_capacity, fwb::OfflineEvent{});
  std::random_device rd;
  session_ = (rd() & 0xFFFF0000u) | 0xB0A0u;
  {
    std::lock_guard lock(mutex_);
    boot();
  }
  thread_ = std::thread([this] { run(); });
}

SimDoorBoard::~SimDoorBoard() {
  running_ = false;
  if (thread_.joinable()) thread_.join();
  if (!options_.link_path.empty()) {
    std::error_code ec;
    std::filesystem::remove(options_.link_path, ec);
  }
  ::close(slave_);
  ::close(master_);
}

std::chrono::milliseconds SimDoorBoard::now() const {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                               origin_);
}

// RAM lost: a new session, an empty cache and ring, relays at their fail
// levels (RelayBank boots there).
void SimDoorBoard::boot() {
  board_.reset();
  ring_.reset();
  cache_.reset();
  std::fill(cache_storage_.begin(), cache_storage_.end(), fwb::StoredEntry{});
  ++session_;
  if (session_ == 0) session_ = 1;
  fwb::BoardConfig config = options_.config;
  config.link.session = session_;
  cache_.emplace(cache_storage_);
  ring_.emplace(ring_storage_);
  board_.emplace(config, *uart_, *cache_, *ring_);
  board_->start(now());
  after_call();
}

void SimDoorBoard::run() {
  std::array<std::uint8_t, 512> buf{};
  while (running_) {
    pollfd p{master_, POLLIN, 0};
    ::poll(&p, 1, 1);
    std::lock_guard lock(mutex_);
    for (;;) {
      const ssize_t n = ::read(master_, buf.data(), buf.size());
      if (n <= 0) break;
      if (!cut_)
        board_->on_uart(std::span<const std::uint8_t>(buf.data(), static_cast<std::size_t>(n)),
                        now());
    }
    // The main loop samples the input lines; the core debounces them.
    for (std::uint8_t i = 0; i < options_.config.input_count && i < fwb::kMaxInputs; ++i)
      board_->on_input(i, raw_inputs_[i], now());
    board_->tick(now());
    after_call();
  }
}

void SimDoorBoard::send_to_gateway(std::span<const std::uint8_t> bytes) {
  if (cut_) return;
  std::vector<std::uint8_t> out;
  out.reserve(bytes.size());
  for (std::uint8_t b : bytes) {
    if (drop_ > 0) {
      --drop_;
      continue;
    }
    if (flip_ > 0) {
      --flip_;
      b = static_cast<std::uint8_t>(b ^ (1u << (flip_ % 8)));
    }
    out.push_back(b);
  }
  std::size_t off = 0;
  while (off < out.size()) {
    const ssize_t n = ::write(master_, out.data() + off, out.size() - off);
    if (n > 0) {
      off += static_cast<std::size_t>(n);
    } else if (n < 0 && errno == EAGAIN) {
      pollfd p{master_, POLLOUT, 0};
      if (::poll(&p, 1, 100) <= 0) return;  // nobody reading: the bytes are lost, as on a wire
    } else {
      return;
    }
  }
}

void SimDoorBoard::after_call() {
  if (last_levels_.size() != fwb::kMaxRelays) last_levels_.assign(fwb::kMaxRelays, false);
  for (std::uint8_t r = 0; r < fwb::kMaxRelays; ++r) {
    const bool level = board_->relay(r);
    if (level == last_levels_[r]) continue;
    last_levels_[r] = level;
    changes_.push_back(RelayChange{now(), r, level});
    if (on_relay_) on_relay_(r, level);
  }
  for (std::uint8_t r = 0; r < fwb::kMaxReaders; ++r) {
    const fwb::ReaderSignal s = board_->reader_signal(r);
    if (s == last_signals_[r]) continue;
    last_signals_[r] = s;
    signal_changes_.push_back(SignalChange{now(), r, s});
  }
}

void SimDoorBoard::swipe(std::uint8_t reader, std::uint32_t facility, std::uint32_t number) {
  const auto spec = wiegand::find_format("H10301", {});
  const std::vector<bool> bits = wiegand::encode(*spec, core::CardNumber{facility, number});
  fwb::CapturedFrame f;
  f.bit_count = static_cast<std::uint8_t>(bits.size());
  for (std::size_t i = 0; i < bits.size(); ++i)
    if (bits[i]) f.bits[i / 8] = static_cast<std::uint8_t>(f.bits[i / 8] | (0x80u >> (i % 8)));
  present(reader, f);
}

void SimDoorBoard::present(std::uint8_t reader, const fwb::CapturedFrame& frame) {
  std::lock_guard lock(mutex_);
  board_->on_wiegand(reader, frame, now());
  after_call();
}

void SimDoorBoard::keys(std::uint8_t reader, const std::string& keys) {
  for (const char c : keys) {
    fwb::CapturedFrame f;
    f.kind = fwb::CapturedFrame::Kind::key;
    f.bit_count = 4;
    if (c >= '0' && c <= '9') {
      f.key = static_cast<std::uint8_t>(c - '0');
    } else if (c == '*' || c == '#') {
      f.key = c == '*' ? 10 : 11;
    } else {
      continue;
    }
    present(reader, f);
  }
}

void SimDoorBoard::set_input(std::uint8_t input, bool level) {
  std::lock_guard lock(mutex_);
  if (input < raw_inputs_.size()) raw_inputs_[input] = level;
}

void SimDoorBoard::on_relay_change(std::function<void(std::uint8_t, bool)> callback) {
  std::lock_guard lock(mutex_);
  on_relay_ = std::move(callback);
}

void SimDoorBoard::cut(bool cut) {
  std::lock_guard lock(mutex_);
  cut_ = cut;
}

void SimDoorBoard::drop_bytes(std::size_t count) {
  std::lock_guard lock(mutex_);
  drop_ += count;
}

void SimDoorBoard::flip_bits(std::size_t count) {
  std::lock_guard lock(mutex_);
  flip_ += count;
}

void SimDoorBoard::inject(std::vector<std::uint8_t> garbage) {
  std::lock_guard lock(mutex_);
  const bool was_cut = cut_;
  cut_ = false;
  send_to_gateway(garbage);
  cut_ = was_cut;
}

void SimDoorBoard::reboot() {
  std::lock_guard lock(mutex_);
  boot();
}

bool SimDoorBoard::relay(std::uint8_t index) const {
  std::lock_guard lock(mutex_);
  return board_->relay(index);
}
std::vector<SignalChange> SimDoorBoard::signal_changes() const {
  std::lock_guard lock(mutex_);
  return signal_changes_;
}

std::vector<RelayChange> SimDoorBoard::relay_changes() const {
  std::lock_guard lock(mutex_);
  return changes_;
}
bool SimDoorBoard::link_up() const {
  std::lock_guard lock(mutex_);
  return board_->link().up();
}
std::uint32_t SimDoorBoard::session() const {
  std::lock_guard lock(mutex_);
  return session_;
}
std::uint32_t SimDoorBoard::cache_version() const {
  std::lock_guard lock(mutex_);
  return board_->cache().version();
}
std::size_t SimDoorBoard::offline_queued() const {
  std::lock_guard lock(mutex_);
  return board_->ring().size();
}
fwb::BoardCounters SimDoorBoard::counters() const {
  std::lock_guard lock(mutex_);
  return board_->counters();
}
fwb::DecoderCounters SimDoorBoard::decoder_counters() const {
  std::lock_guard lock(mutex_);
  return board_->link().decoder_counters();
}

}  // namespace vigil::sim
