#include "roster_plan.hpp"

#include "vigil/journal/attrs_codec.hpp"

#include <algorithm>
#include <memory>
#include <string_view>
#include <unordered_set>
#include <utility>

namespace vigil::journal {

void refuse(const std::string& why) {
  throw JournalError("roster change refused, nothing changed: " + why, 0);
}

// Builds the events and rows of one import, person by person.
class ImportPlanner {
  // A listed card and its holder's id. The listed cards of each person are
  // kept sorted by holder: a map of vectors cost two allocations a row on
  // each of the two reads of a large file.
  using CardOf = std::pair<std::string_view, const core::Credential*>;

 public:
  ImportPlanner(const StoredRoster& stored, const RosterFile& file, const ChangeContext& context,
                const FileIndex* index = nullptr, bool counting_only = false)
      : stored_(stored),
        file_(file),
        context_(context),
        index_(index),
        counting_only_(counting_only) {
    plan_.based_on_version = stored.version;
    for (const auto& [card, credential] : stored.credentials) {
      stored_cards_of_[credential.person].push_back(card);
    }
    for (auto& [person, cards] : stored_cards_of_) std::sort(cards.begin(), cards.end());
  }

  // Streaming (index set): the rows in order, a batch at a time;
  // credentials[i] is people[i]'s card. The plan so far is take()n after
  // each batch.
  void plan_rows(std::span<const core::Person> people,
                 std::span<const core::Credential> credentials) {
    cards_of_.clear();
    cards_of_.reserve(people.size());
    for (std::size_t i = 0; i < people.size(); ++i) {
      const auto& credential = credentials[i];
      if (people[i].id.empty()) refuse("a person has an empty id");
      if (credential.person != people[i].id) refuse("a row's card names another person");
      if (stored_.revoked.contains(credential.card)) {
        refuse("card " + core::to_string(credential.card) + " (listed for '" +
               credential.person.str() +
               "') was revoked, and a revoked card is never enrolled again");
      }
      cards_of_.emplace_back(credential.person.str(), &credential);
    }
    sort_cards_of();
    for (const auto& person : people) plan_person(person);
  }
  // After the last batch: --replace deactivates the stored people not listed.
  void finish_rows() {
    if (file_.replace) deactivate_absent();
  }
  RosterPlan take() {
    RosterPlan next;
    if (!spare_.empty()) {
      next = std::move(spare_.back());
      spare_.pop_back();
      empty_keeping_buffers(next);
    }
    next.based_on_version = stored_.version;
    return std::exchange(plan_, std::move(next));
  }
  void leave_added_people_out() { added_people_left_out_ = true; }
  void recycle(RosterPlan&& spent) {
    if (spare_.size() < kSparePlans) spare_.push_back(std::move(spent));
  }
  // Counts `rows` new people with one card each without reading them: what
  // the counting read finds when nothing is stored (StreamPlanner).
  void count_all_new(std::int64_t rows) {
    added_ += rows;
    cards_added_ += rows;
  }
  core::Event summary(std::int64_t rows) const {
    auto event = roster_event(core::EventKind::roster_imported, context_);
    summarise(event, rows);
    return event;
  }

  RosterPlan plan() {
    validate();
    plan_.events.push_back(roster_event(core::EventKind::roster_imported, context_));
    for (const auto& person : file_.people) plan_person(person);
    plan_cards_of_unlisted_people();
    if (file_.replace) deactivate_absent();
    summarise(plan_.events.front(), static_cast<std::int64_t>(file_.people.size()));
    return std::move(plan_);
  }

 private:
  void validate() {
    // A header-only sheet (an export gone wrong) would lock everyone out.
    if (file_.replace && file_.people.empty()) {
      refuse("a --replace import of a file without people would deactivate everyone");
    }
    for (const auto& person : file_.people) {
      if (person.id.empty()) refuse("a person has an empty id");
      listed_.insert(person.id);
    }
    for (const auto& credential : file_.credentials) {
      const auto card = core::to_string(credential.card);
      if (!listed_.contains(credential.person) && !stored_.people.contains(credential.person)) {
        refuse("credential " + card + " names unknown person '" + credential.person.str() + "'");
      }
      if (stored_.revoked.contains(credential.card)) {
        refuse("card " + card + " (listed for '" + credential.person.str() +
               "') was revoked, and a revoked card is never enrolled again");
      }
      if (auto [it, fresh] = card_holder_.emplace(credential.card, credential.person); !fresh) {
        refuse("card " + card + " is listed twice");
      }
      cards_of_.emplace_back(credential.person.str(), &credential);
    }
    sort_cards_of();
  }

  void plan_person(const core::Person& listed) {
    auto stored = stored_.people.find(listed.id);
    if (stored == stored_.people.end()) {
      plan_new_person(listed);
      return;
    }
    core::Person person = listed;
    if (!file_.sets_clearance) person.clearance = stored->second.clearance;
    const auto& before = stored->second;
    auto event = person_event(core::EventKind::person_changed, person.id);
    if (before.name != person.name) {
      core::set_attr(event.attrs, "name_before", before.name);
      core::set_attr(event.attrs, "name_after", person.name);
    }
    if (before.access_levels != person.access_levels) {
      core::set_attr(event.attrs, "levels_before", levels_text(before.access_levels));
      core::set_attr(event.attrs, "levels_after", levels_text(person.access_levels));
    }
    if (before.clearance != person.clearance) {
      core::set_attr(event.attrs, "clearance_before", clearance_text(before.clearance));
      core::set_attr(event.attrs, "clearance_after", clearance_text(person.clearance));
    }
    const bool changed = event.attrs.size() > 1;  // more than the operator
    if (changed) {
      plan_.events.push_back(std::move(event));
      ++changed_;
    }
    const bool activity_changed = before.active != person.active;
    if (activity_changed) {
      plan_.events.push_back(person_event(
          person.active ? core::EventKind::person_activated : core::EventKind::person_deactivated,
          person.id));
      ++(person.active ? activated_ : deactivated_);
    }
    if (changed || activity_changed) plan_.people.push_back(person);
    const auto listed_cards = listed_cards_of(person.id);
    if (listed_cards.empty()) return;  // no cards listed: theirs stay as they are
    for (const auto& [holder, credential] : listed_cards) {
      plan_card(*credential, person, activity_changed);
    }
    revoke_replaced_cards(person.id);
  }

  // A new person is ONE person_added carrying their first listed card (the
  // lead's decision, issue 8 measures): half the chained events of an
  // import of new people. Further cards (API only) stay credential_added.
  void plan_new_person(const core::Person& listed) {
    const auto listed_cards = listed_cards_of(listed.id);
    const core::Credential* first = nullptr;
    if (!listed_cards.empty()) {
      first = listed_cards.front().second;
      revoke_from_other_holder(*first);
    }
    if (counting_only_ && listed_cards.size() <= 1) {
      // The stream's first read only counts (roster_imported comes first in
      // the chain): the bulk of a first import, a new person with one
      // card, is counted without building the event it would drop.
      ++added_;
      if (first != nullptr) ++cards_added_;
      return;
    }
    auto event = person_event(core::EventKind::person_added, listed.id);
    core::set_attr(event.attrs, "name", listed.name);
    core::set_attr(event.attrs, "levels", levels_text(listed.access_levels));
    core::set_attr(event.attrs, "active", listed.active);
    if (listed.clearance.level != core::ClearanceLevel::none) {
      core::set_attr(event.attrs, "clearance", clearance_text(listed.clearance));
    }
    bool card_stored = false;
    if (first != nullptr) {
      event.card = first->card;
      set_card_attrs(event, *first, "card_active");
      card_stored = stored_.credentials.contains(first->card);
    }
    plan_.events.push_back(std::move(event));
    const core::Person& person =
        added_people_left_out_ ? listed : plan_.added_people.emplace_back(listed);
    ++added_;
    if (first == nullptr) return;
    (card_stored ? plan_.credentials : plan_.added_credentials).push_back(*first);
    ++cards_added_;
    for (const auto& [holder, credential] : listed_cards.subspan(1)) {
      plan_card(*credential, person, false);
    }
  }

  // The card's active flag (under `active_key`) and validity, as
  // credential_added and person_added carry them.
  static void set_card_attrs(core::Event& event, const core::Credential& credential,
                             const char* active_key) {
    core::set_attr(event.attrs, active_key, credential.active);
    if (credential.valid_from) {
      core::set_attr(event.attrs, "valid_from", time_text(credential.valid_from));
    }
    if (credential.valid_until) {
      core::set_attr(event.attrs, "valid_until", time_text(credential.valid_until));
    }
  }

  // A card that was someone else's leaves them, and their record says so.
  void revoke_from_other_holder(const core::Credential& credential) {
    auto stored = stored_.credentials.find(credential.card);
    if (stored == stored_.credentials.end() || stored->second.person == credential.person) return;
    auto event = person_event(core::EventKind::credential_revoked, stored->second.person);
    event.card = credential.card;
    core::set_attr(event.attrs, "reason", std::string{"reassigned"});
    core::set_attr(event.attrs, "to", credential.person.str());
    plan_.events.push_back(std::move(event));
    ++revoked_;
  }

  void plan_card(const core::Credential& credential, const core::Person& person,
                 bool activity_changed) {
    auto stored = stored_.credentials.find(credential.card);
    if (stored != stored_.credentials.end() && stored->second.person == credential.person) {
      const auto& before = stored->second;
      auto event = person_event(core::EventKind::person_changed, person.id);
      event.card = credential.card;
      if (before.valid_from != credential.valid_from) {
        core::set_attr(event.attrs, "valid_from_before", time_text(before.valid_from));
        core::set_attr(event.attrs, "valid_from_after", time_text(credential.valid_from));
      }
      if (before.valid_until != credential.valid_until) {
        core::set_attr(event.attrs, "valid_until_before", time_text(before.valid_until));
        core::set_attr(event.attrs, "valid_until_after", time_text(credential.valid_until));
      }
      // A card's flag that follows its person's is recorded by the person's
      // (de)activation; only a card that changes on its own gets its own line.
      const bool follows_person = activity_changed && credential.active == person.active;
      if (before.active != credential.active && !follows_person) {
        core::set_attr(event.attrs, "card_active_before", before.active);
        core::set_attr(event.attrs, "card_active_after", credential.active);
      }
      const bool recorded = event.attrs.size() > 1;
      if (recorded) plan_.events.push_back(std::move(event));
      if (recorded || before.active != credential.active) plan_.credentials.push_back(credential);
      return;
    }
    revoke_from_other_holder(credential);
    auto event = person_event(core::EventKind::credential_added, credential.person);
    event.card = credential.card;
    set_card_attrs(event, credential, "active");
    plan_.events.push_back(std::move(event));
    plan_.credentials.push_back(credential);
    ++cards_added_;
  }

  // Cards for stored people the file does not list (possible through the
  // API, never from a CSV, where every row is a person): added or updated,
  // and their other cards left alone.
  void plan_cards_of_unlisted_people() {
    for (const auto& credential : file_.credentials) {
      if (listed_.contains(credential.person)) continue;
      plan_card(credential, stored_.people.at(credential.person), false);
    }
  }

  // The file names a listed person's cards: any other card they hold was
  // replaced, and a replaced card is revoked for good (it may be lost).
  void revoke_replaced_cards(const core::PersonId& person) {
    auto held = stored_cards_of_.find(person);
    if (held == stored_cards_of_.end()) return;
    for (const auto& card : held->second) {
      if (card_listed(card) || stored_.revoked.contains(card)) continue;
      auto credential = stored_.credentials.at(card);
      auto event = person_event(core::EventKind::credential_revoked, person);
      event.card = card;
      core::set_attr(event.attrs, "reason", std::string{"replaced"});
      plan_.events.push_back(std::move(event));
      credential.active = false;
      plan_.credentials.push_back(credential);
      plan_.revocations.push_back({card, person, "replaced"});
      ++revoked_;
    }
  }

  void deactivate_absent() {
    std::vector<const core::Person*> absent;
    for (const auto& [id, person] : stored_.people) {
      if (person.active && !listed(id)) absent.push_back(&person);
    }
    std::sort(absent.begin(), absent.end(),
              [](const auto* a, const auto* b) { return a->id.str() < b->id.str(); });
    for (const auto* person : absent) {
      auto event = person_event(core::EventKind::person_deactivated, person->id);
      core::set_attr(event.attrs, "reason", std::string{"absent from a --replace import"});
      plan_.events.push_back(std::move(event));
      auto inactive = *person;
      inactive.active = false;
      plan_.people.push_back(std::move(inactive));
      ++deactivated_;
    }
  }

  void summarise(core::Event& imported, std::int64_t rows) const {
    auto& attrs = imported.attrs;
    core::set_attr(attrs, "file", file_.name);
    core::set_attr(attrs, "sha256", file_.sha256);
    core::set_attr(attrs, "rows", rows);
    core::set_attr(attrs, "replace", file_.replace);
    core::set_attr(attrs, "added", added_);
    core::set_attr(attrs, "changed", changed_);
    core::set_attr(attrs, "activated", activated_);
    core::set_attr(attrs, "deactivated", deactivated_);
    core::set_attr(attrs, "cards_added", cards_added_);
    core::set_attr(attrs, "cards_revoked", revoked_);
  }

  bool listed(const core::PersonId& id) const {
    return index_ != nullptr
               ? std::binary_search(index_->person_ids.begin(), index_->person_ids.end(), id)
               : listed_.contains(id);
  }
  bool card_listed(const core::CardNumber& card) const {
    return index_ != nullptr ? std::binary_search(index_->cards.begin(), index_->cards.end(), card)
                             : card_holder_.contains(card);
  }

  // cards_of_ by person id; a person's cards stay in file order.
  static bool by_holder(const CardOf& a, const CardOf& b) { return a.first < b.first; }
  void sort_cards_of() {
    if (!std::is_sorted(cards_of_.begin(), cards_of_.end(), by_holder)) {
      std::stable_sort(cards_of_.begin(), cards_of_.end(), by_holder);
    }
  }
  std::span<const CardOf> listed_cards_of(const core::PersonId& id) const {
    const auto [first, last] =
        std::equal_range(cards_of_.begin(), cards_of_.end(), CardOf{id.str(), nullptr}, by_holder);
    return {first, last};
  }

  core::Event person_event(core::EventKind kind, const core::PersonId& person) const {
    auto event = roster_event(kind, context_);
    event.person = person;
    return event;
  }

  // Enough for the plans in flight between the two threads of an import.
  static constexpr std::size_t kSparePlans = 2;
  static void empty_keeping_buffers(RosterPlan& plan) {
    plan.events.clear();
    plan.people.clear();
    plan.added_people.clear();
    plan.credentials.clear();
    plan.added_credentials.clear();
    plan.revocations.clear();
    plan.staged = 0;
    plan.writes.clear();
  }

  const StoredRoster& stored_;
  const RosterFile& file_;
  const ChangeContext& context_;
  const FileIndex* index_;
  bool counting_only_;
  bool added_people_left_out_ = false;  // StreamPlanner::leave_added_people_out
  RosterPlan plan_;
  std::vector<RosterPlan> spare_;  // written plans, emptied on reuse (recycle)
  std::unordered_set<core::PersonId> listed_;
  std::unordered_map<core::CardNumber, core::PersonId> card_holder_;
  std::vector<CardOf> cards_of_;
  std::unordered_map<core::PersonId, std::vector<core::CardNumber>> stored_cards_of_;
  std::int64_t added_ = 0, changed_ = 0, activated_ = 0, deactivated_ = 0;
  std::int64_t cards_added_ = 0, revoked_ = 0;
};

void encode_plan_attrs(RosterPlan& plan) {
  if (plan.encoded_attrs.size() < plan.events.size()) plan.encoded_attrs.resize(plan.events.size());
  for (std::size_t i = 0; i < plan.events.size(); ++i) {
    encode_attrs_into(plan.events[i].attrs, plan.encoded_attrs[i]);
  }
}

RosterPlan plan_import(const StoredRoster& stored, const RosterFile& file,
                       const ChangeContext& context) {
  return ImportPlanner(stored, file, context).plan();
}

StreamPlanner::StreamPlanner(const StoredRoster& stored, const RosterFile& meta,
                             const FileIndex& index, const ChangeContext& context,
                             bool counting_only)
    : planner_(std::make_unique<ImportPlanner>(stored, meta, context, &index, counting_only)) {}
StreamPlanner::~StreamPlanner() = default;

void StreamPlanner::plan_rows(std::span<const core::Person> people,
                              std::span<const core::Credential> credentials) {
  planner_->plan_rows(people, credentials);
}
void StreamPlanner::finish_rows() {
  planner_->finish_rows();
}
RosterPlan StreamPlanner::take() {
  return planner_->take();
}
void StreamPlanner::leave_added_people_out() {
  planner_->leave_added_people_out();
}
void StreamPlanner::recycle(RosterPlan&& spent) {
  planner_->recycle(std::move(spent));
}
void StreamPlanner::count_all_new(std::int64_t rows) {
  planner_->count_all_new(rows);
}
core::Event StreamPlanner::summary(std::int64_t rows) const {
  return planner_->summary(rows);
}

core::Event roster_event(core::EventKind kind, const ChangeContext& context) {
  core::Event event;
  event.kind = kind;
  event.time = context.at;
  event.attrs.reserve(8);  // a person_added's attrs, without regrowing
  core::set_attr(event.attrs, "operator", context.operator_name);
  return event;
}

std::string levels_text(const std::vector<core::AccessLevelId>& levels) {
  std::string out;
  for (const auto& level : levels) {
    if (!out.empty()) out += ';';
    out += level.str();
  }
  return out;
}

std::string clearance_text(const core::Clearance& clearance) {
  std::string out = core::to_string(clearance.level);
  if (clearance.expires) {
    out += " until ";
    out += date_text(*clearance.expires);
  }
  return out;
}

std::string time_text(const std::optional<core::TimePoint>& time) {
  return time ? utc_text(*time) : std::string{"none"};
}

}  // namespace vigil::journal
