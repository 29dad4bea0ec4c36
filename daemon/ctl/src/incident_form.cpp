// vigilctl incident show|form: the notification-form record of one
// incident: what, where, when, who, what was done (every journalled action
// in order) and the escalation chain with each level's acknowledgement.
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "incident_text.hpp"
#include "vigil/ctl/incident_commands.hpp"

namespace vigil::ctl {
namespace {

using Json = nlohmann::ordered_json;  // the form's order: what, where, when, who, done, chain

std::string where(const core::Event& e) {
  std::string s;
  auto add = [&](const char* what, const std::string& id) {
    if (!s.empty()) s += ", ";
    s += std::string(what) + " " + id;
  };
  if (e.zone) add("zone", e.zone->str());
  if (e.door) add("door", e.door->str());
  if (e.reader) add("reader", e.reader->str());
  if (e.device) add("device", e.device->str());
  return s.empty() ? "site" : s;
}

// One action of the lifecycle, in the order it happened.
struct Done {
  core::TimePoint at;
  std::uint64_t seq = 0;
  std::string action, by, level_name, note;
  int level = 1;
};

std::vector<Done> what_was_done(const core::IncidentLifecycle& l) {
  std::vector<Done> done;
  for (const auto& step : l.chain) {
    if (step.seq != 0)
      done.push_back({step.reached_at, step.seq, "escalated", step.escalated_by, step.name,
                      step.note, step.level});
    if (step.acknowledged)
      done.push_back({step.acknowledged->at, step.acknowledged->seq, "acknowledged",
                      step.acknowledged->by, step.name, "", step.level});
  }
  if (l.resolution) {
    const auto& r = *l.resolution;
    done.push_back({r.at, r.seq, "resolved", r.by, l.current().name, r.note, r.level});
  }
  std::sort(done.begin(), done.end(), [](const Done& a, const Done& b) { return a.seq < b.seq; });
  return done;
}

std::string reporter(const journal::IncidentRecord& r) {
  if (r.incident.event.kind != core::EventKind::incident_reported) return {};
  return core::attr_text(r.incident.event.attrs, "operator").value_or("");
}

}  // namespace

std::string incident_line(const journal::IncidentRecord& r) {
  const auto& e = r.incident.event;
  const auto& level = r.lifecycle.current();
  return "#" + std::to_string(r.id()) + "  " + core::to_string(r.lifecycle.state()) + "  L" +
         std::to_string(level.level) + " " + level.name + "  " +
         core::to_string(r.incident.severity) + "  " + core::to_string(r.incident.kind) + "  " +
         (e.zone ? "zone " + e.zone->str() : std::string("site")) + "  " +
         core::format_utc(e.time) + "  " + r.incident.summary;
}

std::string form_text(const journal::IncidentRecord& r,
                      const std::vector<std::string>& escalation) {
  const auto& e = r.incident.event;
  const auto& l = r.lifecycle;
  std::ostringstream s;
  s << "Incident notification form: incident #" << r.id() << "\n";
  s << "What:   " << core::to_string(r.incident.kind) << " ("
    << core::to_string(r.incident.severity) << "): " << r.incident.summary << "\n";
  s << "Where:  " << where(e) << "\n";
  s << "When:   " << core::format_utc(e.time) << " (journal event #" << e.seq << " "
    << core::to_string(e.kind) << ")\n";
  s << "Who:    " << (e.person ? "person " + e.person->str() : std::string("no person named"));
  if (const auto by = reporter(r); !by.empty()) s << "; reported by " << by;
  s << "\n";
  s << "State:  " << core::to_string(l.state()) << " at level " << l.current().level << " ("
    << l.current().name << ")\n";
  s << "What was done:\n";
  const auto done = what_was_done(l);
  if (done.empty()) s << "  nothing yet\n";
  for (const auto& d : done) {
    s << "  " << core::format_utc(d.at) << "  " << d.action << " by " << d.by
      << (d.action == "escalated" ? " to" : " at") << " level " << d.level << " (" << d.level_name
      << ")" << (d.note.empty() ? "" : ": " + d.note) << "   [#" << d.seq << "]\n";
  }
  s << "Escalation chain:\n";
  for (const auto& step : l.chain) {
    s << "  " << step.level << ". " << step.name << "  reached "
      << core::format_utc(step.reached_at)
      << (step.escalated_by.empty() ? " (opened)" : " (escalated by " + step.escalated_by + ")")
      << "  "
      << (step.acknowledged ? "acknowledged by " + step.acknowledged->by + " at " +
                                  core::format_utc(step.acknowledged->at)
                            : std::string("not acknowledged"))
      << "\n";
  }
  for (auto level = l.chain.size() + 1; level <= escalation.size(); ++level) {
    s << "  " << level << ". " << escalation[level - 1] << "  not reached\n";
  }
  if (l.resolution) {
    s << "Resolution: by " << l.resolution->by << " at " << core::format_utc(l.resolution->at)
      << ": " << l.resolution->note << "\n";
  }
  return s.str();
}

std::string form_json(const journal::IncidentRecord& r,
                      const std::vector<std::string>& escalation) {
  const auto& e = r.incident.event;
  const auto& l = r.lifecycle;
  Json j;
  j["form"] = "incident-notification";
  j["v"] = 1;
  j["incident"] = r.id();
  j["state"] = core::to_string(l.state());
  j["what"] = {{"kind", core::to_string(r.incident.kind)},
               {"severity", core::to_string(r.incident.severity)},
               {"summary", r.incident.summary},
               {"event", core::to_string(e.kind)}};
  if (auto anomaly = core::attr_text(e.attrs, "anomaly")) j["what"]["anomaly"] = *anomaly;
  if (auto note = core::attr_text(e.attrs, "note")) j["what"]["note"] = *note;
  Json at = Json::object();
  if (e.zone) at["zone"] = e.zone->str();
  if (e.door) at["door"] = e.door->str();
  if (e.reader) at["reader"] = e.reader->str();
  if (e.device) at["device"] = e.device->str();
  j["where"] = at;
  j["when"] = {{"time", core::format_utc(e.time)}, {"seq", e.seq}};
  Json who = Json::object();
  if (e.person) who["person"] = e.person->str();
  if (const auto by = reporter(r); !by.empty()) who["reported_by"] = by;
  j["who"] = who;
  Json done = Json::array();
  for (const auto& d : what_was_done(l)) {
    Json item{{"action", d.action}, {"by", d.by},       {"at", core::format_utc(d.at)},
              {"seq", d.seq},       {"level", d.level}, {"level_name", d.level_name}};
    if (!d.note.empty()) item["note"] = d.note;
    done.push_back(std::move(item));
  }
  j["done"] = done;
  Json chain = Json::array();
  for (const auto& step : l.chain) {
    Json item{{"level", step.level},
              {"name", step.name},
              {"reached", true},
              {"reached_at", core::format_utc(step.reached_at)}};
    if (!step.escalated_by.empty()) item["escalated_by"] = step.escalated_by;
    if (!step.note.empty()) item["note"] = step.note;
    if (step.acknowledged) {
      item["acknowledged"] = {{"by", step.acknowledged->by},
                              {"at", core::format_utc(step.acknowledged->at)},
                              {"seq", step.acknowledged->seq}};
    } else {
      item["acknowledged"] = nullptr;
    }
    chain.push_back(std::move(item));
  }
  for (auto level = l.chain.size() + 1; level <= escalation.size(); ++level) {
    chain.push_back({{"level", level}, {"name", escalation[level - 1]}, {"reached", false}});
  }
  j["escalation"] = chain;
  if (l.resolution) {
    j["resolution"] = {{"by", l.resolution->by},
                       {"at", core::format_utc(l.resolution->at)},
                       {"note", l.resolution->note},
                       {"level", l.resolution->level},
                       {"seq", l.resolution->seq}};
  }
  return j.dump(2) + "\n";
}

int incident_show(const IncidentContext& ctx, const std::string& id, std::ostream& out,
                  std::ostream& err) {
  return incident_form(ctx, id, false, out, err);
}

int incident_form(const IncidentContext& ctx, const std::string& id_text, bool json,
                  std::ostream& out, std::ostream& err) {
  const auto id = parse_incident_id(id_text, err);
  if (!id) return 2;
  std::error_code ec;
  if (!std::filesystem::exists(ctx.db_path, ec)) {
    err << "vigilctl: no database at " << ctx.db_path << "\n";
    return 2;
  }
  try {
    journal::IncidentLog log(ctx.db_path, ctx.operator_name,
                             journal::IncidentLogOptions{ctx.rules, ctx.door_zones});
    const auto record = log.find(*id);
    if (!record) {
      err << "vigilctl: no incident " << *id << " (`vigilctl incident list` shows them)\n";
      return 1;
    }
    out << (json ? form_json(*record, log.escalation()) : form_text(*record, log.escalation()));
    return 0;
  } catch (const std::exception& e) {
    err << "vigilctl: " << e.what() << "\n";
    return 1;
  }
}

}  // namespace vigil::ctl
