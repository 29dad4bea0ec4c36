#include "vigil/app/full_verify.hpp"

#include <malloc.h>

#include <spdlog/spdlog.h>
#include <sqlite3.h>

#include "vigil/app/clocks.hpp"
#include "vigil/journal/archive.hpp"
#include "vigil/journal/journal.hpp"
#include "vigil/journal/sqlite.hpp"

namespace vigil::app {

FullVerify::FullVerify(boost::asio::io_context& io, std::filesystem::path db,
                       const StartCheck& start, Found found, std::filesystem::path archive_dir)
    : io_(io),
      db_(std::move(db)),
      archive_dir_(std::move(archive_dir)),
      segment_(start.segment),
      segment_id_(start.segment_id),
      reported_through_(start.reported_through),
      found_(std::move(found)) {}

FullVerify::~FullVerify() {
  {
    std::lock_guard lock{mutex_};
    stopping_ = true;
    if (connection_ != nullptr) sqlite3_interrupt(connection_);
  }
  if (thread_.joinable()) thread_.join();
}

void FullVerify::start() {
  thread_ = std::thread{[this] { run(); }};
}

std::string FullVerify::wait() {
  if (thread_.joinable()) thread_.join();
  return summary_;
}

void FullVerify::run() {
  std::string summary;
  try {
    // A walk reads each page once: the writer's 16 MiB page cache would only
    // fill with pages never read again (issue 8: vigild's memory).
    journal::Journal journal{db_, {.cache_bytes = 2u << 20, .archive_dir = archive_dir_}};
    struct Forget {  // before `journal` closes, so no interrupt hits a closed connection
      FullVerify& self;
      ~Forget() {
        std::lock_guard lock{self.mutex_};
        self.connection_ = nullptr;
      }
    } forget{*this};
    {
      std::lock_guard lock{mutex_};
      if (stopping_) return;
      connection_ = journal.database().handle();
    }
    // One walk (two threads): the doors' event loop keeps a core.
    // With archives (docs/journal.md, "Archives"), each archive file and the
    // live rows as one chain.
    const journal::VerifyResult chain = journal::archive_records(journal).empty()
                                            ? journal.verify_from(1, 1)
                                            : journal::verify_with_archives(journal);
    if (chain.ok || chain.bad_seq <= reported_through_) {
      summary = chain.ok
                    ? "journal fully rechecked: " + chain.message
                    : "journal fully rechecked up to damage already on record: " + chain.message;
      spdlog::info("{}", summary);
    } else {
      core::Event found;
      found.kind = core::EventKind::journal_integrity;
      found.time = wall_now();
      found.detail = chain.message;
      core::set_attr(found.attrs, "problem", std::string{"chain_broken"});
      core::set_attr(found.attrs, "found_by", std::string{"full_verify"});
      core::set_attr(found.attrs, "first_bad_seq", static_cast<std::int64_t>(chain.bad_seq));
      core::set_attr(found.attrs, "damage", std::string(journal::to_string(chain.damage)));
      core::set_attr(found.attrs, "segment", static_cast<std::int64_t>(segment_));
      core::set_attr(found.attrs, "segment_id", segment_id_);
      summary = "journal integrity: chain_broken (" + chain.message +
                "), found by the background check of the whole chain";
      spdlog::critical("{}", summary);
      boost::asio::post(io_,
                        [this, found = std::move(found)]() mutable { found_(std::move(found)); });
    }
  } catch (const std::exception& e) {
    std::lock_guard lock{mutex_};
    summary =
        stopping_ ? "full journal check stopped" : std::string{"full journal check: "} + e.what();
    if (!stopping_) spdlog::error("{}", summary);
  }
  // The walk's page cache and buffers were the start-up's last large
  // temporaries: give their pages back to the system.
  malloc_trim(0);
  std::lock_guard lock{mutex_};
  summary_ = summary;
}

}  // namespace vigil::app
