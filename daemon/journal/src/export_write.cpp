// Writing an export: rows as CSV or JSON through one buffer, hashed with
// SHA-256 as they are written, so the data is read from SQLite once.
#include <openssl/evp.h>

#include <condition_variable>
#include <exception>
#include <mutex>
#include <ostream>
#include <stdexcept>
#include <thread>
#include <vector>

#include "export_text.hpp"
#include "vigil/journal/archive.hpp"
#include "vigil/journal/export.hpp"
#include "vigil/journal/export_row.hpp"
#include "vigil/journal/filter_check.hpp"

namespace vigil::journal {
namespace {

// Output through a buffer flushed in 1 MiB pieces, each hashed on the way.
class HashingWriter {
 public:
  explicit HashingWriter(std::ostream& out) : out_(out), context_(EVP_MD_CTX_new()) {
    if (context_ == nullptr || EVP_DigestInit_ex(context_, EVP_sha256(), nullptr) != 1)
      throw std::runtime_error("SHA-256 unavailable");
    buffer_.reserve(kChunk + 4096);
  }
  HashingWriter(const HashingWriter&) = delete;
  HashingWriter& operator=(const HashingWriter&) = delete;
  ~HashingWriter() { EVP_MD_CTX_free(context_); }

  std::string& buffer() { return buffer_; }
  void maybe_flush() {
    if (buffer_.size() >= kChunk) flush();
  }
  std::string finish() {
    flush();
    Hash digest{};
    unsigned size = 0;
    EVP_DigestFinal_ex(context_, digest.data(), &size);
    return to_hex(digest);
  }

 private:
  static constexpr std::size_t kChunk = 1u << 20;
  void flush() {
    EVP_DigestUpdate(context_, buffer_.data(), buffer_.size());
    out_.write(buffer_.data(), static_cast<std::streamsize>(buffer_.size()));
    if (!out_) throw std::runtime_error("cannot write the export data");
    buffer_.clear();
  }
  std::ostream& out_;
  EVP_MD_CTX* context_;
  std::string buffer_;
};

// Rows handed from the thread reading SQLite to the one formatting,
// hashing and writing, a batch at a time, in order: two batches, so each
// thread works on one while the other fills or drains the other. Reading
// is about a third of an export's CPU, formatting and writing the rest
// (docs/benchmarks.md, "s21: signed export"). The reader reads each row
// straight into its slot in the batch (a sink, export_row.hpp): no copy,
// and the slots' strings keep their capacity from batch to batch, so no
// allocation per row (s22-export: the copy was a quarter of the reader).
class RowPipe final : public ExportRowSink {
 public:
  static constexpr std::size_t kBatchRows = 512;
  RowPipe() {
    for (auto& b : batches_) b.rows.resize(kBatchRows);
  }

  // Reader side: the next slot of the filling batch, once the writer is off it.
  ExportRow& slot() override {
    Batch& b = batches_[fill_];
    if (filled_ == 0) wait_until_drained(b);  // the writer may still be on it
    return b.rows[filled_];
  }
  // Reader side: the slot holds a row; a full batch is handed over.
  void filled() override {
    if (++filled_ == kBatchRows) hand_over();
  }
  // Reader side, at the end (also after a failure): the last rows, then done.
  void close() {
    if (filled_ > 0) hand_over();
    std::lock_guard lock{mutex_};
    closed_ = true;
    changed_.notify_all();
  }
  // Writer side: each row in order; false from `visit` or an exception stops it.
  template <typename Visit>
  void drain(Visit&& visit) {
    std::size_t take = 0;
    for (;;) {
      Batch& b = batches_[take];
      {
        std::unique_lock lock{mutex_};
        changed_.wait(lock, [&] { return b.full || closed_; });
        if (!b.full) return;  // closed and nothing left
      }
      for (std::size_t i = 0; i < b.count; ++i) visit(b.rows[i]);
      {
        std::lock_guard lock{mutex_};
        b.full = false;
        b.count = 0;
        changed_.notify_all();
      }
      take ^= 1;
    }
  }
  // Writer side, on failure: the reader stops at its next row.
  void abandon(std::exception_ptr error) {
    std::lock_guard lock{mutex_};
    error_ = std::move(error);
    changed_.notify_all();
  }
  std::exception_ptr error() {
    std::lock_guard lock{mutex_};
    return error_;
  }

 private:
  struct Batch {
    std::vector<ExportRow> rows;
    std::size_t count = 0;  // rows handed over (set under the lock)
    bool full = false;      // handed over, not yet drained
  };
  void wait_until_drained(Batch& b) {
    std::unique_lock lock{mutex_};
    changed_.wait(lock, [&] { return !b.full || error_; });
    if (error_) throw Abandoned{};
  }
  void hand_over() {
    std::lock_guard lock{mutex_};
    batches_[fill_].count = filled_;
    batches_[fill_].full = true;
    filled_ = 0;
    fill_ ^= 1;
    changed_.notify_all();
  }

 public:
  struct Abandoned {};  // thrown through the reader's row loop to stop it

 private:
  Batch batches_[2];
  std::size_t fill_ = 0;    // the batch the reader fills (reader only)
  std::size_t filled_ = 0;  // rows in it so far (reader only)
  bool closed_ = false;
  std::exception_ptr error_;
  std::mutex mutex_;
  std::condition_variable changed_;
};

// Only a time range and paging: the selection is every row in its seq range
// (and the rows are checked to be consecutive).
bool range_only(const Filter& f) {
  return !f.person && !f.zone && !f.door && !f.card && f.kinds.empty() && f.reasons.empty();
}

}  // namespace

const char* to_string(ExportFormat format) {
  return format == ExportFormat::json ? "json" : "csv";
}

std::optional<ExportFormat> export_format_from_string(std::string_view text) {
  if (text == "csv") return ExportFormat::csv;
  if (text == "json") return ExportFormat::json;
  return std::nullopt;
}

ExportManifest write_export(const Journal& journal, const ExportRequest& request,
                            std::ostream& data) {
  ExportManifest manifest;
  manifest.journal_id = journal.journal_id();
  manifest.data_format = request.format;
  manifest.filter = describe_filter(request.filter);
  manifest.operator_name = request.operator_name;
  manifest.created = core::format_utc(request.created);
  manifest.checkpoint = request.checkpoint;
  bool consecutive = true;
  std::uint64_t previous_seq = 0;
  Hash previous_hash{};
  HashingWriter out(data);
  const bool csv = request.format == ExportFormat::csv;
  out.buffer() += csv ? kCsvHeader : "[";
  // Archived months too (archive.hpp): the rows are the same as before
  // archiving. This thread reads them; `writer` formats, hashes and writes.
  RowPipe pipe;
  std::thread writer([&] {
    try {
      pipe.drain([&](const ExportRow& row) {
        if (manifest.rows == 0) {
          manifest.first_seq = row.seq;
          manifest.first_prev_hash = to_hex(row.prev_hash);
        } else if (row.seq != previous_seq + 1 || row.prev_hash != previous_hash) {
          consecutive = false;
        }
        if (csv) {
          append_csv_row(out.buffer(), row);
        } else {
          out.buffer() += manifest.rows == 0 ? "\n" : ",\n";
          append_json_row(out.buffer(), row);
        }
        ++manifest.rows;
        previous_seq = row.seq;
        previous_hash = row.hash;
        out.maybe_flush();
      });
    } catch (...) {
      pipe.abandon(std::current_exception());
    }
  });
  std::exception_ptr read_error;
  try {
    for_each_row_with_archives(journal, request.filter, pipe);
  } catch (const RowPipe::Abandoned&) {
    // the writer failed: its error is the one to report
  } catch (...) {
    read_error = std::current_exception();
  }
  pipe.close();
  writer.join();
  if (auto write_error = pipe.error()) std::rethrow_exception(write_error);
  if (read_error) std::rethrow_exception(read_error);
  if (!csv) out.buffer() += "\n]\n";
  if (manifest.rows > 0) {
    manifest.last_seq = previous_seq;
    manifest.last_hash = to_hex(previous_hash);
  }
  manifest.contiguous = range_only(request.filter) && consecutive;
  manifest.data_sha256 = out.finish();
  return manifest;
}

}  // namespace vigil::journal
