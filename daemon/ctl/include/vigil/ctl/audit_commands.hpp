// Who looked at what: the supervisors' view of the audit records that
// vigild's control server journals for every command (record_access,
// access_refused; docs/control.md). Served through the socket to
// supervisors only; they read the journal file like `log query` does.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>

namespace vigil::ctl {

// `audit [--operator O] [--from T] [--to T]`: every audit record in the
// range, oldest first: seq, time, kind, operator, unix user, command, filter,
// rows, exit code, the first 16 hex digits of the digest. O matches the
// operator's name or Unix user.
struct AuditListArgs {
  std::string db_path;
  std::string archive_dir{};  // journal.archive_dir; empty: <db_path>.archive
  std::optional<std::string> operator_name;
  std::optional<std::string> from, to;  // as log query's --from/--to
};
int audit_list(const AuditListArgs& args, std::ostream& out, std::ostream& err);

// `audit sample N`: N queries (record_access of `log query`) picked at
// random among the most recent `window`, for a supervisor's spot check.
// Reports the picked seqs (attr "sampled") so the sample's own audit record
// says which ones were drawn.
struct AuditSampleArgs {
  std::string db_path;
  std::string archive_dir{};  // journal.archive_dir; empty: <db_path>.archive
  std::size_t count = 5;
  std::size_t window = 1000;
  std::uint64_t seed = 0;  // 0: from std::random_device
};
int audit_sample(const AuditSampleArgs& args, std::ostream& out, std::ostream& err);

}  // namespace vigil::ctl
