// The export manifest: its signed bytes, its JSON, and the check of a data
// file against it (docs/exports.md).
#include <nlohmann/json.hpp>

#include "export_text.hpp"
#include "vigil/journal/export.hpp"

namespace vigil::journal {
namespace {

// Typed values as in the journal's hash input: 0x01 i64 BE, 0x03 u32 BE
// length + bytes, 0x05 null.
void put_int(std::vector<std::uint8_t>& out, std::int64_t v) {
  out.push_back(tag::integer);
  for (int shift = 56; shift >= 0; shift -= 8)
    out.push_back(static_cast<std::uint8_t>(static_cast<std::uint64_t>(v) >> shift));
}
void put_text(std::vector<std::uint8_t>& out, std::string_view s) {
  out.push_back(tag::text);
  const auto n = static_cast<std::uint32_t>(s.size());
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<std::uint8_t>(n >> shift));
  out.insert(out.end(), s.begin(), s.end());
}

template <class T>
bool get(const nlohmann::json& j, const char* key, T& out) {
  auto it = j.find(key);
  if (it == j.end()) return false;
  if constexpr (std::is_same_v<T, std::string>) {
    if (!it->is_string()) return false;
  } else if constexpr (std::is_same_v<T, bool>) {
    if (!it->is_boolean()) return false;
  } else {
    if (!it->is_number_integer()) return false;
  }
  out = it->get<T>();
  return true;
}

}  // namespace

std::vector<std::uint8_t> manifest_message(const ExportManifest& m) {
  std::vector<std::uint8_t> out(kExportMagic.begin(), kExportMagic.end());
  put_text(out, m.journal_id);
  put_text(out, to_string(m.data_format));
  put_text(out, m.data_sha256);
  put_int(out, static_cast<std::int64_t>(m.rows));
  put_int(out, static_cast<std::int64_t>(m.first_seq));
  put_int(out, static_cast<std::int64_t>(m.last_seq));
  put_text(out, m.first_prev_hash);
  put_text(out, m.last_hash);
  put_text(out, m.contiguous ? "contiguous" : "filtered");
  put_text(out, m.filter);
  put_text(out, m.operator_name);
  put_text(out, m.created);
  if (m.checkpoint) {
    put_int(out, static_cast<std::int64_t>(m.checkpoint->seq));
    put_text(out, to_hex(m.checkpoint->head));
    put_int(out, m.checkpoint->time_us);
    put_text(out, m.checkpoint->key_id);
    put_text(out, to_hex(m.checkpoint->signature));
  } else {
    out.push_back(tag::null);
  }
  put_text(out, m.key_id);
  return out;
}

void sign_manifest(ExportManifest& manifest, const GatewayKey& key) {
  manifest.key_id = key_id(key.public_key());
  manifest.signature = to_hex(key.sign(manifest_message(manifest)));
}

std::string manifest_to_json(const ExportManifest& m) {
  nlohmann::ordered_json j;
  j["format"] = kExportMagic;
  j["journal_id"] = m.journal_id;
  j["data_format"] = to_string(m.data_format);
  j["data_sha256"] = m.data_sha256;
  j["rows"] = m.rows;
  j["first_seq"] = m.first_seq;
  j["last_seq"] = m.last_seq;
  j["first_prev_hash"] = m.first_prev_hash;
  j["last_hash"] = m.last_hash;
  j["selection"] = m.contiguous ? "contiguous" : "filtered";
  j["filter"] = m.filter;
  j["operator"] = m.operator_name;
  j["created"] = m.created;
  if (m.checkpoint) {
    j["checkpoint"] = {{"seq", m.checkpoint->seq},
                       {"head", to_hex(m.checkpoint->head)},
                       {"time_us", m.checkpoint->time_us},
                       {"key_id", m.checkpoint->key_id},
                       {"signature", to_hex(m.checkpoint->signature)}};
  } else {
    j["checkpoint"] = nullptr;
  }
  j["key_id"] = m.key_id;
  j["signature"] = m.signature;
  return j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

std::optional<ExportManifest> manifest_from_json(std::string_view text, std::string* error) {
  auto fail = [&](const std::string& why) -> std::optional<ExportManifest> {
    if (error) *error = why;
    return std::nullopt;
  };
  auto j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return fail("not a JSON object");
  if (j.size() != 16) return fail("not the 16 fields of a manifest");
  ExportManifest m;
  std::string format, data_format, selection;
  std::int64_t rows = 0, first = 0, last = 0;
  if (!get(j, "format", format) || format != kExportMagic)
    return fail("format is not vigil.export.v1");
  if (!get(j, "journal_id", m.journal_id) || !get(j, "data_format", data_format) ||
      !get(j, "data_sha256", m.data_sha256) || !get(j, "rows", rows) ||
      !get(j, "first_seq", first) || !get(j, "last_seq", last) ||
      !get(j, "first_prev_hash", m.first_prev_hash) || !get(j, "last_hash", m.last_hash) ||
      !get(j, "selection", selection) || !get(j, "filter", m.filter) ||
      !get(j, "operator", m.operator_name) || !get(j, "created", m.created) ||
      !get(j, "key_id", m.key_id) || !get(j, "signature", m.signature) || !j.contains("checkpoint"))
    return fail("a field is missing or of the wrong type");
  auto format_value = export_format_from_string(data_format);
  if (!format_value || rows < 0 || first < 0 || last < 0 ||
      (selection != "contiguous" && selection != "filtered"))
    return fail("data_format, selection or a count is out of range");
  m.data_format = *format_value;
  m.rows = static_cast<std::uint64_t>(rows);
  m.first_seq = static_cast<std::uint64_t>(first);
  m.last_seq = static_cast<std::uint64_t>(last);
  m.contiguous = selection == "contiguous";
  const auto& c = j["checkpoint"];
  if (!c.is_null()) {
    Checkpoint cp;
    cp.journal_id = m.journal_id;
    std::int64_t seq = 0;
    std::string head, signature;
    if (!c.is_object() || !get(c, "seq", seq) || seq < 0 || !get(c, "head", head) ||
        !from_hex(head, cp.head) || !get(c, "time_us", cp.time_us) ||
        !get(c, "key_id", cp.key_id) || !get(c, "signature", signature) ||
        !from_hex(signature, cp.signature))
      return fail("checkpoint is not a signed checkpoint");
    cp.seq = static_cast<std::uint64_t>(seq);
    m.checkpoint = cp;
  }
  return m;
}

}  // namespace vigil::journal
