// `log archive --before YYYY-MM` (docs/journal.md, "Archives"): moves the
// rows of every month before it to archive files beside the journal.
#include <iostream>

#include "vigil/ctl/command_report.hpp"
#include "vigil/ctl/commands.hpp"
#include "vigil/journal/archive.hpp"

namespace vigil::ctl {

int log_archive(const std::string& journal_path, const std::string& before, core::TimePoint now,
                const std::string& operator_name, std::ostream& out, std::ostream& err,
                const std::string& archive_dir) {
  if (!journal::month_start(before)) {
    err << "vigilctl: --before '" << before << "' is not a month (YYYY-MM, e.g. 2026-10)\n";
    return 2;
  }
  std::error_code ec;
  if (!std::filesystem::exists(journal_path, ec)) {
    err << "vigilctl: no journal at " << journal_path << "\n";
    return 1;
  }
  try {
    const auto made = journal::archive_before(journal_path, before, now, operator_name,
                                              archive_options(archive_dir, err));
    std::size_t rows = 0;
    for (const auto& r : made) {
      rows += r.last_seq - r.first_seq + 1;
      out << "archived " << r.month << ": rows " << r.first_seq << ".." << r.last_seq << " to "
          << r.file << " (sha256 " << r.sha256 << "), recorded at seq " << r.seq << "\n";
    }
    if (made.empty()) out << "nothing older than " << before << " to archive\n";
    report_rows(rows);  // rows moved, for the control socket's audit record
  } catch (const std::exception& e) {
    err << "vigilctl: " << e.what() << "\n";
    return 1;
  }
  return 0;
}

}  // namespace vigil::ctl
