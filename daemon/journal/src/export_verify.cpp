// Checking an export without the database (docs/exports.md, "Verifying").
// Every check runs and reports; the Python verifier makes the same checks
// under the same names, and a test holds the two to the same verdicts.
#include "export_text.hpp"
#include "vigil/journal/export.hpp"

namespace vigil::journal {
namespace {

void check_rows(const std::vector<ExportRow>& rows, const ExportManifest& m,
                std::vector<ExportProblem>& problems) {
  auto add = [&](const char* check, std::string message) {
    problems.push_back({.check = check, .message = std::move(message)});
  };
  if (rows.size() != m.rows) {
    add("rows", std::to_string(rows.size()) + " rows, the manifest says " + std::to_string(m.rows));
  }
  CanonicalBytes bytes;
  RowHasher hasher;
  bool hash_reported = false, order_reported = false, chain_reported = false;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const auto& row = rows[i];
    if (!hash_reported && recompute_hash(row, bytes, hasher) != row.hash) {
      add("row_hash", "row " + std::to_string(row.seq) + ": altered (hash mismatch)");
      hash_reported = true;
    }
    if (i == 0) continue;
    const auto& before = rows[i - 1];
    if (!order_reported && row.seq <= before.seq) {
      add("order", "row " + std::to_string(row.seq) + " follows row " + std::to_string(before.seq));
      order_reported = true;
    }
    if (m.contiguous && !chain_reported &&
        (row.seq != before.seq + 1 || row.prev_hash != before.hash)) {
      add("chain", "chain broken between seq " + std::to_string(before.seq) + " and " +
                       std::to_string(row.seq));
      chain_reported = true;
    }
  }
  const std::string first_seq = rows.empty() ? "0" : std::to_string(rows.front().seq);
  const std::string last_seq = rows.empty() ? "0" : std::to_string(rows.back().seq);
  const std::string first_prev = rows.empty() ? "" : to_hex(rows.front().prev_hash);
  const std::string last_hash = rows.empty() ? "" : to_hex(rows.back().hash);
  if (first_seq != std::to_string(m.first_seq) || last_seq != std::to_string(m.last_seq) ||
      first_prev != m.first_prev_hash || last_hash != m.last_hash) {
    add("ends", "the first or last row is not the one the manifest names (seq " + first_seq + ".." +
                    last_seq + ", manifest " + std::to_string(m.first_seq) + ".." +
                    std::to_string(m.last_seq) + ")");
  }
  if (m.contiguous && m.checkpoint && m.checkpoint->seq >= m.first_seq &&
      m.checkpoint->seq <= m.last_seq && !rows.empty()) {
    for (const auto& row : rows) {
      if (row.seq == m.checkpoint->seq && row.hash != m.checkpoint->head) {
        add("checkpoint", "row " + std::to_string(row.seq) + " is not the checkpoint's head");
      }
    }
  }
}

}  // namespace

ExportVerification verify_export(std::string_view data, std::string_view manifest_json,
                                 const PublicKey& key) {
  ExportVerification out;
  auto add = [&](const char* check, std::string message) {
    out.problems.push_back({.check = check, .message = std::move(message)});
  };
  std::string error;
  auto manifest = manifest_from_json(manifest_json, &error);
  if (!manifest) {
    add("manifest", "unreadable manifest: " + error);
    return out;
  }
  const auto& m = *manifest;
  if (m.key_id != key_id(key)) {
    add("key", "signed by key " + m.key_id + ", not by the given key " + key_id(key));
  }
  Signature signature{};
  if (!from_hex(m.signature, signature) || !verify_signature(key, manifest_message(m), signature)) {
    add("signature", "the manifest's signature does not verify with the given key");
  }
  if (m.checkpoint && !signature_valid(*m.checkpoint, key)) {
    add("checkpoint", "the checkpoint's signature does not verify with the given key");
  }
  RowHasher hasher;
  const auto digest = to_hex(
      hasher.sha256(std::span{reinterpret_cast<const std::uint8_t*>(data.data()), data.size()}));
  if (digest != m.data_sha256) add("digest", "the data's SHA-256 is not the manifest's");
  auto rows =
      m.data_format == ExportFormat::csv ? read_csv_rows(data, error) : read_json_rows(data, error);
  if (!rows) {
    add("rows", "unreadable data: " + error);
    return out;
  }
  check_rows(*rows, m, out.problems);
  if (out.ok()) {
    out.summary = "ok: " + std::to_string(m.rows) + " rows, seq " + std::to_string(m.first_seq) +
                  ".." + std::to_string(m.last_seq) +
                  (m.contiguous ? ", chain intact (contiguous)"
                                : ", each row intact (filtered subset: " + m.filter + ")");
  }
  return out;
}

}  // namespace vigil::journal
