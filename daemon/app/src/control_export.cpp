// `log export` served on the control socket (docs/exports.md, "Through
// vigild"): vigild writes the data file and signs the manifest with the
// gateway key only it can read, in a private folder, and returns both files
// in the reply; vigilctl writes them where the operator's --out says. The
// audit record names the rows exported and the data file's SHA-256 (the
// manifest's data_sha256). And `log archive --before YYYY-MM` on vigild's own
// journal (docs/journal.md, "Archives"), for supervisors and admins.
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "control_invocation.hpp"
#include "vigil/ctl/command_report.hpp"
#include "vigil/journal/roster.hpp"

namespace vigil::app {
namespace {

namespace fs = std::filesystem;

// A folder (mode 0700) for one export's files, removed with it.
class ExportFolder {
 public:
  ExportFolder() {
    std::string pattern = (fs::temp_directory_path() / "vigild-export-XXXXXX").string();
    if (::mkdtemp(pattern.data()) != nullptr) dir_ = pattern;
  }
  ~ExportFolder() {
    std::error_code ec;
    if (!dir_.empty()) fs::remove_all(dir_, ec);
  }
  ExportFolder(const ExportFolder&) = delete;
  ExportFolder& operator=(const ExportFolder&) = delete;
  const std::string& dir() const { return dir_; }

 private:
  std::string dir_;
};

std::string read_all(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

bool plain_base_name(const std::string& name) {
  return !name.empty() && name != "." && name != ".." && name.find('/') == std::string::npos;
}

int serve_export(ExportServeArgs& a, Invocation& inv, std::ostream& out, std::ostream& err) {
  const std::string name = a.args.out_path;
  if (!plain_base_name(name)) {
    err << "vigild: --out must be a file name (vigilctl sends the base name of its path)\n";
    return 2;
  }
  ExportFolder folder;
  if (folder.dir().empty()) {
    err << "vigild: cannot make a private folder for the export\n";
    return 1;
  }
  ctl::ExportArgs args = a.args;
  args.out_path = (fs::path(folder.dir()) / name).string();
  args.operator_name = ctl::current_operator();
  std::ostringstream said;
  const int rc = ctl::log_export(args, said, err);
  // The operator sees their own file names, not vigild's private folder.
  std::string text = said.str();
  const std::string prefix = folder.dir() + "/";
  for (auto at = text.find(prefix); at != std::string::npos; at = text.find(prefix, at))
    text.erase(at, prefix.size());
  out << text;
  if (rc != 0) return rc;
  const std::string data = read_all(args.out_path);
  inv.returned_files[name] = data;
  inv.returned_files[name + ".manifest.json"] = read_all(args.out_path + ".manifest.json");
  // What was returned is the data file: its digest, not the summary line's.
  ctl::report_attr("digest", journal::sha256_hex(data));
  return 0;
}

}  // namespace

void add_export_command(CLI::App& log, ExportServeArgs& a, Invocation& inv,
                        const config::SiteConfig& c, core::TimePoint now) {
  auto* sub = log.add_subcommand("export");
  auto& q = a.args.query;
  sub->add_option("--person", q.person);
  sub->add_option("--zone", q.zone);
  sub->add_option("--door", q.door);
  sub->add_option("--from", q.from);
  sub->add_option("--to", q.to);
  sub->add_option("--limit", q.limit);
  sub->add_option("--card", q.card);
  sub->add_option("--kind", q.kinds);
  sub->add_option("--reason", q.reasons);
  sub->add_option("--after-seq", q.after_seq);
  sub->add_option("--format", a.args.format)->default_val("csv");
  sub->add_option("--out", a.args.out_path)->required();
  sub->add_flag("--utc", a.utc);
  sub->callback([&, now] {
    q.journal_path = c.journal_path;
    q.archive_dir = c.journal_archive_dir;
    q.time_zone = a.utc ? core::TimeZone{} : c.site.time_zone;
    a.args.now = now;
    inv.query = &q;  // zone-scoped like log query
    choose(inv, "log export", [&a, &inv](auto& o, auto& e) { return serve_export(a, inv, o, e); });
  });
}

void add_archive_command(CLI::App& log, ExportServeArgs& a, Invocation& inv,
                         const config::SiteConfig& c, core::TimePoint now) {
  auto* sub = log.add_subcommand("archive");
  sub->add_option("--before", a.archive_before)->required();
  sub->callback([&, now] {
    choose(inv, "log archive", [&a, &c, now](auto& o, auto& e) {
      return ctl::log_archive(c.journal_path, a.archive_before, now, ctl::current_operator(), o, e,
                              c.journal_archive_dir);
    });
  });
}

}  // namespace vigil::app
