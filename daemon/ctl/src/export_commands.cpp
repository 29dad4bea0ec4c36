// `log export` and `log verify-export` (docs/exports.md).
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "vigil/ctl/command_report.hpp"
#include "vigil/ctl/commands.hpp"
#include "vigil/journal/export.hpp"

namespace vigil::ctl {
namespace {

std::optional<std::string> slurp(const std::string& path, std::ostream& err) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    err << "vigilctl: cannot read " << path << "\n";
    return std::nullopt;
  }
  std::ostringstream data;
  data << in.rdbuf();
  return data.str();
}

}  // namespace

int log_export(const ExportArgs& args, std::ostream& out, std::ostream& err) {
  auto format = journal::export_format_from_string(args.format);
  if (!format) {
    err << "vigilctl: unknown export format '" << args.format << "' (csv or json)\n";
    return 2;
  }
  std::error_code ec;
  if (!std::filesystem::exists(args.query.journal_path, ec)) {
    err << "vigilctl: no journal at " << args.query.journal_path << "\n";
    return 1;
  }
  try {
    journal::Journal journal(args.query.journal_path, archive_options(args.query.archive_dir, err));
    auto filter = make_filter(args.query, journal, err);
    if (!filter) return 2;
    const auto key = journal::GatewayKey::load(journal::private_key_path(journal.path()));
    journal::ExportRequest request{.filter = *filter,
                                   .format = *format,
                                   .operator_name = args.operator_name,
                                   .created = args.now,
                                   .checkpoint = {}};
    const auto checkpoint_file = journal::checkpoint_path(journal.path());
    if (std::filesystem::exists(checkpoint_file, ec))
      request.checkpoint = journal::read_checkpoint_file(checkpoint_file);
    std::ofstream data(args.out_path, std::ios::binary | std::ios::trunc);
    if (!data) {
      err << "vigilctl: cannot write " << args.out_path << "\n";
      return 1;
    }
    auto manifest = journal::write_export(journal, request, data);
    data.close();
    journal::sign_manifest(manifest, key);
    report_rows(manifest.rows);  // for the control socket's audit record
    const auto manifest_path = args.out_path + ".manifest.json";
    std::ofstream(manifest_path, std::ios::binary | std::ios::trunc)
        << journal::manifest_to_json(manifest);
    out << args.out_path << ": " << manifest.rows << " rows"
        << (manifest.rows ? ", seq " + std::to_string(manifest.first_seq) + ".." +
                                std::to_string(manifest.last_seq)
                          : std::string{})
        << (manifest.contiguous ? " (contiguous)" : " (filtered)") << "; signed manifest "
        << manifest_path << "\n";
  } catch (const std::exception& e) {
    err << "vigilctl: " << e.what() << "\n";
    return 1;
  }
  return 0;
}

int log_verify_export(const std::string& data_path, const std::string& manifest_path,
                      const std::string& key_path, std::ostream& out, std::ostream& err) {
  auto key = journal::read_public_key(key_path);
  if (!key) {
    err << "vigilctl: " << key_path << " is not an Ed25519 public key (PEM)\n";
    return 2;
  }
  auto data = slurp(data_path, err);
  auto manifest = slurp(manifest_path, err);
  if (!data || !manifest) return 2;
  const auto result = journal::verify_export(*data, *manifest, *key);
  if (result.ok()) {
    out << data_path << ": " << result.summary << "\n";
    return 0;
  }
  for (const auto& problem : result.problems)
    err << data_path << ": fail " << problem.check << ": " << problem.message << "\n";
  return 1;
}

}  // namespace vigil::ctl
