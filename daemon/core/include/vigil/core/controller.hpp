// The controller: site model, people, door state machines. It turns inputs
// into effects (events + output commands). Single-threaded and clock-free:
// the shell owns the event loop and timers, and stamps every input with both
// clocks. Lifecycle: start() once the drivers run, handle() every input
// (including ClockTicks now and then, and when next_deadline() passes),
// safe_state() on stop or fault, then exit once all_outputs_settled().
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "vigil/core/door.hpp"
#include "vigil/core/input.hpp"
#include "vigil/core/people.hpp"
#include "vigil/core/pin_session.hpp"
#include "vigil/core/policy.hpp"
#include "vigil/core/site.hpp"

namespace vigil::core {

struct ControllerOptions {
  // A change of (wall - monotonic) larger than this is a clock step.
  Duration clock_jump_threshold = std::chrono::seconds(2);
  // Names the origin of the inputs' monotonic clock (on Linux the boot id:
  // CLOCK_MONOTONIC counts from boot, so one boot is one clock). A waiting
  // first badge of a two-person pair is journalled with it and its mono
  // time, and restored after a restart only on the same clock. Empty: the
  // origin is unknown and waits are never restored.
  std::string mono_clock_id{};
};

// What a remote unlock did (Controller::remote_unlock): ok with what was
// done, or refused and why, in words for the operator.
struct RemoteUnlockResult {
  bool ok = false;
  std::string message;
  Effects effects;
};

class Controller {
 public:
  Controller(const Site& site, const PeopleDirectory& people, ControllerOptions options = {});

  // Commands every lock to its locked state (fail-secure: de-energised;
  // fail-safe: energised). door_relocked cause=start follows confirmation.
  Effects start(TimePoint wall, MonoTime mono);
  // Commands every lock to its safe (de-energised) state: door_relocked
  // (fail-secure) or door_released (fail-safe) with this cause on
  // confirmation. Grants and REX no longer unlock until start().
  Effects safe_state(std::string cause, TimePoint wall, MonoTime mono);
  // True when no lock write is waiting for its OutputResult (confirmed or
  // failed): the shell may exit.
  bool all_outputs_settled() const { return pending_outputs() == 0; }
  std::size_t pending_outputs() const;

  Effects handle(const Input& input);
  // Same as handle(ClockTick{wall, mono}).
  Effects advance(TimePoint wall, MonoTime mono);
  // The earliest door deadline, on the monotonic clock.
  std::optional<MonoTime> next_deadline() const;

  // Fire release (vigil/core/fire.hpp, controller_fire.cpp): holds these
  // doors released over every other rule, or lets them relock.
  Effects fire_release(const std::vector<DoorId>& doors, bool hold, TimePoint wall, MonoTime mono);

  // `vigilctl door unlock DOOR --seconds N` and the signed `door-unlock`
  // (controller_remote.cpp): the door's unlock pulse for `length`, relocked
  // by its deadline like any grant. Refused for an unknown door, while not
  // started (safe state), while a lockdown covers the door's zone, and
  // while its lock cannot be vouched for (the lock's device is offline, or
  // the last lock write failed). A door held released by a fire or its
  // schedule is answered ok with nothing to do.
  RemoteUnlockResult remote_unlock(const DoorId& door, Duration length,
                                   const std::string& operator_name, TimePoint wall, MonoTime mono);

  // A reload of the site config (controller_reload.cpp, docs/config.md
  // "Reloading the config"): `next` replaces the site's rules and timings
  // and must outlive the Controller (the old site is not read again once
  // this returns, but what a decision in progress pointed at may be: keep
  // it too). Its doors, zones and readers are those of the running site,
  // wired the same (config::plan_reload checks that); only access levels,
  // holiday calendars, escort and return-report settings, zone rules and
  // the doors' timings and modes may differ. Every door keeps its state:
  // lock, pending writes, contact, REX, alarms, fire and lockdown holds,
  // a pulse already running. A door that leaves mode `unlocked` while its
  // schedule holds it relocks (cause config_reload); one that enters it
  // inside its schedule is released, as at start.
  Effects reload(const Site& next, TimePoint wall, MonoTime mono);
  const Site& site() const { return *site_; }

  const DoorStateMachine* door(const DoorId& id) const;
  // Who is inside which zone, folded from the journal's `entry` events at
  // start (before the first input); live entries update it from then on.
  void restore_occupancy(Occupancy occupancy) { access_state_.occupancy = std::move(occupancy); }
  // Wrong PINs in a row and PIN locks survive a restart: folded from the
  // journal's PIN verdicts (access_denied pin_wrong, access_granted pin=ok),
  // in journal order, before the first input. Their wall times are placed
  // on the monotonic clock relative to `now`, so a lock ends when it would
  // have without the restart (controller_pin.cpp).
  void restore_pin_lockout(const std::vector<Event>& verdicts, Moment now);
  // The first badge of a two-person pair waiting at a door survives a
  // restart when the journal proves it is still inside its window on the
  // steady clock: folded from two_person_waiting events and the grants that
  // completed a pair (attr two_person_with), in journal order, before the
  // first input. A wait is kept only if it carries this clock's id
  // (ControllerOptions::mono_clock_id) and a mono time not after `now`;
  // anything else is dropped (the person badges again): refusing to pair
  // is safe, pairing on a guessed clock is not (controller_two_person.cpp).
  void restore_two_person_waits(const std::vector<Event>& events, Moment now);
  // What the access rules remember across reads (vigil/core/policy.hpp).
  const AccessState& access_state() const { return access_state_; }

 private:
  Effects on(const PointChanged& in);
  Effects on(const CardPresented& in);
  Effects on(const ReadFailed& in);
  Effects on(const DeviceStatusChanged& in);
  Effects on(const OutputResult& in);
  Effects on(const ClockTick& in);
  Effects on(const OfflineDecision& in);
  Effects on(const LockdownChanged& in);  // controller_lockdown.cpp
  // Card + PIN (controller_pin.cpp).
  Effects on(const KeyPressed& in);
  Effects on(const PinChecked& in);
  void await_pin(const CardPresented& in, const Decision& d, Moment at, Effects& out);
  void expire_pins(Moment now, Effects& out);
  std::optional<MonoTime> next_pin_deadline() const;
  // Ends the session at `reader`: grants (opening the door) or refuses.
  void finish_pin(const ReaderId& reader, DenyReason reason, Attrs attrs, Moment at, Effects& out);
  // Door mode `unlocked` (controller_schedule.cpp): holds each such door
  // released while its schedule is open at `now` (site local time), the
  // Controller is started and no lockdown covers the door's zone.
  void apply_door_schedules(Moment now, Effects& out);
  std::optional<MonoTime> next_schedule_check() const;
  // Two-person rule (controller_two_person.cpp): the first badge waits (a
  // two_person_waiting event); an `entry` that leaves one person alone in
  // a two-person zone adds two_person_alone.
  void await_second_person(const CardPresented& in, const Decision& d, Effects& out);
  void watch_two_person_zones(const Event& entry, const std::optional<Presence>& before,
                              std::vector<Event>& raised) const;
  // Visits and escorts (controller_escort.cpp). A visitor who badged
  // first waits (escort_waiting); a non-visitor's card decision at a door
  // is the escort badge there: granted, it lets a waiting visitor through
  // with it (returned as the opening's companion, unless the opening has
  // one already); refused, it refuses the visitor (escort_not_authorised).
  // A wait whose window passed is refused escort_missing.
  void await_escort(const CardPresented& in, const Decision& d, Effects& out);
  std::optional<PersonId> escort_badged(const PersonId& person, const DoorId& door, bool granted,
                                        bool can_pass_visitor, Moment at, Effects& out);
  void refuse_visitor(const DoorId& door, const WaitingVisitor& w, DenyReason reason,
                      const std::optional<PersonId>& escort, Moment at, Effects& out);
  void expire_escorts(Moment now, Effects& out);
  // Watches (wall - mono) for steps, then fires every door deadline due by `now`.
  void observe(Moment now, Effects& out);

  const Site* site_;  // the rules in force: the one given, then each reload's
  const PeopleDirectory& people_;
  ControllerOptions options_;
  std::vector<DoorStateMachine> doors_;
  std::unordered_map<DoorId, std::size_t> door_index_;
  std::unordered_map<PointRef, std::size_t> contact_index_;
  std::unordered_map<PointRef, std::size_t> rex_index_;
  std::unordered_map<PointRef, std::size_t> lock_index_;
  std::optional<Duration> clock_offset_;          // wall - mono at the last input
  TimePoint last_wall_{};                         // wall time of the last input
  bool started_ = false;                          // between start() and safe_state()
  bool has_door_schedules_ = false;               // some door has mode `unlocked`
  std::unordered_set<DeviceId> offline_devices_;  // the last status said offline
  AccessState access_state_;
  std::unordered_map<ReaderId, PinSession> pin_sessions_;  // card + PIN reads in progress
  std::uint64_t next_pin_attempt_ = 1;
};

}  // namespace vigil::core
