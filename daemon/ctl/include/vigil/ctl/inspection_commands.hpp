// `vigilctl inspection start|record|close|show`, `vigilctl deficiency fix`
// and `vigilctl inspect` (issue 9 item 6, docs/inspections.md). Each is a
// function over a context (database, operator, site config, now) and two
// streams, served the same by vigilctl on a file and by vigild's control
// socket. Everything is journalled as typed events; nothing is stored
// besides them: deficiencies and inspections are folds over the journal.
// Each returns the exit code: 0 done, 1 refused or failed (why on err), 2
// bad arguments.
#pragma once

#include <cstddef>
#include <iosfwd>
#include <optional>
#include <string>

#include "vigil/config/site_config.hpp"
#include "vigil/core/deficiency.hpp"
#include "vigil/core/time.hpp"

namespace vigil::ctl {

struct InspectionContext {
  std::string db_path;
  std::string operator_name;  // journalled on every action
  const config::SiteConfig* config = nullptr;
  core::TimePoint now{};
};

// The deficiency rules of a site: item zones and the read-error rate.
core::DeficiencyRules deficiency_rules(const config::SiteConfig& config);

// Journals one deficiency_overdue for every open deficiency whose due day
// has ended on the site's clock and that has none yet (rechecked inside
// the write transaction, so two callers at once raise it once). vigild
// runs it at start and every minute (app::OverdueCheck); the commands do
// not. Returns how many it raised.
std::size_t raise_overdue_deficiencies(const InspectionContext& ctx);

// `inspection start ZONE|--site`: journals inspection_started with the
// checklist (open deficiencies of the scope first) and prints it.
int inspection_start(const InspectionContext& ctx, const std::optional<std::string>& zone,
                     std::ostream& out, std::ostream& err);

struct FindingArgs {
  std::string inspection;  // id
  std::string item;        // as on the checklist
  std::string result;      // ok | deficiency
  std::string note, unit;
  std::optional<std::string> due;  // YYYY-MM-DD, site local
};
// `inspection record ID ITEM ok|deficiency [--note N] [--unit U] [--due DATE]`.
// A deficiency needs --note, --unit and --due. On a "deficiency:N" item,
// `ok --note` records the fix of N; `deficiency --note` records it still open.
int inspection_record(const InspectionContext& ctx, const FindingArgs& args, std::ostream& out,
                      std::ostream& err);
int inspection_close(const InspectionContext& ctx, const std::string& id, std::ostream& out,
                     std::ostream& err);
// The checklist with each item's latest finding.
int inspection_show(const InspectionContext& ctx, const std::string& id, std::ostream& out,
                    std::ostream& err);
// `deficiency fix ID --note N`.
int deficiency_fix(const InspectionContext& ctx, const std::string& id, const std::string& note,
                   std::ostream& out, std::ostream& err);

struct InspectArgs {
  std::optional<std::string> since;  // YYYY-MM-DD, site local
  std::optional<std::string> zone;
  bool json = false;
};
// `inspect [--since DATE] [--zone Z] [--json]`: the health and deficiency
// report, open deficiencies first, and the inspections of the period.
int inspect_report(const InspectionContext& ctx, const InspectArgs& args, std::ostream& out,
                   std::ostream& err);

}  // namespace vigil::ctl
