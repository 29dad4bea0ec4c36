// `vigilctl inspect`: the health and deficiency report (issue 9 item 6).
#include <nlohmann/json.hpp>

#include <algorithm>
#include <map>
#include <ostream>

#include "inspection_fold.hpp"
#include "vigil/ctl/command_report.hpp"

namespace vigil::ctl {
namespace {

using namespace inspection_detail;
using nlohmann::ordered_json;

std::string state_of(const core::Deficiency& d) {
  if (d.fixed) return "fixed";
  if (d.cleared) return "cleared";
  return "open";
}

bool overdue_now(const core::Deficiency& d, core::TimePoint now, const core::TimeZone& tz) {
  return d.open() && d.due && now >= tz.start_of(*d.due + 1);
}

ordered_json deficiency_json(const core::Deficiency& d, core::TimePoint now,
                             const core::TimeZone& tz) {
  ordered_json j;
  j["id"] = d.id;
  j["state"] = state_of(d);
  j["open"] = d.open();
  j["kind"] = core::to_string(d.kind);
  j["automatic"] = d.automatic();
  j["item"] = d.item;
  j["zone"] = d.zone ? ordered_json(d.zone->str()) : ordered_json(nullptr);
  j["started"] = core::format_utc(d.started);
  j["cleared"] = d.cleared ? ordered_json(core::format_utc(*d.cleared)) : ordered_json(nullptr);
  j["fixed"] = d.fixed ? ordered_json(core::format_utc(*d.fixed)) : ordered_json(nullptr);
  if (d.fixed) {
    j["fixed_by"] = d.fixed_by;
    j["fix_note"] = d.fix_note;
  }
  j["note"] = d.note;
  if (!d.automatic()) {
    j["unit"] = d.unit;
    j["due"] = d.due ? ordered_json(core::format_date(*d.due)) : ordered_json(nullptr);
    j["found_by"] = d.found_by;
    j["inspection"] = d.inspection;
  }
  j["overdue"] = overdue_now(d, now, tz);
  return j;
}

std::string cell(std::string text, std::size_t width) {
  if (text.size() < width) text.resize(width, ' ');
  return text + " ";
}

}  // namespace

int inspect_report(const InspectionContext& ctx, const InspectArgs& args, std::ostream& out,
                   std::ostream& err) {
  const auto& site = ctx.config->site;
  const auto& tz = site.time_zone;
  std::optional<core::TimePoint> since;
  if (args.since) {
    const auto date = core::parse_date(*args.since);
    if (!date) {
      err << "vigilctl: --since is a date YYYY-MM-DD, got '" << *args.since << "'\n";
      return 2;
    }
    since = tz.start_of(*date);
  }
  std::optional<core::ZoneId> zone;
  if (args.zone) {
    zone = core::ZoneId(*args.zone);
    if (!site.find_zone(*zone)) {
      err << "vigilctl: no zone '" << *args.zone << "' in the site config\n";
      return 2;
    }
  }
  try {
    const journal::Journal journal(ctx.db_path);
    const auto book = read_book(journal, deficiency_rules(*ctx.config));
    // Open ones whenever they started; closed ones that started or closed
    // in the period.
    std::vector<core::Deficiency> shown;
    for (auto& d : book.list()) {
      if (!core::in_scope(site, d, zone)) continue;
      if (since && !d.open() && d.started < *since && *d.closed_at() < *since) continue;
      shown.push_back(std::move(d));
    }
    std::vector<core::Inspection> inspections;
    for (auto& [id, in] : read_inspections(journal)) {
      if (since && in.started < *since && (!in.closed || *in.closed < *since)) continue;
      // A zone's report takes the inspections of it and its nested zones;
      // a site inspection is not one zone's.
      if (zone) {
        const auto scope = core::zone_and_nested(site, *zone);
        if (!in.zone || std::find(scope.begin(), scope.end(), *in.zone) == scope.end()) continue;
      }
      inspections.push_back(std::move(in));
    }
    std::size_t open = 0, overdue = 0;
    std::map<std::string, std::pair<int, int>> by_kind;  // kind -> open, closed
    for (const auto& d : shown) {
      auto& counts = by_kind[core::to_string(d.kind)];
      (d.open() ? counts.first : counts.second)++;
      if (d.open()) ++open;
      if (overdue_now(d, ctx.now, tz)) ++overdue;
    }
    report_rows(shown.size());
    if (args.json) {
      ordered_json j;
      j["generated_at"] = core::format_utc(ctx.now);
      j["site"] = site.id.str();
      j["zone"] = zone ? ordered_json(zone->str()) : ordered_json(nullptr);
      j["since"] = args.since ? ordered_json(*args.since) : ordered_json(nullptr);
      j["summary"] = {{"open", open}, {"closed", shown.size() - open}, {"overdue", overdue}};
      ordered_json kinds = ordered_json::object();
      for (const auto& [kind, counts] : by_kind)
        kinds[kind] = {{"open", counts.first}, {"closed", counts.second}};
      j["summary"]["by_kind"] = kinds;
      j["deficiencies"] = ordered_json::array();
      for (const auto& d : shown) j["deficiencies"].push_back(deficiency_json(d, ctx.now, tz));
      j["inspections"] = ordered_json::array();
      for (const auto& in : inspections) {
        std::size_t ok = 0, deficient = 0;
        for (const auto& item : in.items)
          if (const auto* f = in.finding(item)) (f->ok ? ok : deficient)++;
        j["inspections"].push_back(
            {{"id", in.id},
             {"zone", in.zone ? ordered_json(in.zone->str()) : ordered_json(nullptr)},
             {"started", core::format_utc(in.started)},
             {"started_by", in.started_by},
             {"closed",
              in.closed ? ordered_json(core::format_utc(*in.closed)) : ordered_json(nullptr)},
             {"items", in.items.size()},
             {"ok", ok},
             {"deficient", deficient},
             {"unchecked", in.unchecked()}});
      }
      out << j.dump(2) << "\n";
      return 0;
    }
    out << "Health of " << (zone ? "zone " + zone->str() : "site " + site.id.str())
        << (args.since ? " since " + *args.since : std::string()) << ": " << open
        << " open deficiencies (" << overdue << " overdue), " << shown.size() - open << " closed\n";
    for (const auto& [kind, counts] : by_kind)
      out << "  " << cell(kind, 14) << counts.first << " open, " << counts.second << " closed\n";
    out << "\n"
        << cell("ID", 6) << cell("STATE", 8) << cell("KIND", 14) << cell("ITEM", 22)
        << cell("ZONE", 12) << cell("STARTED", 27) << cell("CLOSED", 27) << cell("DUE", 11)
        << cell("UNIT", 12) << "NOTE\n";
    for (const auto& d : shown) {
      const auto closed = d.closed_at();
      out << cell(std::to_string(d.id), 6)
          << cell(state_of(d) + (overdue_now(d, ctx.now, tz) ? "!" : ""), 8)
          << cell(core::to_string(d.kind), 14) << cell(d.item, 22)
          << cell(d.zone ? d.zone->str() : "-", 12) << cell(core::format_utc(d.started), 27)
          << cell(closed ? core::format_utc(*closed) : "-", 27)
          << cell(d.due ? core::format_date(*d.due) : "-", 11)
          << cell(d.unit.empty() ? "-" : d.unit, 12) << (d.fixed ? d.fix_note : d.note) << "\n";
    }
    if (!inspections.empty()) out << "\nInspections:\n";
    for (const auto& in : inspections) {
      out << "  " << in.id << "  " << (in.zone ? in.zone->str() : "site") << "  started "
          << core::format_utc(in.started) << " by " << in.started_by << "  "
          << (in.closed ? "closed " + core::format_utc(*in.closed) : std::string("open")) << "  "
          << in.items.size() - in.unchecked() << "/" << in.items.size() << " checked\n";
    }
  } catch (const std::exception& e) {
    err << "vigilctl: " << e.what() << "\n";
    return 1;
  }
  return 0;
}

}  // namespace vigil::ctl
