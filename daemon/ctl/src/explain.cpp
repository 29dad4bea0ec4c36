// vigilctl explain PERSON DOOR [TIME]: the first question after a surprising
// denial. Runs the same decide() vigild runs, on the site config and the
// stored roster, and prints the outcome, the rule that decided and why.
#include <algorithm>
#include <iostream>

#include "roster_change.hpp"
#include "time_arg.hpp"
#include "vigil/config/load.hpp"
#include "vigil/core/policy.hpp"
#include "vigil/ctl/commands.hpp"
#include "vigil/journal/journal.hpp"
#include "vigil/journal/people_store.hpp"

namespace vigil::ctl {
namespace {

std::optional<core::CardNumber> card_of(const std::string& text) {
  const auto colon = text.find(':');
  if (colon == std::string::npos) return std::nullopt;
  try {
    std::size_t used = 0;
    const auto facility = std::stoul(text.substr(0, colon), &used);
    if (used != colon) return std::nullopt;
    const auto rest = text.substr(colon + 1);
    const auto number = std::stoull(rest, &used);
    if (used != rest.size()) return std::nullopt;
    return core::CardNumber{static_cast<std::uint32_t>(facility), number};
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

// The card to ask about: the argument itself when it is one, else the
// person's first active unrevoked card (or their first card at all, so an
// inactive person is explained as inactive).
std::optional<core::CardNumber> card_for(const journal::PeopleStore& store, const std::string& who,
                                         std::ostream& err) {
  if (auto card = card_of(who)) return card;
  const auto record = store.find_person(core::PersonId{who});
  if (!record) {
    err << "vigilctl: no person '" << who << "' (give a person id or a card such as 12:1001)\n";
    return std::nullopt;
  }
  if (record->cards.empty()) {
    err << "vigilctl: " << who << " holds no card\n";
    return std::nullopt;
  }
  for (const auto& c : record->cards) {
    if (c.credential.active && !c.revoked) return c.credential.card;
  }
  return record->cards.front().credential.card;
}

// A door id (its `in` reader, or `out` with --out), or a reader id.
core::ReaderId reader_for(const core::Site& site, const std::string& where, bool out) {
  const auto direction = out ? core::Direction::out : core::Direction::in;
  for (const auto& r : site.readers) {
    if (r.door.str() == where && r.direction == direction) return r.id;
  }
  return core::ReaderId{where};
}

}  // namespace

int explain(const ExplainArgs& args, std::ostream& out, std::ostream& err) {
  auto config = config::load_site_config(args.config_path);
  if (!config) {
    err << config::to_string(config.diagnostics());
    return 2;
  }
  const core::Site& site = config.value().site;
  core::TimePoint at = wall_now();
  if (args.time) {
    auto parsed = parse_time_arg(*args.time);
    if (!parsed) {
      err << "vigilctl: cannot read time '" << *args.time
          << "' (use 2026-11-25T10:00:00Z or 2026-11-25)\n";
      return 2;
    }
    at = *parsed;
  }
  const std::string db = args.db_path.value_or(config.value().journal_path);
  if (!database_exists(db, err)) return 2;
  try {
    const journal::PeopleStore store(db);
    const auto card = card_for(store, args.person, err);
    if (!card) return 1;
    const core::PeopleDirectory people = store.load();
    const core::ReaderId reader = reader_for(site, args.door, args.out);
    // The lockdown orders in force and who is inside (from the journal's
    // entry events, as vigild rebuilds it) count; the PIN lockout, in
    // vigild's memory only, does not (docs/policy.md).
    core::AccessState state;
    state.lockdowns = store.lockdowns();
    journal::Filter entries;
    entries.kinds = {core::EventKind::entry};
    for (const auto& e : journal::Journal(db).query(entries)) state.occupancy.observe(e);
    const core::Decision d =
        core::decide(site, people, state, core::AccessRequest{*card, reader, at, {}});

    const auto local = site.time_zone.local(at);
    out << "question  may " << (d.person ? d.person->id().str() : args.person) << " (card "
        << core::to_string(*card) << ") pass reader " << reader.str()
        << (d.zone ? " into " + d.zone->str() : std::string{}) << " at " << core::format_utc(at)
        << " (" << core::format_date(local.date) << " "
        << (local.minute_of_day / 60 < 10 ? "0" : "") << local.minute_of_day / 60 << ":"
        << (local.minute_of_day % 60 < 10 ? "0" : "") << local.minute_of_day % 60 << " "
        << site.time_zone.name() << ")?\n";
    out << "outcome   " << core::to_string(d.outcome) << "\n";
    out << "reason    " << core::to_string(d.reason) << "\n";
    out << "rule      " << core::to_string(d.rule) << " (step " << core::rule_position(d.rule)
        << " of " << core::kRuleSteps << "): " << core::rule_question(d.rule) << "\n";
    if (d.level) out << "level     " << d.level->id.str() << "\n";
    if (!d.attrs.empty()) out << "details   " << core::describe(d.attrs) << "\n";
    if (d.outcome == core::Outcome::wait_for_pin) {
      out << "why       every refusing rule passed and level " << d.level->id.str()
          << " is open now; the door is card + PIN, so it opens once the holder types their PIN "
             "(wrong PINs and the entry time are decided at the keypad)\n";
    } else if (d.outcome == core::Outcome::wait_for_second_person) {
      out << "why       every refusing rule passed and level " << d.level->id.str()
          << " is open now; the zone needs two people, so the door opens when a second, "
             "different authorised person badges here within the window\n";
    } else if (d.granted()) {
      out << "why       every refusing rule passed, and level " << d.level->id.str()
          << " is open now\n";
    } else {
      out << "why       the first rule that refuses decides; no access level can outvote it "
             "(docs/policy.md)\n";
    }
  } catch (const std::exception& e) {
    err << "vigilctl: " << e.what() << "\n";
    return 1;
  }
  return 0;
}

}  // namespace vigil::ctl
