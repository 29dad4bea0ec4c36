#include "vigil/ctl/inspection_commands.hpp"

#include <algorithm>
#include <ostream>
#include <stdexcept>

#include "inspection_fold.hpp"
#include "vigil/ctl/command_report.hpp"

namespace vigil::ctl {
namespace {

using namespace inspection_detail;

// Refused inside a write transaction: nothing is written, the message says why.
struct Refused : std::runtime_error {
  using std::runtime_error::runtime_error;
};

core::Event make(core::EventKind kind, const InspectionContext& ctx) {
  core::Event e;
  e.kind = kind;
  e.time = ctx.now;
  core::set_attr(e.attrs, "operator", ctx.operator_name);
  return e;
}

// Runs `body`, turning refusals and journal errors into exit codes.
template <class Body>
int guarded(std::ostream& err, Body body) {
  try {
    return body();
  } catch (const Refused& r) {
    err << "vigilctl: " << r.what() << "\n";
    return 1;
  } catch (const std::exception& e) {
    err << "vigilctl: " << e.what() << "\n";
    return 1;
  }
}

// The opening of every command on one inspection or deficiency: `text`
// parsed as its number (exit 2 and why on err if it is none), then
// `body(id)` guarded. Overdue deficiencies are vigild's to raise (its
// periodic check), not the commands'.
template <class Body>
int with_id(const std::string& text, const char* what, std::ostream& err, Body body) {
  const auto id = parse_id(text);
  if (!id) {
    err << "vigilctl: '" << text << "' is not " << what << " number\n";
    return 2;
  }
  return guarded(err, [&] { return body(*id); });
}

// The inspection `id` as the journal has it now, open, or a refusal.
core::Inspection open_inspection(const journal::Journal& journal, std::uint64_t id) {
  const auto all = read_inspections(journal);
  auto it = all.find(id);
  if (it == all.end()) throw Refused("no inspection " + std::to_string(id) + " in this journal");
  if (it->second.closed)
    throw Refused("inspection " + std::to_string(id) + " was closed at " +
                  core::format_utc(*it->second.closed) + " by " + it->second.closed_by);
  return it->second;
}

std::optional<std::uint64_t> deficiency_item(const std::string& item) {
  if (!item.starts_with("deficiency:")) return std::nullopt;
  return parse_id(item.substr(11));
}

}  // namespace

core::DeficiencyRules deficiency_rules(const config::SiteConfig& config) {
  core::DeficiencyRules rules;
  rules.item_zones = core::item_zones(config.site, config.alarm_zones);
  rules.read_errors = config.read_error_rate;
  return rules;
}

std::size_t raise_overdue_deficiencies(const InspectionContext& ctx) {
  journal::Journal journal(ctx.db_path);
  const auto rules = deficiency_rules(*ctx.config);
  const auto& tz = ctx.config->site.time_zone;
  // Only findings fall due: their three kinds decide (every access event of
  // the journal, read each minute, did not change the answer).
  const journal::Filter overdue_kinds{.kinds = core::overdue_event_kinds()};
  core::DeficiencyBook book(rules);
  for (const auto& e : journal.query(overdue_kinds)) book.apply(e);
  auto due = book.overdue(ctx.now, tz);
  if (due.empty()) return 0;
  std::vector<core::Event> events;
  for (const auto& d : due) events.push_back(core::overdue_event(d, ctx.now));
  // Another caller may have raised some since we read: the book as of
  // inside the transaction decides, and a race costs one retry.
  journal.append(events, [&](journal::sqlite::Database&) {
    core::DeficiencyBook now(rules);
    for (const auto& e : journal.query(overdue_kinds))
      if (e.seq < events.front().seq) now.apply(e);
    if (now.overdue(ctx.now, tz).size() != events.size())
      throw Refused("deficiencies changed while raising overdue ones; try again");
  });
  return events.size();
}

int inspection_start(const InspectionContext& ctx, const std::optional<std::string>& zone,
                     std::ostream& out, std::ostream& err) {
  const auto& site = ctx.config->site;
  std::optional<core::ZoneId> scope;
  if (zone) {
    scope = core::ZoneId(*zone);
    if (!site.find_zone(*scope)) {
      err << "vigilctl: no zone '" << *zone << "' in the site config\n";
      return 2;
    }
  }
  return guarded(err, [&] {
    journal::Journal journal(ctx.db_path);
    const auto book = read_book(journal, deficiency_rules(*ctx.config));
    const auto list =
        core::inspection_checklist(site, ctx.config->alarm_zones, ctx.config->fire, scope, book);
    std::vector<std::string> items, carried;
    for (const auto& i : list) {
      items.push_back(i.item);
      if (i.item.starts_with("deficiency:")) carried.push_back(i.item.substr(11));
    }
    std::vector<core::Event> events{make(core::EventKind::inspection_started, ctx)};
    auto& e = events.front();
    e.zone = scope;
    core::set_attr(e.attrs, "scope", std::string(scope ? "zone" : "site"));
    core::set_attr(e.attrs, "items", core::join_items(items));
    std::string carried_text;
    for (const auto& c : carried) carried_text += (carried_text.empty() ? "" : ",") + c;
    if (!carried_text.empty()) core::set_attr(e.attrs, "carried", carried_text);
    e.detail = std::to_string(items.size()) + " items";
    journal.append(events);
    out << "inspection " << e.seq << " of " << (scope ? "zone " + scope->str() : "the site")
        << " started by " << ctx.operator_name << ": " << items.size() << " items, "
        << carried.size() << " open deficiencies first\n";
    for (const auto& i : list) out << "  " << i.item << "  " << i.what << "\n";
    out << "record each: vigilctl inspection record " << e.seq
        << " ITEM ok|deficiency [--note N --unit U --due YYYY-MM-DD]\n";
    report_rows(items.size());
    return 0;
  });
}

int inspection_record(const InspectionContext& ctx, const FindingArgs& args, std::ostream& out,
                      std::ostream& err) {
  return with_id(args.inspection, "an inspection", err, [&](std::uint64_t id) {
    if (args.result != "ok" && args.result != "deficiency") {
      err << "vigilctl: the result is ok or deficiency, got '" << args.result << "'\n";
      return 2;
    }
    const auto carried = deficiency_item(args.item);
    const bool deficiency = args.result == "deficiency";
    std::optional<core::LocalDate> due;
    if (args.due) {
      due = core::parse_date(*args.due);
      if (!due) {
        err << "vigilctl: --due is a date YYYY-MM-DD, got '" << *args.due << "'\n";
        return 2;
      }
    }
    if (carried && args.note.empty()) {
      err << "vigilctl: " << args.item << " needs --note: what was done, or why it is still open\n";
      return 2;
    }
    if (!carried && deficiency && (args.note.empty() || args.unit.empty() || !due)) {
      err << "vigilctl: a deficiency needs --note (what is wrong), --unit (who fixes it) and "
             "--due YYYY-MM-DD\n";
      return 2;
    }
    journal::Journal journal(ctx.db_path);
    const auto rules = deficiency_rules(*ctx.config);
    const auto inspection = open_inspection(journal, id);
    if (std::find(inspection.items.begin(), inspection.items.end(), args.item) ==
        inspection.items.end())
      throw Refused("'" + args.item + "' is not on inspection " + std::to_string(id) +
                    "'s checklist (vigilctl inspection show " + std::to_string(id) + ")");
    std::vector<core::Event> events{make(core::EventKind::inspection_finding, ctx)};
    events.reserve(2);  // `f` must survive the push_back of a fix below
    auto& f = events.front();
    f.zone = inspection.zone;
    if (auto it = rules.item_zones.find(args.item); it != rules.item_zones.end())
      f.zone = it->second;
    core::set_attr(f.attrs, "inspection", static_cast<std::int64_t>(id));
    core::set_attr(f.attrs, "item", args.item);
    // A carried deficiency found still open is not a new deficiency.
    core::set_attr(f.attrs, "result",
                   std::string(carried && deficiency ? "still_open" : args.result));
    if (!args.note.empty()) core::set_attr(f.attrs, "note", args.note);
    if (!args.unit.empty()) core::set_attr(f.attrs, "unit", args.unit);
    if (due) core::set_attr(f.attrs, "due", core::format_date(*due));
    if (carried && !deficiency) {
      const auto book = read_book(journal, rules);
      const core::Deficiency* d = book.find(*carried);
      if (!d || !d->open())
        throw Refused("deficiency " + std::to_string(*carried) + " is not open");
      core::Event fix = make(core::EventKind::deficiency_fixed, ctx);
      fix.zone = d->zone;
      core::set_attr(fix.attrs, "deficiency", static_cast<std::int64_t>(*carried));
      core::set_attr(fix.attrs, "inspection", static_cast<std::int64_t>(id));
      core::set_attr(fix.attrs, "note", args.note);
      events.push_back(std::move(fix));
    }
    journal.append(events, [&](journal::sqlite::Database&) {
      // Closed, or the deficiency fixed, by someone else since we read?
      const auto now = read_inspections(journal);
      if (now.at(id).closed) throw Refused("inspection " + std::to_string(id) + " was closed");
      if (events.size() > 1) {
        core::DeficiencyBook book(rules);
        for (const auto& e : journal.query({.kinds = core::deficiency_event_kinds()}))
          if (e.seq < events.front().seq) book.apply(e);
        if (!book.find(*carried)->open())
          throw Refused("deficiency " + std::to_string(*carried) + " was closed meanwhile");
      }
    });
    out << "inspection " << id << ": " << args.item << " "
        << core::attr_text(f.attrs, "result").value_or("");
    if (deficiency && !carried)
      out << " recorded as deficiency " << f.seq << " (unit " << args.unit << ", due " << *args.due
          << ")";
    if (events.size() > 1) out << "; deficiency " << *carried << " fixed";
    out << "\n";
    return 0;
  });
}

int inspection_close(const InspectionContext& ctx, const std::string& text, std::ostream& out,
                     std::ostream& err) {
  return with_id(text, "an inspection", err, [&](std::uint64_t id) {
    journal::Journal journal(ctx.db_path);
    const auto inspection = open_inspection(journal, id);
    std::size_t ok = 0, deficient = 0;
    std::vector<std::string> unchecked;
    for (const auto& item : inspection.items) {
      const core::Finding* f = inspection.finding(item);
      if (!f)
        unchecked.push_back(item);
      else if (f->ok)
        ++ok;
      else
        ++deficient;
    }
    std::vector<core::Event> events{make(core::EventKind::inspection_closed, ctx)};
    auto& e = events.front();
    e.zone = inspection.zone;
    core::set_attr(e.attrs, "inspection", static_cast<std::int64_t>(id));
    core::set_attr(e.attrs, "ok", static_cast<std::int64_t>(ok));
    core::set_attr(e.attrs, "deficiencies", static_cast<std::int64_t>(deficient));
    core::set_attr(e.attrs, "unchecked", static_cast<std::int64_t>(unchecked.size()));
    journal.append(events, [&](journal::sqlite::Database&) {
      auto before = journal.query({.kinds = core::inspection_event_kinds()});
      std::erase_if(before, [&](const core::Event& ev) { return ev.seq >= e.seq; });
      if (core::inspections_from(before).at(id).closed)
        throw Refused("inspection " + std::to_string(id) + " was closed meanwhile");
    });
    out << "inspection " << id << " closed by " << ctx.operator_name << ": " << ok << " ok, "
        << deficient << " deficient, " << unchecked.size() << " not checked\n";
    for (const auto& item : unchecked) out << "  not checked: " << item << "\n";
    return 0;
  });
}

int inspection_show(const InspectionContext& ctx, const std::string& text, std::ostream& out,
                    std::ostream& err) {
  return with_id(text, "an inspection", err, [&](std::uint64_t id) {
    journal::Journal journal(ctx.db_path);
    const auto all = read_inspections(journal);
    auto it = all.find(id);
    if (it == all.end()) throw Refused("no inspection " + std::to_string(id));
    const auto& in = it->second;
    out << "inspection " << in.id << " of " << (in.zone ? "zone " + in.zone->str() : "the site")
        << ", started " << core::format_utc(in.started) << " by " << in.started_by;
    if (in.closed) out << ", closed " << core::format_utc(*in.closed) << " by " << in.closed_by;
    out << "\n";
    for (const auto& item : in.items) {
      const core::Finding* f = in.finding(item);
      out << "  " << item << "  ";
      if (!f) {
        out << "-";
      } else {
        out << (f->ok ? "ok" : "deficiency " + std::to_string(f->seq));
        if (!f->note.empty()) out << ": " << f->note;
      }
      out << "\n";
    }
    report_rows(in.items.size());
    return 0;
  });
}

int deficiency_fix(const InspectionContext& ctx, const std::string& text, const std::string& note,
                   std::ostream& out, std::ostream& err) {
  return with_id(text, "a deficiency", err, [&](std::uint64_t id) {
    if (note.empty()) {
      err << "vigilctl: a fix needs --note saying what was done\n";
      return 2;
    }
    journal::Journal journal(ctx.db_path);
    const auto rules = deficiency_rules(*ctx.config);
    const auto book = read_book(journal, rules);
    const core::Deficiency* d = book.find(id);
    if (!d) throw Refused("no deficiency " + std::to_string(id) + " (vigilctl inspect lists them)");
    if (!d->open()) throw Refused("deficiency " + std::to_string(id) + " is closed already");
    std::vector<core::Event> events{make(core::EventKind::deficiency_fixed, ctx)};
    auto& e = events.front();
    e.zone = d->zone;
    core::set_attr(e.attrs, "deficiency", static_cast<std::int64_t>(id));
    core::set_attr(e.attrs, "item", d->item);
    core::set_attr(e.attrs, "note", note);
    journal.append(events, [&](journal::sqlite::Database&) {
      core::DeficiencyBook now(rules);
      for (const auto& ev : journal.query({.kinds = core::deficiency_event_kinds()}))
        if (ev.seq < e.seq) now.apply(ev);
      if (!now.find(id)->open())
        throw Refused("deficiency " + std::to_string(id) + " was closed meanwhile");
    });
    out << "deficiency " << id << " (" << d->item << ") fixed by " << ctx.operator_name << "\n";
    return 0;
  });
}

}  // namespace vigil::ctl
