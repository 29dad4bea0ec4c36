#include "vigil/console/meeting_report.hpp"

#include <sstream>

#include "vigil/core/html.hpp"

namespace vigil::console {
namespace {

using nlohmann::json;

std::string str(const json& j, const char* key) {
  if (!j.is_object()) return {};
  const auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string{};
}

std::int64_t num(const json& j, const char* key) {
  if (!j.is_object()) return 0;
  const auto it = j.find(key);
  return it != j.end() && it->is_number_integer() ? it->get<std::int64_t>() : 0;
}

const json& member(const json& j, const char* key) {
  static const json kNull;
  if (!j.is_object()) return kNull;
  const auto it = j.find(key);
  return it == j.end() ? kNull : *it;
}

// The digest's id fields are text for incidents and numbers for deficiencies.
std::string id_text(const json& j) {
  const json& id = member(j, "id");
  if (id.is_string()) return id.get<std::string>();
  if (id.is_number_integer()) return std::to_string(id.get<std::int64_t>());
  return {};
}

json counts(const json& j) {
  json out = json::object();
  if (!j.is_object()) return out;
  for (const auto& [k, v] : j.items()) {
    if (v.is_number_integer() && v.get<std::int64_t>() > 0) out[k] = v.get<std::int64_t>();
  }
  return out;
}

// A field of the CSV, quoted when needed.
std::string csv(std::string s) {
  if (!s.empty() && (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@')) s.insert(0, "'");
  if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
  std::string out = "\"";
  for (const char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string html(std::string_view s) {
  return core::html_escape(s);
}

std::string followup_status(const FollowUp& f, std::string_view today) {
  return is_overdue(f, today) ? "overdue" : f.status;
}

}  // namespace

std::optional<json> digest_summary(const json& d, const std::string& site,
                                   const std::string& gateway) {
  if (!d.is_object() || num(d, "v") != 1 || str(d, "time").empty() ||
      !member(d, "open").is_array() || !member(d, "raised").is_object() ||
      !member(d, "resolved").is_array()) {
    return std::nullopt;
  }
  json open = json::array();
  for (const auto& i : member(d, "open")) {
    open.push_back({{"id", id_text(i)},
                    {"kind", str(i, "kind")},
                    {"severity", str(i, "severity")},
                    {"zone", str(i, "zone")},
                    {"opened", str(i, "opened")},
                    {"age_s", num(i, "age_s")},
                    {"state", str(i, "state")},
                    {"level_name", str(i, "level_name")}});
  }
  const json& raised = member(d, "raised");
  json resolved = json::array();
  for (const auto& i : member(d, "resolved")) {
    resolved.push_back({{"id", id_text(i)},
                        {"kind", str(i, "kind")},
                        {"severity", str(i, "severity")},
                        {"zone", str(i, "zone")},
                        {"resolved_at", str(i, "resolved_at")},
                        {"resolved_by", str(i, "resolved_by")},
                        {"note", str(i, "note")}});
  }
  json deficiencies = json::array();
  const json& defs = member(d, "deficiencies");
  if (member(defs, "open").is_array()) {
    for (const auto& i : member(defs, "open")) {
      const json& overdue = member(i, "overdue");
      deficiencies.push_back({{"id", id_text(i)},
                              {"kind", str(i, "kind")},
                              {"item", str(i, "item")},
                              {"zone", str(i, "zone")},
                              {"age_s", num(i, "age_s")},
                              {"due", str(i, "due")},
                              {"overdue", overdue.is_boolean() && overdue.get<bool>()},
                              {"note", str(i, "note")}});
    }
  }
  const json& closed = member(defs, "closed");
  return json{{"site", site},
              {"gateway", gateway},
              {"time", str(d, "time")},
              {"since", str(d, "since")},
              {"open", open},
              {"raised",
               {{"total", num(raised, "total")},
                {"by_kind", counts(member(raised, "by_kind"))},
                {"by_zone", counts(member(raised, "by_zone"))}}},
              {"deficiencies", deficiencies},
              {"deficiencies_closed", closed.is_array() ? closed.size() : 0},
              {"resolved", resolved}};
}

std::string meeting_report_csv(const MeetingReport& r) {
  std::ostringstream out;
  out << "section,site,gateway,id,kind,severity,zone,count,age_s,owner,due,status,by,at,text\r\n";
  const auto row = [&](std::initializer_list<std::string> fields) {
    bool first = true;
    for (const auto& f : fields) {
      if (!first) out << ',';
      out << csv(f);
      first = false;
    }
    out << "\r\n";
  };
  for (const auto& d : r.digests) {
    const auto site = str(d, "site");
    const auto gw = str(d, "gateway");
    const json& raised = member(d, "raised");
    row({"digest", site, gw, "", "", "", "", std::to_string(member(d, "open").size()), "", "", "",
         "", "", str(d, "time"), "since " + str(d, "since")});
    row({"raised", site, gw, "", "", "", "", std::to_string(num(raised, "total")), "", "", "", "",
         "", "", ""});
    for (const auto& [kind, n] : member(raised, "by_kind").items()) {
      row({"raised_by_kind", site, gw, "", kind, "", "", n.dump(), "", "", "", "", "", "", ""});
    }
    for (const auto& [zone, n] : member(raised, "by_zone").items()) {
      row({"raised_by_zone", site, gw, "", "", "", zone, n.dump(), "", "", "", "", "", "", ""});
    }
    for (const auto& i : member(d, "open")) {
      row({"open_incident", site, gw, str(i, "id"), str(i, "kind"), str(i, "severity"),
           str(i, "zone"), "", std::to_string(num(i, "age_s")), "", "", str(i, "state"),
           str(i, "level_name"), str(i, "opened"), ""});
    }
    for (const auto& i : member(d, "deficiencies")) {
      const bool overdue = member(i, "overdue").is_boolean() && member(i, "overdue").get<bool>();
      row({"deficiency", site, gw, str(i, "id"), str(i, "kind"), "", str(i, "zone"), "",
           std::to_string(num(i, "age_s")), "", str(i, "due"), overdue ? "overdue" : "open", "", "",
           str(i, "item") + (str(i, "note").empty() ? "" : ": " + str(i, "note"))});
    }
    for (const auto& i : member(d, "resolved")) {
      row({"resolved", site, gw, str(i, "id"), str(i, "kind"), str(i, "severity"), str(i, "zone"),
           "", "", "", "", "resolved", str(i, "resolved_by"), str(i, "resolved_at"),
           str(i, "note")});
    }
  }
  for (const auto& f : r.followups) {
    row({"followup", "", "", std::to_string(f.id), f.kind, "", "", "", "", f.owner, f.due,
         followup_status(f, r.today), f.status == "done" ? f.done_by : f.created_by,
         f.status == "done" ? f.done_at : f.created_at, f.text});
  }
  return out.str();
}

std::string meeting_report_html(const MeetingReport& r) {
  std::ostringstream out;
  out << "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
         "<title>Security-maintenance meeting report</title><style>"
         "body{font:12pt sans-serif;margin:1.5em}table{border-collapse:collapse;margin:.5em 0 1em}"
         "td,th{border:1px solid #999;padding:2px 6px;text-align:left;vertical-align:top}"
         "tr.overdue td{background:#fdd;font-weight:bold}section{break-inside:avoid}"
         "</style></head><body>\n<h1>Security-maintenance meeting report</h1>\n<p>Generated "
      << html(r.generated_at) << ".</p>\n";
  const auto cells = [&](std::initializer_list<std::string> fields, const char* tag = "td") {
    for (const auto& f : fields) out << '<' << tag << '>' << html(f) << "</" << tag << '>';
  };
  for (const auto& d : r.digests) {
    const json& raised = member(d, "raised");
    out << "<section class=\"digest\"><h2>" << html(str(d, "site") + " / " + str(d, "gateway"))
        << "</h2>\n<p>Digest of " << html(str(d, "time")) << " (since " << html(str(d, "since"))
        << "): " << member(d, "open").size() << " open incidents, " << num(raised, "total")
        << " raised, " << member(d, "resolved").size() << " resolved, "
        << member(d, "deficiencies").size() << " open deficiencies.</p>\n";
    out << "<h3>Raised since last</h3><table><tr><th>by kind</th><th>count</th></tr>";
    for (const auto& [k, n] : member(raised, "by_kind").items()) {
      out << "<tr>";
      cells({k, n.dump()});
      out << "</tr>";
    }
    out << "</table><table><tr><th>by zone</th><th>count</th></tr>";
    for (const auto& [z, n] : member(raised, "by_zone").items()) {
      out << "<tr>";
      cells({z, n.dump()});
      out << "</tr>";
    }
    out << "</table>\n<h3>Open incidents</h3><table><tr>";
    cells({"id", "kind", "severity", "zone", "age (h)", "state", "with"}, "th");
    out << "</tr>";
    for (const auto& i : member(d, "open")) {
      out << "<tr>";
      cells({str(i, "id"), str(i, "kind"), str(i, "severity"), str(i, "zone"),
             std::to_string(num(i, "age_s") / 3600), str(i, "state"), str(i, "level_name")});
      out << "</tr>";
    }
    out << "</table>\n<h3>Open deficiencies</h3><table><tr>";
    cells({"id", "kind", "item", "zone", "due", "note"}, "th");
    out << "</tr>";
    for (const auto& i : member(d, "deficiencies")) {
      const bool overdue = member(i, "overdue").is_boolean() && member(i, "overdue").get<bool>();
      out << (overdue ? "<tr class=\"overdue\">" : "<tr>");
      cells({str(i, "id"), str(i, "kind"), str(i, "item"), str(i, "zone"), str(i, "due"),
             str(i, "note")});
      out << "</tr>";
    }
    out << "</table>\n<h3>Resolved since last</h3><table><tr>";
    cells({"id", "kind", "zone", "resolved", "by", "note"}, "th");
    out << "</tr>";
    for (const auto& i : member(d, "resolved")) {
      out << "<tr>";
      cells({str(i, "id"), str(i, "kind"), str(i, "zone"), str(i, "resolved_at"),
             str(i, "resolved_by"), str(i, "note")});
      out << "</tr>";
    }
    out << "</table></section>\n";
  }
  out << "<section class=\"followups\"><h2>Follow-ups</h2><table><tr>";
  cells({"#", "kind", "text", "owner", "due", "status", "recorded", "done"}, "th");
  out << "</tr>\n";
  for (const auto& f : r.followups) {
    const auto status = followup_status(f, r.today);
    out << (status == "overdue" ? "<tr class=\"overdue\">" : "<tr>");
    cells({std::to_string(f.id), f.kind, f.text, f.owner, f.due, status,
           f.created_by + " " + f.created_at,
           f.status == "done" ? f.done_by + " " + f.done_at : std::string{}});
    out << "</tr>\n";
  }
  out << "</table></section>\n</body></html>\n";
  return out.str();
}

}  // namespace vigil::console
