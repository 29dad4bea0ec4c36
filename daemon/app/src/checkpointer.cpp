#include "vigil/app/checkpointer.hpp"

#include <spdlog/spdlog.h>

#include <openssl/rand.h>

#include "vigil/app/clocks.hpp"
#include "vigil/journal/journal_writer.hpp"
#include "vigil/journal/sqlite.hpp"

namespace vigil::app {
namespace {

std::string random_segment_id() {
  std::array<std::uint8_t, 4> bytes{};
  if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1) {
    throw std::runtime_error("OpenSSL: RAND_bytes failed; no segment id");
  }
  return journal::to_hex(bytes);
}

}  // namespace

StartCheck check_at_start(const journal::Journal& journal, const journal::PublicKey& key,
                          const std::filesystem::path& checkpoint_file, core::TimePoint now) {
  StartCheck out;
  out.segment_id = journal.journal_id().substr(0, 8);
  // What the newest segment start recorded is not raised again at every
  // start: only what happened after it is checked.
  std::uint64_t break_seq = 0;
  for (const auto& e :
       journal.query(journal::Filter{.kinds = {core::EventKind::journal_integrity}})) {
    if (!core::attr_text(e.attrs, "problem")) continue;  // the v1 migration row
    break_seq = e.seq;
    out.segment = static_cast<std::uint64_t>(core::attr_int(e.attrs, "segment").value_or(1));
    out.segment_id = core::attr_text(e.attrs, "segment_id").value_or(out.segment_id);
  }
  core::Event found;
  found.kind = core::EventKind::journal_integrity;
  found.time = now;
  auto expect = [&](const journal::Checkpoint& c) {
    core::set_attr(found.attrs, "expected_seq", static_cast<std::int64_t>(c.seq));
    core::set_attr(found.attrs, "expected_head", journal::to_hex(c.head));
  };
  std::string problem, message;
  // The journalled checkpoints first: each must verify and match its row.
  // The chain is then walked from the newest one only (its signature vouches
  // for everything before it), so the start costs the same after a year as
  // after a day; the whole chain is rechecked in the background
  // (FullVerify, below) once the doors run.
  const auto rows = journal::check_checkpoint_rows(journal, key, break_seq);
  std::uint64_t from = std::max(rows.newest ? rows.newest->seq : 0, break_seq);
  // Rows moved to archives are checked by the background full verify, which
  // walks the archives; here the walk starts at the oldest live row.
  from = std::max(from, static_cast<std::uint64_t>(journal.database().query_int(
                            "SELECT coalesce(min(seq), 0) FROM events")));
  out.verified_from = std::max<std::uint64_t>(from, 1);
  const journal::VerifyResult chain = journal.verify_from(from);
  if (!chain.ok && chain.bad_seq > break_seq) {
    problem = "chain_broken";
    message = chain.message;
    core::set_attr(found.attrs, "first_bad_seq", static_cast<std::int64_t>(chain.bad_seq));
    core::set_attr(found.attrs, "damage", std::string(journal::to_string(chain.damage)));
  } else if (rows.problem != journal::CheckpointProblem::none) {
    problem = journal::to_string(rows.problem);
    message = rows.message;
    core::set_attr(found.attrs, "checkpoint_row", static_cast<std::int64_t>(rows.row));
  } else {
    std::error_code ec;
    std::string why;
    const bool has_file = std::filesystem::exists(checkpoint_file, ec);
    auto file = has_file ? journal::read_checkpoint_file(checkpoint_file, &why) : std::nullopt;
    if (file && break_seq > 0 && file->seq < break_seq) {
      // The file predates the newest segment start, which recorded it.
    } else if (has_file) {
      if (!file) {
        problem = "checkpoint_unreadable";
        message = checkpoint_file.string() + ": " + why;
      } else if (auto c = journal::check_checkpoint(journal, *file, key);
                 c.problem != journal::CheckpointProblem::none) {
        problem = journal::to_string(c.problem);
        message = c.message;
        expect(*file);
      }
    } else if (rows.newest) {
      problem = "checkpoint_missing";
      message = "no checkpoint file at " + checkpoint_file.string() + " but the journal has " +
                std::to_string(rows.checked) + " checkpoint rows";
      expect(*rows.newest);
    }
  }
  out.reported_through = break_seq;
  if (problem.empty()) {
    out.summary = "journal " + journal.journal_id() + " checked: " + chain.message + ", segment " +
                  std::to_string(out.segment);
    return out;
  }
  out.reported_through = journal.last_seq();
  ++out.segment;
  out.segment_id = random_segment_id();
  found.detail = message;
  core::set_attr(found.attrs, "problem", problem);
  core::set_attr(found.attrs, "segment", static_cast<std::int64_t>(out.segment));
  core::set_attr(found.attrs, "segment_id", out.segment_id);
  core::set_attr(found.attrs, "found_seq", static_cast<std::int64_t>(journal.last_seq()));
  core::set_attr(found.attrs, "found_head", journal::to_hex(journal.head_hash()));
  out.summary = "journal integrity: " + problem + " (" + message + "); segment " +
                std::to_string(out.segment) + " (" + out.segment_id + ") begins";
  out.integrity = std::move(found);
  return out;
}

Checkpointer::Checkpointer(boost::asio::io_context& io, const std::filesystem::path& db,
                           journal::GatewayKey key, CheckpointerOptions options, Submit submit,
                           Publish publish)
    : file_(journal::checkpoint_path(db)),
      reader_(db),
      key_(std::move(key)),
      options_(options),
      submit_(std::move(submit)),
      publish_(std::move(publish)),
      timer_(io) {}

void Checkpointer::start() {
  if (auto newest = journal::read_checkpoint_file(file_)) {
    last_signed_seq_ = newest->seq;
    publish_(journal::checkpoint_to_json(*newest));
  }
  arm();
}

void Checkpointer::stop() {
  // From here only an explicit checkpoint_now() (the stop's own) signs: a
  // count reached while draining must not submit after the final flush.
  stopped_ = true;
  timer_.cancel();
}

void Checkpointer::arm() {
  timer_.expires_after(options_.every);
  timer_.async_wait([this](const boost::system::error_code& ec) {
    if (ec || stopped_) return;
    if (since_last_ > 0) checkpoint_now(wall_now());
    arm();
  });
}

void Checkpointer::observe(const core::Event& committed) {
  if (stopped_ || committed.kind == core::EventKind::checkpoint) return;
  if (committed.kind == core::EventKind::journal_integrity) {
    // A new segment: sign its first row at once, so the file and the broker
    // hold a checkpoint of the journal as it now is.
    checkpoint_now(wall_now());
    return;
  }
  if (++since_last_ >= options_.every_events) {
    checkpoint_now(wall_now());
  }
}

void Checkpointer::checkpoint_now(core::TimePoint now) {
  // The reader sees committed rows only: the head it reads is durable.
  const std::uint64_t seq = reader_.last_seq();
  since_last_ = 0;
  if (seq == 0 || seq == last_signed_seq_) return;
  const auto head = reader_.hash_at(seq);
  if (!head) return;
  const journal::Checkpoint signed_head =
      journal::sign_checkpoint(key_, reader_.journal_id(), seq, *head, core::to_unix_micros(now));
  last_signed_seq_ = seq;
  ++signed_;
  submit_(journal::checkpoint_event(signed_head), [this, signed_head](const core::Event&) {
    // Writer thread: the row is durable; now the file and the broker.
    try {
      journal::write_checkpoint_file(file_, signed_head);
    } catch (const std::exception& e) {
      spdlog::error("checkpoint seq {}: {}", signed_head.seq, e.what());
    }
    publish_(journal::checkpoint_to_json(signed_head));
  });
}

}  // namespace vigil::app
