// Writing an export: rows as CSV or JSON through one buffer, hashed with
// SHA-256 as they are written, so the data is read from SQLite once.
#include <openssl/evp.h>

#include <ostream>
#include <stdexcept>

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
  // Archived months too (archive.hpp): the rows are the same as before archiving.
  for_each_row_with_archives(journal, request.filter, [&](const ExportRow& row) {
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
