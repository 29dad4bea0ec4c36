// Signed exports (docs/exports.md): the rows a filter selects, written whole
// (every hashed field) as CSV or JSON, and a manifest signed with the
// gateway's Ed25519 key that pins the data file's SHA-256, the row count, the
// chain hashes at both ends and the newest checkpoint. verify_export() checks
// a pair on any machine with only the public key: signature, digest, count,
// every row's own hash, and for a contiguous export the chain between rows.
// Writing and checking take streams and strings, not files, so vigild can
// run them behind its control socket.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "vigil/journal/checkpoint.hpp"
#include "vigil/journal/gateway_key.hpp"
#include "vigil/journal/journal.hpp"

namespace vigil::journal {

// Starts the signed manifest message; also the manifest's "format".
inline constexpr std::string_view kExportMagic = "vigil.export.v1";

enum class ExportFormat : std::uint8_t { csv, json };
const char* to_string(ExportFormat format);
std::optional<ExportFormat> export_format_from_string(std::string_view text);

struct ExportManifest {
  std::string journal_id{};
  ExportFormat data_format = ExportFormat::csv;
  std::string data_sha256{};  // 64 hex digits
  std::uint64_t rows = 0;
  std::uint64_t first_seq = 0, last_seq = 0;  // 0 when there are no rows
  std::string first_prev_hash{};              // hex; empty when there are no rows
  std::string last_hash{};
  // true: the rows are every row from first_seq to last_seq, so the chain
  // between them is checked; false: a filtered subset, each row checked alone.
  bool contiguous = false;
  std::string filter{};  // describe_filter()
  std::string operator_name{};
  std::string created{};  // ISO 8601 UTC, microseconds
  std::optional<Checkpoint> checkpoint{};
  std::string key_id{};
  std::string signature{};  // 128 hex digits; empty until signed
};

struct ExportRequest {
  Filter filter{};
  ExportFormat format = ExportFormat::csv;
  std::string operator_name{};
  core::TimePoint created{};
  std::optional<Checkpoint> checkpoint{};  // the newest signed checkpoint, if any
};

// Writes the selected rows to `data` and returns the manifest for them,
// unsigned. Throws JournalError on a database error.
ExportManifest write_export(const Journal& journal, const ExportRequest& request,
                            std::ostream& data);

// The exact signed bytes (docs/exports.md, "Signature").
std::vector<std::uint8_t> manifest_message(const ExportManifest& manifest);
void sign_manifest(ExportManifest& manifest, const GatewayKey& key);

std::string manifest_to_json(const ExportManifest& manifest);
// nullopt (with `error` set) for anything that is not a well-formed manifest.
std::optional<ExportManifest> manifest_from_json(std::string_view text,
                                                 std::string* error = nullptr);

// One failed check: `name` is one of manifest, key, signature, digest, rows,
// row_hash, order, ends, chain, checkpoint (the Python verifier uses the same).
struct ExportProblem {
  std::string check{};
  std::string message{};
};
struct ExportVerification {
  std::vector<ExportProblem> problems{};
  std::string summary{};  // "ok: 120 rows, seq 1..120, chain intact (contiguous)"
  bool ok() const { return problems.empty(); }
};
ExportVerification verify_export(std::string_view data, std::string_view manifest_json,
                                 const PublicKey& key);

}  // namespace vigil::journal
