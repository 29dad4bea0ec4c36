// BoardDriver: vigild's side of one MCU door board. Runs the bridge's Link
// over a serial port (boost::asio::serial_port on the daemon's io_context;
// in tests and vigil-sim the port is a pty), and turns the board into core
// inputs the way the Modbus and GPIO drivers do: link up and down are
// DeviceStatusChanged, input changes PointChanged on {id, input, i}, card
// reads CardPresented / ReadFailed and keypad keys KeyPressed at the site
// reader wired to the board reader, offline events OfflineDecision (each once, in board order). The
// board forgets an offline event only when offline_committed() reports that
// the journal has it (the driver sends an OfflineAck then). Output
// writes to {id, coil, r} become OutputCommands, confirmed by an
// OutputResult (with the write's id) once the board acknowledged them.
//
// On link up the driver sends the time, and a credential cache image when
// the board's BoardStatus names another version than the one it last pushed.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/serial_port.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "vigil/core/input.hpp"
#include "vigil/core/time.hpp"
#include "vigil/fwb/board_inputs.hpp"
#include "vigil/fwb/cache_image.hpp"
#include "vigil/fwb/link.hpp"

namespace vigil::fwb {

// The site reader wired to one board reader, and the card formats it sends.
struct BoardReader {
  core::ReaderId reader;                     // empty: nothing wired
  std::vector<wiegand::FormatSpec> formats;  // tried in this order
};

struct BoardDriverOptions {
  core::DeviceId id;
  std::string serial_path;
  unsigned baud = 115'200;
  std::vector<BoardReader> readers;  // [r]: board reader r
  core::TimeZone time_zone;
  std::uint32_t session = 0;  // this gateway's session; 0 = random, non-zero
  std::chrono::milliseconds tick{5};
  std::chrono::milliseconds reopen_interval{500};
  std::chrono::milliseconds output_timeout{2000};  // unacknowledged command: reported failed
  std::chrono::minutes time_sync_interval{60};
  // Where the last offline event the journal committed is remembered across
  // restarts ("<session> <seq> <journal seq>"); empty = memory only. The
  // file may lag the journal (see restore_committed).
  std::string cursor_path;
};

struct BoardDriverCallbacks {
  std::function<void(const core::Input&)> on_input;
  // The cache image to push (version is set by the driver); empty = none.
  std::function<std::optional<CacheImage>()> cache_image;
};

struct BoardDriverCounters {
  std::uint32_t card_reads = 0;
  std::uint32_t keys = 0;  // keypad keys (PIN digits), handed to the core as KeyPressed
  std::uint32_t offline_events = 0;
  std::uint32_t offline_duplicates = 0;    // dropped by the offline cursor
  std::uint32_t offline_out_of_order = 0;  // ahead of a missing one: dropped, the board resends
  std::uint32_t offline_acks = 0;          // OfflineAcks queued for the board
  std::uint32_t offline_dropped_by_board = 0;
  std::uint32_t cache_pushes = 0;  // full images
  std::uint32_t cache_deltas = 0;  // CacheDelta messages (roster changes)
  std::uint32_t outputs_confirmed = 0;
  std::uint32_t outputs_failed = 0;
  std::uint32_t port_errors = 0;  // open or read/write failures
};

class BoardDriver final : ByteSink, LinkListener {
 public:
  BoardDriver(boost::asio::io_context& io, BoardDriverOptions options,
              BoardDriverCallbacks callbacks);
  ~BoardDriver();
  BoardDriver(const BoardDriver&) = delete;
  BoardDriver& operator=(const BoardDriver&) = delete;

  void start();
  void stop();
  // Steady relay level; answered by an OutputResult on relay_point(id, r)
  // carrying `write_id` (the core's SetOutput::write_id): ok once the board
  // acknowledged it, failed after output_timeout (also while the link is
  // down). Every command is answered, in the order given: the board applies
  // each one, so a command superseded by a newer one is still answered.
  void set_output(std::uint8_t relay, bool value, std::uint64_t write_id);
  void pulse(std::uint8_t relay, std::chrono::milliseconds duration);
  // A board reader's LED and buzzer for `duration` (0: until the next one).
  // Sent only while the link is up: a late signal would mislead.
  void signal_reader(std::uint8_t reader, LedColour led, bool buzzer,
                     std::chrono::milliseconds duration);
  // The board reader the site reader is wired to, if any.
  std::optional<std::uint8_t> board_reader(const core::ReaderId& reader) const;
  // The roster changed: push what changed in the cache (CacheDelta), or a
  // full image when the board's version is not one this driver sent (when up).
  void push_cache();
  // The journal committed the OfflineDecision this driver handed up for
  // the board's event (board_session, event_seq): remembered in cursor_path
  // and acknowledged to the board, which may forget it (and every earlier
  // one). Until then a restarted gateway gets the event again.
  void offline_committed(std::uint32_t board_session, std::uint32_t event_seq,
                         std::uint64_t journal_seq = 0);
  // Before start(): the journal holds this offline event (found by a scan
  // after committed_journal_seq(), which the cursor file may lag behind when
  // the process died between a commit and its notice). Later ones win.
  void restore_committed(std::uint32_t board_session, std::uint32_t event_seq,
                         std::uint64_t journal_seq);
  // The journal seq of the last committed offline event known (0 = none).
  std::uint64_t committed_journal_seq() const { return committed_journal_seq_; }

  bool link_up() const { return link_.up(); }
  const Link& link() const { return link_; }
  const BoardDriverCounters& counters() const { return counters_; }
  const std::optional<BoardStatus>& last_status() const { return status_; }
  // The last offline event committed (and saved in cursor_path).
  const OfflineCursor& cursor() const { return committed_; }

 private:
  // A relay level to confirm, and the write it answers.
  struct RelayWrite {
    std::uint8_t relay = 0;
    bool value = false;
    std::uint64_t write_id = 0;
  };
  struct Outgoing {
    Message message;
    std::optional<RelayWrite> output;
    std::uint64_t id = 0;
    Millis deadline{0};  // an output not acknowledged by then is reported failed
  };
  struct InFlight {
    std::uint64_t id = 0;
    std::optional<RelayWrite> output;
    Millis deadline{0};
    bool reported = false;
  };

  void write(std::span<const std::uint8_t> bytes) override;
  void on_message(const Message& m) override;
  void on_link_up() override;
  void on_link_down() override;

  Millis now() const;
  void open_port();
  void schedule_reopen();
  void close_port(const std::string& why);
  void read_more();
  void flush();
  void arm_tick();
  void on_tick();
  void enqueue(Message m, std::optional<RelayWrite> output = std::nullopt);
  void pump();
  void settle();
  void report_output(const RelayWrite& write, bool ok, const std::string& error);
  void send_time();
  void report_line_errors(Millis now);
  void queue_cache(bool allow_delta);
  bool known_cache_version(std::uint32_t version) const;
  void save_cursor();
  void deliver(const core::Input& in);

  boost::asio::io_context& io_;
  BoardDriverOptions options_;
  BoardDriverCallbacks callbacks_;
  Link link_;
  boost::asio::serial_port port_;
  boost::asio::steady_timer tick_timer_;
  boost::asio::steady_timer reopen_timer_;
  std::chrono::steady_clock::time_point origin_;
  std::array<std::uint8_t, 512> rx_{};
  std::vector<std::uint8_t> tx_pending_;
  std::vector<std::uint8_t> tx_writing_;
  bool writing_ = false;
  bool running_ = false;
  std::deque<Outgoing> queue_;
  std::deque<InFlight> in_flight_;
  std::uint64_t next_id_ = 1;
  std::uint32_t cache_version_ = 0;
  std::optional<CacheImage> pushed_;           // the image the board has or is getting
  std::uint32_t pushed_to_ = 0;                // the board session it went to
  std::deque<std::uint32_t> pushed_versions_;  // since the last full image, in order
  Millis last_time_sync_{0};
  std::uint32_t reported_drops_ = 0;
  Millis last_drop_report_{-10'000};
  OfflineCursor taken_;      // the last offline event handed to the core
  OfflineCursor committed_;  // ... and the last one the journal committed
  std::uint64_t committed_journal_seq_ = 0;
  std::optional<BoardStatus> status_;
  BoardDriverCounters counters_{};
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace vigil::fwb
