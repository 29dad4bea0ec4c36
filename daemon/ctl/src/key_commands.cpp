// vigilctl key show and vigilctl log verify with signed checkpoints.
#include <filesystem>
#include <iostream>

#include "vigil/ctl/commands.hpp"
#include "vigil/journal/checkpoint.hpp"
#include "vigil/journal/journal.hpp"

namespace vigil::ctl {

int key_show(const std::string& db_path, std::ostream& out, std::ostream& err) {
  const auto pub = journal::public_key_path(db_path);
  auto key = journal::read_public_key(pub);
  if (!key) {
    err << "vigilctl: no Ed25519 public key at " << pub.string()
        << " (vigild creates it on first start)\n";
    return 1;
  }
  out << "key id      " << journal::key_id(*key) << "\n"
      << "public key  " << journal::to_hex(*key) << "\n"
      << journal::public_key_pem(*key);
  return 0;
}

int log_verify(const VerifyArgs& args, std::ostream& out, std::ostream& err) {
  std::error_code ec;
  if (!std::filesystem::exists(args.journal_path, ec)) {
    err << "vigilctl: no journal at " << args.journal_path << "\n";
    return 2;
  }
  const std::string& db = args.journal_path;
  const auto key_path =
      args.key_path ? std::filesystem::path{*args.key_path} : journal::public_key_path(db);
  std::optional<journal::Checkpoint> given;
  if (args.checkpoint_path) {
    std::string why;
    given = journal::read_checkpoint_file(*args.checkpoint_path, &why);
    if (!given) {
      err << "vigilctl: " << *args.checkpoint_path << ": not a checkpoint: " << why << "\n";
      return 2;
    }
  } else if (args.checkpoint_json) {
    std::string why;
    given = journal::checkpoint_from_json(*args.checkpoint_json, &why);
    if (!given) {
      err << "vigilctl: the fetched checkpoint is not valid: " << why << "\n";
      return 2;
    }
  }
  const auto key = journal::read_public_key(key_path);
  if (!key && (given || args.key_path)) {
    err << "vigilctl: no Ed25519 public key at " << key_path.string() << "\n";
    return 2;
  }
  try {
    journal::Journal journal(db);
    bool bad = false;
    const journal::VerifyResult chain = journal.verify();
    (chain.ok ? out : err) << db << ": " << chain.message << "\n";
    bad |= !chain.ok;
    for (const auto& e :
         journal.query(journal::Filter{.kinds = {core::EventKind::journal_integrity}})) {
      auto problem = core::attr_text(e.attrs, "problem");
      if (!problem) continue;  // the v1 migration row, not a break
      out << db << ": row " << e.seq << ": segment "
          << core::attr_int(e.attrs, "segment").value_or(0) << " starts (" << *problem << ": "
          << e.detail << ")\n";
    }
    if (key) {
      const auto rows = journal::check_checkpoint_rows(journal, *key);
      bool ok = rows.problem == journal::CheckpointProblem::none;
      (ok ? out : err) << db << ": " << rows.message << "\n";
      bad |= !ok;
    } else {
      out << db << ": no public key at " << key_path.string()
          << ": checkpoint signatures not checked\n";
    }
    if (given) {
      const auto check = journal::check_checkpoint(journal, *given, *key);
      bool ok = check.problem == journal::CheckpointProblem::none;
      (ok ? out : err) << db << ": " << check.message << "\n";
      bad |= !ok;
    }
    return bad ? 1 : 0;
  } catch (const std::exception& e) {
    err << "vigilctl: " << e.what() << "\n";
    return 2;
  }
}

}  // namespace vigil::ctl
