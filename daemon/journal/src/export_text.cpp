#include "export_text.hpp"

#include <nlohmann/json.hpp>

#include <charconv>
#include <span>

#include "vigil/core/time.hpp"

namespace vigil::journal {
namespace {

// True when `s` has a character RFC 4180 quotes. One pass over the bytes:
// string_view::find_first_of calls memchr on the set for each byte, which
// was 6 % of the export's writing thread (s22-export).
bool needs_quotes(std::string_view s) {
  for (char c : s) {
    if (c == ',' || c == '"' || c == '\r' || c == '\n') return true;
  }
  return false;
}

void csv_field(std::string& out, std::string_view s) {
  if (!needs_quotes(s)) {
    out += s;
    return;
  }
  out += '"';
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
}

void csv_int(std::string& out, std::int64_t v) {
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, end);
}

// Lowercase hex straight into the output: no string per field on the
// export's hot path.
void append_hex(std::string& out, std::span<const std::uint8_t> bytes) {
  constexpr char kDigits[] = "0123456789abcdef";
  const std::size_t at = out.size();
  out.resize(at + 2 * bytes.size());
  char* p = out.data() + at;
  for (auto b : bytes) {
    *p++ = kDigits[b >> 4];
    *p++ = kDigits[b & 0x0f];
  }
}

// core::format_utc's text ("YYYY-MM-DDTHH:MM:SS.ffffffZ") without a string
// and an snprintf per row: an export's rows come in time order, so the
// date part is made once a day and the time of day is written digit by
// digit. Times before 1970 or after 9999 go through format_utc itself.
void append_utc(std::string& out, std::int64_t ts_us) {
  constexpr std::int64_t kYear10000Us = 253'402'300'800'000'000;
  if (ts_us < 0 || ts_us >= kYear10000Us) {
    out += core::format_utc(core::from_unix_micros(ts_us));
    return;
  }
  thread_local std::int64_t cached_day = -1;
  thread_local std::string cached_date;  // "YYYY-MM-DDT"
  const std::int64_t secs = ts_us / 1'000'000;
  const std::int64_t day = secs / 86'400;
  if (day != cached_day) {
    cached_date = core::format_utc(core::from_unix_micros(day * 86'400 * 1'000'000)).substr(0, 11);
    cached_day = day;
  }
  out += cached_date;
  const auto sod = static_cast<unsigned>(secs - day * 86'400);
  auto frac = static_cast<unsigned>(ts_us - secs * 1'000'000);
  const std::size_t at = out.size();
  out.resize(at + 16);  // "HH:MM:SS.ffffffZ"
  char* p = out.data() + at;
  auto two = [&p](unsigned v) {
    *p++ = static_cast<char>('0' + v / 10);
    *p++ = static_cast<char>('0' + v % 10);
  };
  two(sod / 3600);
  *p++ = ':';
  two(sod / 60 % 60);
  *p++ = ':';
  two(sod % 60);
  *p++ = '.';
  for (int i = 5; i >= 0; --i) {
    p[i] = static_cast<char>('0' + frac % 10);
    frac /= 10;
  }
  p[6] = 'Z';
}

void csv_name(std::string& out, const std::optional<NameRef>& name) {
  if (name) {
    csv_int(out, name->id);
    out += ',';
    csv_field(out, name->text);
  } else {
    out += ',';
  }
}

// The canonical export row as ordered JSON: the same keys and order as CSV.
nlohmann::ordered_json row_json(const ExportRow& row) {
  nlohmann::ordered_json j;
  auto name = [&](const char* id_key, const char* key, const std::optional<NameRef>& n) {
    j[id_key] = n ? nlohmann::ordered_json(n->id) : nlohmann::ordered_json(nullptr);
    j[key] = n ? nlohmann::ordered_json(n->text) : nlohmann::ordered_json(nullptr);
  };
  j["seq"] = row.seq;
  j["ts_us"] = row.ts_us;
  j["time"] = core::format_utc(core::from_unix_micros(row.ts_us));
  name("kind_id", "kind", row.kind);
  name("reason_id", "reason", row.reason);
  name("door_id", "door", row.door);
  name("reader_id", "reader", row.reader);
  name("zone_id", "zone", row.zone);
  name("person_id", "person", row.person);
  name("device_id", "device", row.device);
  j["card"] = row.card ? nlohmann::ordered_json(*row.card) : nlohmann::ordered_json(nullptr);
  j["detail"] = row.detail;
  j["attrs"] =
      row.attrs ? nlohmann::ordered_json(to_hex(*row.attrs)) : nlohmann::ordered_json(nullptr);
  j["prev_hash"] = to_hex(row.prev_hash);
  j["hash"] = to_hex(row.hash);
  return j;
}

bool read_int(std::string_view text, std::int64_t& out) {
  if (text.empty()) return false;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc{} && end == text.data() + text.size();
}

bool read_hash(std::string_view text, Hash& out) {
  return from_hex(text, out);
}

// Splits one CSV record starting at `pos` (RFC 4180, CRLF ends it).
bool next_record(std::string_view data, std::size_t& pos, std::vector<std::string>& fields) {
  fields.clear();
  std::string field;
  while (true) {
    if (pos < data.size() && data[pos] == '"') {
      ++pos;
      while (true) {
        if (pos >= data.size()) return false;
        if (data[pos] == '"') {
          if (pos + 1 < data.size() && data[pos + 1] == '"') {
            field += '"';
            pos += 2;
            continue;
          }
          ++pos;
          break;
        }
        field += data[pos++];
      }
    } else {
      while (pos < data.size() && data[pos] != ',' && data[pos] != '\r' && data[pos] != '"')
        field += data[pos++];
    }
    fields.push_back(std::move(field));
    field.clear();
    if (pos < data.size() && data[pos] == ',') {
      ++pos;
      continue;
    }
    if (pos + 1 < data.size() && data[pos] == '\r' && data[pos + 1] == '\n') {
      pos += 2;
      return true;
    }
    return false;
  }
}

bool name_from(const std::string& id, const std::string& text, std::optional<NameRef>& out) {
  if (id.empty()) {
    out.reset();
    return text.empty();
  }
  out.emplace();
  out->text = text;
  return read_int(id, out->id);
}

bool row_from_fields(const std::vector<std::string>& f, ExportRow& row) {
  if (f.size() != kExportColumns) return false;
  std::int64_t seq = 0;
  if (!read_int(f[0], seq) || seq < 1 || !read_int(f[1], row.ts_us)) return false;
  row.seq = static_cast<std::uint64_t>(seq);
  if (f[2] != core::format_utc(core::from_unix_micros(row.ts_us))) return false;
  std::optional<NameRef> kind, reason;
  if (!name_from(f[3], f[4], kind) || !kind || !name_from(f[5], f[6], reason) || !reason)
    return false;
  row.kind = *kind;
  row.reason = *reason;
  if (!name_from(f[7], f[8], row.door) || !name_from(f[9], f[10], row.reader) ||
      !name_from(f[11], f[12], row.zone) || !name_from(f[13], f[14], row.person) ||
      !name_from(f[15], f[16], row.device))
    return false;
  row.card = f[17].empty() ? std::nullopt : std::optional<std::string>(f[17]);
  row.detail = f[18];
  if (f[19].empty()) {
    row.attrs.reset();
  } else {
    if (f[19].size() % 2 != 0) return false;
    row.attrs.emplace(f[19].size() / 2);
    if (!from_hex(f[19], *row.attrs)) return false;
  }
  return read_hash(f[20], row.prev_hash) && read_hash(f[21], row.hash);
}

}  // namespace

void append_csv_row(std::string& out, const ExportRow& row) {
  csv_int(out, static_cast<std::int64_t>(row.seq));
  out += ',';
  csv_int(out, row.ts_us);
  out += ',';
  append_utc(out, row.ts_us);
  out += ',';
  csv_int(out, row.kind.id);
  out += ',';
  csv_field(out, row.kind.text);
  out += ',';
  csv_int(out, row.reason.id);
  out += ',';
  csv_field(out, row.reason.text);
  for (const auto* name : {&row.door, &row.reader, &row.zone, &row.person, &row.device}) {
    out += ',';
    csv_name(out, *name);
  }
  out += ',';
  if (row.card) csv_field(out, *row.card);
  out += ',';
  csv_field(out, row.detail);
  out += ',';
  if (row.attrs) append_hex(out, *row.attrs);
  out += ',';
  append_hex(out, row.prev_hash);
  out += ',';
  append_hex(out, row.hash);
  out += "\r\n";
}

void append_json_row(std::string& out, const ExportRow& row) {
  out += row_json(row).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::optional<std::vector<ExportRow>> read_csv_rows(std::string_view data, std::string& error) {
  if (data.substr(0, kCsvHeader.size()) != kCsvHeader) {
    error = "line 1: not the export header";
    return std::nullopt;
  }
  std::vector<ExportRow> rows;
  std::vector<std::string> fields;
  std::size_t pos = kCsvHeader.size();
  while (pos < data.size()) {
    ExportRow row;
    if (!next_record(data, pos, fields) || !row_from_fields(fields, row)) {
      error = "record " + std::to_string(rows.size() + 2) + ": not a complete export row";
      return std::nullopt;
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

std::optional<std::vector<ExportRow>> read_json_rows(std::string_view data, std::string& error) {
  auto parsed = nlohmann::json::parse(data, nullptr, false);
  if (parsed.is_discarded() || !parsed.is_array()) {
    error = "not a JSON array";
    return std::nullopt;
  }
  std::vector<ExportRow> rows;
  std::vector<std::string> fields;
  for (const auto& item : parsed) {
    // Through the CSV fields: one definition of a valid row.
    fields.clear();
    bool ok = item.is_object() && item.size() == kExportColumns;
    for (const char* key : {"seq",    "ts_us",     "time",      "kind_id",   "kind",   "reason_id",
                            "reason", "door_id",   "door",      "reader_id", "reader", "zone_id",
                            "zone",   "person_id", "person",    "device_id", "device", "card",
                            "detail", "attrs",     "prev_hash", "hash"}) {
      if (!ok || !item.contains(key)) {
        ok = false;
        break;
      }
      const auto& v = item[key];
      if (v.is_null()) {
        fields.emplace_back();
      } else if (v.is_number_integer()) {
        fields.push_back(v.dump());
      } else if (v.is_string()) {
        fields.push_back(v.get<std::string>());
      } else {
        ok = false;
      }
    }
    ExportRow row;
    if (!ok || !row_from_fields(fields, row)) {
      error = "row " + std::to_string(rows.size() + 1) + ": not a complete export row";
      return std::nullopt;
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

}  // namespace vigil::journal
