#include "vigil/journal/roster.hpp"

#include <openssl/evp.h>

#include <algorithm>

#include "event_row.hpp"
#include "roster_plan.hpp"
#include "schema.hpp"
#include "vigil/journal/sqlite.hpp"

namespace vigil::journal {
namespace {

// Another writer changed the roster between planning and writing.
struct StalePlan {};

constexpr int kPlanAttempts = 5;

core::Person stored_person_or_refuse(sqlite::Database& db, const core::PersonId& person) {
  auto stored = read_person(db, person);
  if (!stored) refuse("no person '" + person.str() + "'");
  return std::move(*stored);
}

}  // namespace

const std::vector<core::EventKind>& roster_event_kinds() {
  using K = core::EventKind;
  static const std::vector<K> kinds{
      K::roster_imported,  K::person_added,     K::person_changed,     K::person_deactivated,
      K::person_activated, K::credential_added, K::credential_revoked, K::roster_reloaded,
      K::flag_set,         K::flag_cleared,     K::trip_added,         K::trip_returned,
      K::pin_set,          K::lockdown_set,     K::lockdown_released,  K::visit_added,
      K::visit_ended};
  return kinds;
}

std::size_t RosterChange::count(core::EventKind kind) const {
  return static_cast<std::size_t>(std::count_if(
      events.begin(), events.end(), [kind](const core::Event& e) { return e.kind == kind; }));
}

std::string sha256_hex(std::string_view bytes) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  if (EVP_Digest(bytes.data(), bytes.size(), digest, &size, EVP_sha256(), nullptr) != 1) {
    throw JournalError("SHA-256 failed", 0);
  }
  return to_hex(std::span<const std::uint8_t>{digest, size});
}

Sha256Stream::Sha256Stream() : context_(EVP_MD_CTX_new()) {
  if (context_ == nullptr ||
      EVP_DigestInit_ex(static_cast<EVP_MD_CTX*>(context_), EVP_sha256(), nullptr) != 1) {
    EVP_MD_CTX_free(static_cast<EVP_MD_CTX*>(context_));
    throw JournalError("SHA-256 failed", 0);
  }
}

Sha256Stream::~Sha256Stream() {
  EVP_MD_CTX_free(static_cast<EVP_MD_CTX*>(context_));
}

void Sha256Stream::update(std::string_view bytes) {
  if (EVP_DigestUpdate(static_cast<EVP_MD_CTX*>(context_), bytes.data(), bytes.size()) != 1) {
    throw JournalError("SHA-256 failed", 0);
  }
}

std::string Sha256Stream::hex() {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  if (EVP_DigestFinal_ex(static_cast<EVP_MD_CTX*>(context_), digest, &size) != 1) {
    throw JournalError("SHA-256 failed", 0);
  }
  return to_hex(std::span<const std::uint8_t>{digest, size});
}

Roster::Roster(const std::filesystem::path& path, std::string operator_name, JournalOptions options)
    : operator_(std::move(operator_name)),
      journal_(std::make_unique<Journal>(path, options)),
      reader_(open_database(path, options.busy_timeout)) {
  ensure_roster_tables(*reader_);
  store_ = std::make_unique<PeopleStore>(path, options.busy_timeout);
}

Roster::Roster(Roster&&) noexcept = default;
Roster& Roster::operator=(Roster&&) noexcept = default;
Roster::~Roster() = default;

RosterChange Roster::commit(const std::function<RosterPlan(sqlite::Database&)>& make_plan) {
  for (int attempt = 1;; ++attempt) {
    RosterPlan plan = make_plan(*reader_);
    RosterChange change;
    if (plan.events.empty()) {
      change.version = plan.based_on_version;
      return change;
    }
    try {
      journal_->append(plan.events, [&](sqlite::Database& db) {
        // Planned from a snapshot outside this transaction: if another
        // writer committed a roster change since, the plan is stale.
        if (read_roster_version(db) != plan.based_on_version) throw StalePlan{};
        for (const auto& person : plan.added_people) write_added_person(db, person);
        for (const auto& person : plan.people) write_person(db, person);
        for (const auto& credential : plan.credentials) write_credential(db, credential);
        for (const auto& credential : plan.added_credentials) {
          write_credential(db, credential, /*added=*/true);
        }
        for (const auto& revocation : plan.revocations) {
          write_revocation(db, revocation.card, revocation.person, plan.events.front().time,
                           revocation.reason);
        }
        for (const auto& write : plan.writes) write(db);
        if (plan.changes_roster()) bump_roster_version(db);
        change.version = read_roster_version(db);
      });
    } catch (const StalePlan&) {
      if (attempt == kPlanAttempts) refuse("the roster kept changing under this change; retry");
      continue;
    }
    change.events = std::move(plan.events);
    return change;
  }
}

RosterChange Roster::import(const RosterFile& file, core::TimePoint at) {
  const ChangeContext context{operator_, at};
  return commit(
      [&](sqlite::Database& db) { return plan_import(read_stored_roster(db), file, context); });
}

RosterChange Roster::revoke_card(const core::CardNumber& card, core::TimePoint at) {
  const ChangeContext context{operator_, at};
  return commit([&](sqlite::Database& db) {
    sqlite::ReadTransaction snapshot{db};
    RosterPlan plan;
    plan.based_on_version = read_roster_version(db);
    auto credential = read_credential(db, card);
    const auto text = core::to_string(card);
    if (!credential) refuse("no card " + text + " on file");
    if (is_revoked(db, card)) refuse("card " + text + " is already revoked");
    auto event = roster_event(core::EventKind::credential_revoked, context);
    event.person = credential->person;
    event.card = card;
    core::set_attr(event.attrs, "reason", std::string{"revoked"});
    core::set_attr(event.attrs, "active_before", credential->active);
    plan.events.push_back(std::move(event));
    credential->active = false;
    plan.credentials.push_back(*credential);
    plan.revocations.push_back({card, credential->person, "revoked"});
    return plan;
  });
}

RosterChange Roster::deactivate(const core::PersonId& person, core::TimePoint at) {
  const ChangeContext context{operator_, at};
  return commit([&](sqlite::Database& db) {
    sqlite::ReadTransaction snapshot{db};
    RosterPlan plan;
    plan.based_on_version = read_roster_version(db);
    core::Person stored = stored_person_or_refuse(db, person);
    if (!stored.active) return plan;
    auto event = roster_event(core::EventKind::person_deactivated, context);
    event.person = person;
    plan.events.push_back(std::move(event));
    stored.active = false;
    plan.people.push_back(std::move(stored));
    return plan;
  });
}

RosterChange Roster::activate(const core::PersonId& person, core::TimePoint at) {
  const ChangeContext context{operator_, at};
  return commit([&](sqlite::Database& db) {
    sqlite::ReadTransaction snapshot{db};
    RosterPlan plan;
    plan.based_on_version = read_roster_version(db);
    core::Person stored = stored_person_or_refuse(db, person);
    // Cards switched off with the person (an import row with active=false)
    // come back with them; revoked cards never do.
    std::vector<core::Credential> cards;
    {
      auto select = db.cached("SELECT card FROM credentials WHERE person = ? AND active = 0");
      select->bind(1, std::string_view{person.str()});
      std::vector<core::CardNumber> numbers;
      while (select->step()) {
        if (auto card = parse_card(select->column_text(0))) numbers.push_back(*card);
      }
      std::sort(numbers.begin(), numbers.end());
      for (const auto& card : numbers) {
        if (is_revoked(db, card)) continue;
        if (auto credential = read_credential(db, card)) cards.push_back(*credential);
      }
    }
    if (stored.active && cards.empty()) return plan;
    auto event = roster_event(core::EventKind::person_activated, context);
    event.person = person;
    std::string reactivated;
    for (auto& credential : cards) {
      reactivated += (reactivated.empty() ? "" : ";") + core::to_string(credential.card);
      credential.active = true;
      plan.credentials.push_back(credential);
    }
    if (!reactivated.empty()) core::set_attr(event.attrs, "cards_reactivated", reactivated);
    plan.events.push_back(std::move(event));
    stored.active = true;
    plan.people.push_back(std::move(stored));
    return plan;
  });
}

std::vector<core::Event> Roster::history(const core::PersonId& person) const {
  Filter filter;
  filter.person = person;
  filter.kinds = roster_event_kinds();
  return journal_->query(filter);
}

}  // namespace vigil::journal
