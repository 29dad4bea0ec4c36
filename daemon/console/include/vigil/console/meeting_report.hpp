// The meeting view's figures (docs/console.md, "Meeting view"): a gateway's
// digest (docs/mqtt.md "Meeting digest") reduced to what the meeting reads,
// and the report the console exports: CSV and a printable HTML page listing
// every gateway's digest figures and the follow-ups. Digests come from the
// broker, so they are outside input: digest_summary keeps only well-typed
// fields and never throws; the report escapes every text it prints.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "vigil/console/meeting_store.hpp"

namespace vigil::console {

// {"site","gateway","time","since",
//  "open":[{id,kind,severity,zone,opened,age_s,state,level_name}],
//  "raised":{"total","by_kind":{kind:n},"by_zone":{zone:n}},
//  "deficiencies":[{id,kind,item,zone,age_s,due,overdue,note}],
//  "deficiencies_closed":n,
//  "resolved":[{id,kind,severity,zone,resolved_at,resolved_by,note}]}
// `site` and `gateway` are the topic's. nullopt for a payload that is not a
// v1 digest (no `time`, `open`, `raised`, ...).
std::optional<nlohmann::json> digest_summary(const nlohmann::json& digest, const std::string& site,
                                             const std::string& gateway);

struct MeetingReport {
  std::vector<nlohmann::json> digests;  // digest_summary()s, one per gateway
  std::vector<FollowUp> followups;
  std::string today;         // YYYY-MM-DD, for overdue
  std::string generated_at;  // shown on the report
};

// One row per figure: section,site,gateway,id,kind,severity,zone,count,age_s,
// owner,due,status,by,at,text (RFC 4180 quoting; a text starting with = + -
// or @ gets a leading ' so a spreadsheet does not run it as a formula).
std::string meeting_report_csv(const MeetingReport& report);
// A self-contained page (no script, inline style) to print or save.
std::string meeting_report_html(const MeetingReport& report);

}  // namespace vigil::console
