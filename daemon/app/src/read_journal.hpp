// The control server's kept read connection to vigild's journal (a pool of
// one: the server serves one request at a time). `log query` through the
// socket used to open the file for every request (the schema read, the
// WAL switch, the index check, every statement prepared again); this keeps
// one connection, with its prepared statements and names cache, for the
// life of the server. Safe beside the writer, the checkpointer and
// retention: WAL readers never block them, each query is its own read
// transaction, names are never renumbered, and walks across archives take
// the archive lock per request exactly as a fresh connection would.
#pragma once

#include <exception>
#include <optional>
#include <ostream>
#include <string>
#include <utility>

#include "vigil/ctl/commands.hpp"
#include "vigil/journal/journal.hpp"
#include "vigil/journal/sqlite.hpp"

namespace vigil::app {

class ReadJournal {
 public:
  ReadJournal(std::string path, std::string archive_dir)
      : path_(std::move(path)), archive_dir_(std::move(archive_dir)) {}
  ReadJournal(const ReadJournal&) = delete;
  ReadJournal& operator=(const ReadJournal&) = delete;

  // The connection for one request, opened on first use; archive-lock
  // notices go to `err` (the operator's stderr) as vigilctl's own would.
  // nullptr when it cannot be opened: the command then opens the file
  // itself and reports why, as before.
  const journal::Journal* open(std::ostream& err) {
    relay_.rdbuf(err.rdbuf());
    relay_.clear();
    if (!journal_) {
      try {
        journal_.emplace(path_, ctl::archive_options(archive_dir_, relay_));
      } catch (const std::exception&) {
        return nullptr;
      }
    }
    return &*journal_;
  }

  // After each request: a connection left inside a transaction (a walk cut
  // short by an exception) would pin the WAL and block checkpoints, so it
  // is closed, and the next request opens a fresh one.
  void done() {
    relay_.rdbuf(nullptr);
    if (journal_ && journal_->database().in_transaction()) journal_.reset();
  }

 private:
  std::string path_;
  std::string archive_dir_;
  // Forwards to the current request's err (nowhere between requests).
  std::ostream relay_{nullptr};
  std::optional<journal::Journal> journal_;
};

}  // namespace vigil::app
