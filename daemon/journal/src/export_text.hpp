// The byte layout of export rows (docs/exports.md, "Data"): one row as a CSV
// record or a JSON object, and back. Private to the journal library.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "vigil/journal/export_row.hpp"

namespace vigil::journal {

inline constexpr std::string_view kCsvHeader =
    "seq,ts_us,time,kind_id,kind,reason_id,reason,door_id,door,reader_id,reader,zone_id,zone,"
    "person_id,person,device_id,device,card,detail,attrs,prev_hash,hash\r\n";
inline constexpr std::size_t kExportColumns = 22;

void append_csv_row(std::string& out, const ExportRow& row);
void append_json_row(std::string& out, const ExportRow& row);

// The rows of a whole data file; nullopt with `error` ("line 7: ...") when
// any part of it is not exactly what the writer produces.
std::optional<std::vector<ExportRow>> read_csv_rows(std::string_view data, std::string& error);
std::optional<std::vector<ExportRow>> read_json_rows(std::string_view data, std::string& error);

}  // namespace vigil::journal
