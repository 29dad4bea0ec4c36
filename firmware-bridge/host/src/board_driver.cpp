#include "vigil/fwb/board_driver.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <fstream>
#include <random>

#include "vigil/core/keypad.hpp"

namespace vigil::fwb {
namespace {

core::TimePoint wall_now() {
  return std::chrono::time_point_cast<core::Duration>(std::chrono::system_clock::now());
}
core::MonoTime mono_now() {
  return std::chrono::time_point_cast<core::Duration>(std::chrono::steady_clock::now());
}

std::uint32_t random_session() {
  std::random_device rd;
  std::uint32_t s = 0;
  while (s == 0) s = rd();
  return s;
}

LinkConfig link_config(const BoardDriverOptions& o) {
  LinkConfig c;
  c.session = o.session != 0 ? o.session : random_session();
  return c;
}

struct SavedCursor {
  OfflineCursor cursor;
  std::uint64_t journal_seq = 0;
};

SavedCursor load_cursor(const std::string& path) {
  if (path.empty()) return {};
  std::ifstream in(path);
  std::uint32_t session = 0;
  std::uint32_t seq = 0;
  std::uint64_t journal_seq = 0;
  if (!(in >> session >> seq)) return {};
  if (!(in >> journal_seq)) journal_seq = 0;  // written before the journal seq was kept
  return {OfflineCursor(session, seq), journal_seq};
}

}  // namespace

BoardDriver::BoardDriver(boost::asio::io_context& io, BoardDriverOptions options,
                         BoardDriverCallbacks callbacks)
    : io_(io),
      options_(std::move(options)),
      callbacks_(std::move(callbacks)),
      link_(link_config(options_), *this, *this),
      port_(io),
      tick_timer_(io),
      reopen_timer_(io),
      origin_(std::chrono::steady_clock::now()),
      taken_(),
      committed_() {
  const SavedCursor saved = load_cursor(options_.cursor_path);
  taken_ = committed_ = saved.cursor;
  committed_journal_seq_ = saved.journal_seq;
}

void BoardDriver::restore_committed(std::uint32_t board_session, std::uint32_t event_seq,
                                    std::uint64_t journal_seq) {
  if (journal_seq <= committed_journal_seq_) return;
  taken_ = committed_ = OfflineCursor(board_session, event_seq);
  committed_journal_seq_ = journal_seq;
  save_cursor();
}

BoardDriver::~BoardDriver() {
  *alive_ = false;
  stop();
}

Millis BoardDriver::now() const {
  return std::chrono::duration_cast<Millis>(std::chrono::steady_clock::now() - origin_);
}

void BoardDriver::start() {
  if (running_) return;
  running_ = true;
  link_.start(now());
  open_port();
  arm_tick();
}

void BoardDriver::stop() {
  if (!running_) return;
  running_ = false;
  tick_timer_.cancel();
  reopen_timer_.cancel();
  boost::system::error_code ec;
  port_.close(ec);
}

void BoardDriver::deliver(const core::Input& in) {
  if (running_ && callbacks_.on_input) callbacks_.on_input(in);
}

void BoardDriver::open_port() {
  if (!running_) return;
  boost::system::error_code ec;
  port_.open(options_.serial_path, ec);
  if (!ec) port_.set_option(boost::asio::serial_port_base::baud_rate(options_.baud), ec);
  if (ec) {
    ++counters_.port_errors;
    spdlog::warn("door board {}: cannot open {}: {}", options_.id.str(), options_.serial_path,
                 ec.message());
    close_port(ec.message());
    return;
  }
  spdlog::info("door board {}: opened {} at {} baud", options_.id.str(), options_.serial_path,
               options_.baud);
  read_more();
  flush();
}

void BoardDriver::close_port(const std::string& why) {
  boost::system::error_code ignored;
  port_.close(ignored);
  writing_ = false;
  tx_pending_.clear();
  spdlog::debug("door board {}: port closed ({})", options_.id.str(), why);
  schedule_reopen();
}

void BoardDriver::schedule_reopen() {
  if (!running_) return;
  reopen_timer_.expires_after(options_.reopen_interval);
  reopen_timer_.async_wait([this, alive = alive_](const boost::system::error_code& ec) {
    if (!ec && *alive && !port_.is_open()) open_port();
  });
}

void BoardDriver::read_more() {
  port_.async_read_some(boost::asio::buffer(rx_),
                        [this, alive = alive_](const boost::system::error_code& ec, std::size_t n) {
                          if (!*alive || !running_) return;
                          if (ec) {
                            if (ec == boost::asio::error::operation_aborted) return;
                            ++counters_.port_errors;
                            close_port(ec.message());
                            return;
                          }
                          link_.receive(std::span<const std::uint8_t>(rx_.data(), n), now());
                          settle();
                          pump();
                          flush();
                          read_more();
                        });
}

void BoardDriver::write(std::span<const std::uint8_t> bytes) {
  // While the port is closed bytes go nowhere, as on a cut cable.
  if (port_.is_open()) tx_pending_.insert(tx_pending_.end(), bytes.begin(), bytes.end());
}

void BoardDriver::flush() {
  if (writing_ || tx_pending_.empty() || !port_.is_open()) return;
  writing_ = true;
  tx_writing_.swap(tx_pending_);
  tx_pending_.clear();
  boost::asio::async_write(
      port_, boost::asio::buffer(tx_writing_),
      [this, alive = alive_](const boost::system::error_code& ec, std::size_t) {
        if (!*alive) return;
        writing_ = false;
        tx_writing_.clear();
        if (ec) {
          if (ec == boost::asio::error::operation_aborted) return;
          ++counters_.port_errors;
          close_port(ec.message());
          return;
        }
        flush();
      });
}

void BoardDriver::arm_tick() {
  tick_timer_.expires_after(options_.tick);
  tick_timer_.async_wait([this, alive = alive_](const boost::system::error_code& ec) {
    if (ec || !*alive || !running_) return;
    on_tick();
    arm_tick();
  });
}

void BoardDriver::on_tick() {
  const Millis t = now();
  link_.tick(t);
  settle();
  for (auto& f : in_flight_) {
    if (f.output && !f.reported && t >= f.deadline) {
      f.reported = true;
      report_output(*f.output, false, "door board did not acknowledge the command in time");
    }
  }
  // Output commands still waiting for the link: dropped once too late.
  for (auto it = queue_.begin(); it != queue_.end();) {
    if (!it->output || t < it->deadline) {
      ++it;
      continue;
    }
    report_output(*it->output, false, "door board link down: command not sent in time");
    it = queue_.erase(it);
  }
  if (link_.up() && t - last_time_sync_ >= options_.time_sync_interval) send_time();
  report_line_errors(t);
  pump();
  flush();
}

// Garbage on the line costs frames, which the decoder counts by reason; say
// so at most once a second, so a noisy cable shows in the log.
void BoardDriver::report_line_errors(Millis now) {
  const DecoderCounters& c = link_.decoder_counters();
  if (c.dropped() == reported_drops_ || now - last_drop_report_ < Millis{1000}) return;
  std::string reasons;
  for (std::size_t i = 0; i < kFrameErrorCount; ++i) {
    if (c.errors[i] == 0) continue;
    reasons += std::string(reasons.empty() ? "" : ", ") + to_string(static_cast<FrameError>(i)) +
               " " + std::to_string(c.errors[i]);
  }
  spdlog::warn("door board {}: {} frame(s) dropped on the line so far ({})", options_.id.str(),
               c.dropped(), reasons);
  reported_drops_ = c.dropped();
  last_drop_report_ = now;
}

void BoardDriver::enqueue(Message m, std::optional<RelayWrite> output) {
  // Sent by pump(), never from here: enqueue() may run inside the link's
  // own receive() (a listener callback), which must not re-enter it.
  queue_.push_back(Outgoing{std::move(m), output, next_id_++, now() + options_.output_timeout});
}

void BoardDriver::pump() {
  const Millis t = now();
  while (!queue_.empty() && link_.can_send()) {
    Outgoing& o = queue_.front();
    if (link_.send(o.message, t) != SendResult::sent) break;
    in_flight_.push_back(InFlight{o.id, o.output, o.deadline, false});
    queue_.pop_front();
  }
}

// The link acknowledges in order: whatever left its window was received.
void BoardDriver::settle() {
  while (in_flight_.size() > link_.in_flight()) {
    const InFlight f = in_flight_.front();
    in_flight_.pop_front();
    if (f.output && !f.reported) report_output(*f.output, true, {});
  }
}

void BoardDriver::report_output(const RelayWrite& write, bool ok, const std::string& error) {
  ok ? ++counters_.outputs_confirmed : ++counters_.outputs_failed;
  // Posted: the controller may be in the middle of the input that asked.
  boost::asio::post(io_, [this, alive = alive_, write, ok, error] {
    if (!*alive) return;
    deliver(core::OutputResult{relay_point(options_.id, write.relay), write.write_id, write.value,
                               ok, error, wall_now(), mono_now()});
  });
}

void BoardDriver::set_output(std::uint8_t relay, bool value, std::uint64_t write_id) {
  // Queued while the link is down (the first lock commands at start come
  // before the handshake), but never for longer than output_timeout: an
  // unlock delivered long after the grant would be worse than a failed one.
  enqueue(OutputCommand{relay, value ? OutputMode::on : OutputMode::off, 0},
          RelayWrite{relay, value, write_id});
  pump();
  flush();
}

void BoardDriver::pulse(std::uint8_t relay, std::chrono::milliseconds duration) {
  enqueue(OutputCommand{relay, OutputMode::pulse, static_cast<std::uint32_t>(duration.count())});
  pump();
  flush();
}

void BoardDriver::signal_reader(std::uint8_t reader, LedColour led, bool buzzer,
                                std::chrono::milliseconds duration) {
  if (!link_.up()) return;
  const auto ms = std::clamp<std::int64_t>(duration.count(), 0, 0xFFFF);
  enqueue(LedBuzzer{reader, led, buzzer, static_cast<std::uint16_t>(ms)});
  pump();
  flush();
}

std::optional<std::uint8_t> BoardDriver::board_reader(const core::ReaderId& reader) const {
  for (std::size_t r = 0; r < options_.readers.size(); ++r) {
    if (options_.readers[r].reader == reader && !reader.str().empty())
      return static_cast<std::uint8_t>(r);
  }
  return std::nullopt;
}

void BoardDriver::send_time() {
  last_time_sync_ = now();
  enqueue(time_sync_for(options_.time_zone, wall_now()));
}

void BoardDriver::push_cache() {
  queue_cache(true);
  pump();
  flush();
}

bool BoardDriver::known_cache_version(std::uint32_t version) const {
  return version != 0 && pushed_to_ == link_.peer_session() &&
         std::find(pushed_versions_.begin(), pushed_versions_.end(), version) !=
             pushed_versions_.end();
}

// A roster change goes as deltas on top of what the board already has, so
// its cache is complete at every moment (a full image leaves it without one
// until the last chunk); a full image only when the board's version is not
// one this driver sent, or the change cannot be a delta.
void BoardDriver::queue_cache(bool allow_delta) {
  if (!callbacks_.cache_image || !link_.up()) return;
  std::optional<CacheImage> image = callbacks_.cache_image();
  if (!image) return;
  if (allow_delta && pushed_ && pushed_to_ == link_.peer_session()) {
    image->version = cache_version_;
    if (auto deltas = cache_deltas(*pushed_, *image)) {
      for (const CacheDelta& d : *deltas) {
        enqueue(d);
        pushed_versions_.push_back(d.version);
        if (pushed_versions_.size() > 64) pushed_versions_.pop_front();
        cache_version_ = d.version;
        ++counters_.cache_deltas;
      }
      image->version = cache_version_;
      pushed_ = std::move(image);
      spdlog::info("door board {}: cache version {} by {} delta message(s)", options_.id.str(),
                   cache_version_, deltas->size());
      return;
    }
  }
  // Versions grow across gateway restarts too: seconds since the epoch, or
  // one more than the last when pushed twice in a second.
  const auto secs = static_cast<std::uint32_t>(core::to_unix_micros(wall_now()) / 1'000'000);
  cache_version_ = std::max(cache_version_ + 1, secs);
  image->version = cache_version_;
  ++counters_.cache_pushes;
  for (CacheChunk& c : image->chunks()) enqueue(c);
  spdlog::info("door board {}: pushing cache version {} ({} cards)", options_.id.str(),
               cache_version_, image->entries.size());
  pushed_ = std::move(image);
  pushed_to_ = link_.peer_session();
  pushed_versions_.assign(1, cache_version_);
}

void BoardDriver::on_link_up() {
  spdlog::info("door board {}: link up (board session {:08x}, last committed {:08x}/{})",
               options_.id.str(), link_.peer_session(), committed_.session(),
               committed_.last_seq());
  deliver(
      core::DeviceStatusChanged{options_.id, true, "door board link up", wall_now(), mono_now()});
  send_time();
  // A board still holding events this gateway (or the one before a
  // restart) committed may forget them now; it hands up the rest again.
  if (committed_.session() == link_.peer_session() && committed_.last_seq() > 0) {
    ++counters_.offline_acks;
    enqueue(OfflineAck{committed_.session(), committed_.last_seq()});
  }
}

void BoardDriver::offline_committed(std::uint32_t board_session, std::uint32_t event_seq,
                                    std::uint64_t journal_seq) {
  if (committed_.session() == board_session && event_seq <= committed_.last_seq()) return;
  committed_ = OfflineCursor(board_session, event_seq);
  committed_journal_seq_ = std::max(committed_journal_seq_, journal_seq);
  save_cursor();
  spdlog::debug("door board {}: offline event {:08x}/{} committed", options_.id.str(),
                board_session, event_seq);
  // Queued even while the link is down: the board ignores an ack for an
  // earlier boot of its own.
  ++counters_.offline_acks;
  enqueue(OfflineAck{board_session, event_seq});
  // May be called from inside on_input (within the link's receive()).
  boost::asio::post(io_, [this, alive = alive_] {
    if (!*alive) return;
    pump();
    flush();
  });
}

void BoardDriver::on_link_down() {
  spdlog::warn("door board {}: link down", options_.id.str());
  deliver(core::DeviceStatusChanged{options_.id, false, "door board link down", wall_now(),
                                    mono_now()});
}

void BoardDriver::save_cursor() {
  if (options_.cursor_path.empty()) return;
  const std::string tmp = options_.cursor_path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << committed_.session() << ' ' << committed_.last_seq() << ' ' << committed_journal_seq_
        << '\n';
    if (!out) return;
  }
  std::rename(tmp.c_str(), options_.cursor_path.c_str());
}

void BoardDriver::on_message(const Message& m) {
  auto reader_at = [this](std::uint8_t r) -> const BoardReader* {
    if (r >= options_.readers.size() || options_.readers[r].reader.str().empty()) return nullptr;
    return &options_.readers[r];
  };
  if (const auto* read = std::get_if<CardRead>(&m)) {
    ++counters_.card_reads;
    if (const BoardReader* r = reader_at(read->reader))
      deliver(card_input(r->reader, *read, r->formats, wall_now(), mono_now()));
  } else if (const auto* in = std::get_if<InputChanged>(&m)) {
    deliver(
        core::PointChanged{input_point(options_.id, in->input), in->level, wall_now(), mono_now()});
  } else if (const auto* e = std::get_if<OfflineEvent>(&m)) {
    ++counters_.offline_events;
    switch (taken_.accept(link_.peer_session(), e->event_seq, e->dropped_before)) {
      case OfflineOrder::duplicate:
        ++counters_.offline_duplicates;
        return;
      case OfflineOrder::ahead:
        ++counters_.offline_out_of_order;
        return;
      case OfflineOrder::next:
        break;
    }
    counters_.offline_dropped_by_board += e->dropped_before;
    if (e->dropped_before > 0)
      spdlog::warn("door board {}: its offline ring lost {} event(s) before #{}", options_.id.str(),
                   e->dropped_before, e->event_seq);
    const BoardReader* r = reader_at(e->reader);
    const core::ReaderId reader = r != nullptr ? r->reader : core::ReaderId("");
    deliver(offline_input(options_.id, reader, *e, link_.peer_session(), wall_now(), mono_now()));
  } else if (const auto* s = std::get_if<BoardStatus>(&m)) {
    if (s->tamper && !(status_ && status_->tamper))
      spdlog::warn("door board {}: tamper switch open", options_.id.str());
    status_ = *s;
    // A version this driver sent is fine (later deltas may still be on the
    // way); anything else gets a full image.
    if (!known_cache_version(s->cache_version)) queue_cache(false);
  } else if (const auto* k = std::get_if<KeypadKey>(&m)) {
    // A PIN digit, into the same path as a Wiegand keypad burst's: the core
    // collects it for the card just presented. Never logged.
    ++counters_.keys;
    const BoardReader* r = reader_at(k->reader);
    if (const auto key = core::keypad_key_from_code(k->key); r != nullptr && key)
      deliver(core::KeyPressed{r->reader, *key, wall_now(), mono_now()});
  }
}

}  // namespace vigil::fwb
