// Signed checkpoints of the journal (docs/journal.md, "Signed checkpoints"),
// and vigild's start-up check of what it is about to append to.
//
// Every `every_events` committed events or `every` of wall time (whichever
// first, and only if something was committed since), and once more at a clean
// stop, the Checkpointer reads the committed head through its own read
// connection, signs (journal id, seq, head, time) with the gateway key on the
// event loop (~50 µs), journals the checkpoint as a `checkpoint` event, and
// once that row is durable writes `<db>.checkpoint` (on the writer thread)
// and hands the JSON to `publish` (retained on MQTT).
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>

#include "vigil/app/asio.hpp"
#include "vigil/core/event.hpp"
#include "vigil/journal/checkpoint.hpp"
#include "vigil/journal/journal.hpp"

namespace vigil::journal {
class JournalWriter;
}

namespace vigil::app {

struct CheckpointerOptions {
  std::uint64_t every_events = 1000;
  std::chrono::milliseconds every{60'000};
};

// What the start-up check found. `integrity` is set when the journal does not
// match its newest checkpoint (row or file) or its chain is broken: the
// `journal_integrity` event to journal, which starts segment `segment`.
struct StartCheck {
  std::uint64_t segment = 1;  // the chain segment this run appends to
  // 8 hex digits naming the segment in incident ids: the journal id's first
  // 8 for segment 1, 8 random ones drawn at each break (kept in the
  // journal_integrity row), so ids never repeat across a break even if
  // the rows recording earlier breaks were deleted.
  std::string segment_id{};
  std::optional<core::Event> integrity{};
  std::string summary{};            // one log line
  std::uint64_t verified_from = 1;  // the chain was walked from this row to the head
  // Damage at or before this seq is already on record (a segment start, or
  // `integrity` about to be journalled): FullVerify does not raise it again.
  std::uint64_t reported_through = 0;
};

// Verifies the journalled checkpoints, the chain from the newest of them to
// the head, and the checkpoint file against `journal`. Never throws on a bad journal: it reports
// it.
StartCheck check_at_start(const journal::Journal& journal, const journal::PublicKey& key,
                          const std::filesystem::path& checkpoint_file, core::TimePoint now);

class Checkpointer {
 public:
  using Submit = std::function<void(core::Event, std::function<void(const core::Event&)>)>;
  using Publish = std::function<void(const std::string& json)>;

  // `submit` journals an event with a callback run once it is durable (on
  // the writer thread); `publish` may be called from that thread too.
  Checkpointer(boost::asio::io_context& io, const std::filesystem::path& db,
               journal::GatewayKey key, CheckpointerOptions options, Submit submit,
               Publish publish);

  // Arms the timer, and republishes the newest checkpoint file (a broker
  // that lost its retained message gets it back).
  void start();
  // Stops the timer and the count; checkpoint_now() still signs (the stop's).
  void stop();
  // Every committed event (on the event loop); checkpoint rows are not counted.
  void observe(const core::Event& committed);
  // Signs the committed head now, unless it was already signed.
  void checkpoint_now(core::TimePoint now);
  std::uint64_t signed_count() const { return signed_; }

 private:
  void arm();

  std::filesystem::path file_;
  journal::Journal reader_;
  journal::GatewayKey key_;
  CheckpointerOptions options_;
  Submit submit_;
  Publish publish_;
  boost::asio::steady_timer timer_;
  std::uint64_t since_last_ = 0;
  std::uint64_t last_signed_seq_ = 0;
  std::uint64_t signed_ = 0;
  bool stopped_ = false;
};

}  // namespace vigil::app
