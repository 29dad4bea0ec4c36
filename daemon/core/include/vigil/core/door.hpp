// One door's state machine:
//   grant -> unlock pulse -> contact opens (entry) -> contact closes
//         -> relock after the relock delay
//   REX press (released -> pressed edge) -> unlock for free egress
//   contact opens with no grant and no REX      -> door_forced
//   open longer than the held-open time          -> door_held_open, cleared on close
// Inputs are debounced on the monotonic clock; levels read at start or
// reconnect are state, never presses or openings. The lock output has a
// lifecycle: every write carries an id and is pending until the driver
// answers that id, and the journal's door_unlocked / door_relocked /
// door_released come from that confirmation (output_failed when it fails),
// a superseded write's confirmation included. Timers are deadlines on the
// monotonic clock the shell asks for with next_deadline() and fires with
// advance(now).
#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <vector>

#include "vigil/core/debounce.hpp"
#include "vigil/core/event.hpp"
#include "vigil/core/input.hpp"
#include "vigil/core/site.hpp"

namespace vigil::core {

struct Effects {
  std::vector<Event> events;
  std::vector<SetOutput> outputs;
  std::vector<PinCheck> pin_checks;  // PINs for the shell to verify (card + PIN doors)
  void append(Effects&& other);
};

// What a lock write was for; printed in output_failed's `action` attribute.
enum class LockAction : std::uint8_t { unlock, relock, release };
const char* to_string(LockAction a);

class DoorStateMachine {
 public:
  explicit DoorStateMachine(const Door& door);

  // Lock lifecycle. start() commands the lock to its locked state (a write
  // even if we believe it is there already); safe_state() commands the
  // de-energised state (locked for fail-secure, released for fail-safe) and
  // ignores grants and REX until the next start().
  void start(Moment now, Effects& out);
  void safe_state(const std::string& cause, Moment now, Effects& out);
  // The driver's answer to a write of this door's lock.
  void output_result(const OutputResult& result, Effects& out);
  // Fire release (door_fire.cpp): hold the lock released (door_released
  // cause=fire) until hold is false again, over grants, pulse ends, closes
  // and the safe state; no held-open alarm meanwhile. Released from hold,
  // the door relocks (at once, or relock_delay after it closes).
  void fire_hold(bool hold, Moment now, Effects& out);
  bool fire_held() const { return fire_hold_; }
  // Door mode `unlocked` (door_schedule.cpp): hold the lock released
  // (door_unlocked cause=schedule) while the Controller says the schedule
  // is open; released from hold, the door relocks with `end_cause`
  // (schedule_end, lockdown), at once or relock_delay after it closes. A
  // fire hold and the safe state win over it; no held-open alarm meanwhile.
  void schedule_hold(bool hold, const char* end_cause, Moment now, Effects& out);
  bool schedule_held() const { return schedule_hold_; }

  // A reload of the site config (Controller::reload): `next` is this door
  // with new timings or mode, wired the same (same id, lock, contact, REX,
  // fail mode and debounce) and alive as long as the machine. Nothing
  // about the door's state changes; a deadline already set keeps the time
  // it was set for; the next pulse, close or opening uses the new timings.
  // Leaving mode `unlocked` while the schedule holds the door ends the hold
  // (relock with cause config_reload).
  // Throws std::invalid_argument, changing nothing, unless wired_as(next).
  void reconfigure(const Door& next, Moment now, Effects& out);
  // Same id, lock, contact, REX, fail mode and debounce.
  bool wired_as(const Door& next) const;

  // A granted read at one of this door's readers. `companion`: the first of
  // a two-person pair, who passes on the same opening (an entry each).
  void grant(const PersonId& person, const ZoneId& zone, const ReaderId& reader, Moment now,
             Effects& out, const std::optional<PersonId>& companion = std::nullopt);
  // Raw levels of the contact (true = open) and REX (true = pressed).
  // `initial` = a level read at start or reconnect.
  void contact(bool open, Moment at, bool initial, Effects& out);
  void rex(bool pressed, Moment at, bool initial, Effects& out);
  // A remote unlock (`vigilctl door unlock`, the signed `door-unlock`):
  // the grant/REX unlock pulse, `length` long from now instead of the door's
  // unlock_time (a second one replaces the first's end), journalled as
  // door_unlocked cause=remote with the operator and seconds once the
  // driver confirms the write. The Controller checks when it may run.
  void remote_unlock(Duration length, const std::string& operator_name, Moment now, Effects& out);
  // Lockdown (issue 8): ends an unlock pulse now (door_relocked with this
  // cause) and spends the grant's pending entry. An open door relocks once
  // it closes, as after any passage.
  void end_unlock(const char* cause, Effects& out);
  // Fires every deadline due at or before now.mono, in time order.
  void advance(Moment now, Effects& out);
  std::optional<MonoTime> next_deadline() const;

  // The door is released for a passage (unlock commanded and not failed,
  // or inside the relock delay after a close).
  bool unlocked() const { return unlocked_; }
  bool open() const { return contact_.level(); }
  bool held_open_alarm() const { return held_alarm_; }
  bool forced() const { return forced_; }
  bool rex_stuck() const { return rex_stuck_; }
  // The latest lock write is waiting for the driver's answer (older,
  // superseded writes whose answers may still come do not count).
  bool output_pending() const { return pending_.has_value(); }
  // The last lock write failed: the lock's state is not trusted (after a
  // failed relock the door is not secure).
  bool lock_suspect() const { return lock_suspect_; }
  const Door& door() const { return *door_; }

 private:
  struct PendingWrite {
    std::uint64_t id = 0;
    bool value = false;
    LockAction action = LockAction::relock;
    std::optional<PersonId> person;
    std::string cause;
    Attrs attrs{};  // added to the confirmation's event (a remote unlock's operator)
  };
  struct PendingEntry {
    PersonId person;
    ZoneId zone;
    ReaderId reader;
    std::optional<PersonId> companion;
  };

  Event make(EventKind kind, Moment at) const;
  bool unlock_value() const { return door_->fail_mode == FailMode::secure; }
  bool locked_value() const { return !unlock_value(); }
  // What de-energising the lock (the safe state) is: a fail-secure strike
  // locks, a fail-safe maglock releases.
  LockAction safe_action() const {
    return door_->fail_mode == FailMode::secure ? LockAction::relock : LockAction::release;
  }
  // door_lock.cpp
  void command(bool value, LockAction action, std::optional<PersonId> person, std::string cause,
               bool force, Effects& out);
  void unlock(Moment now, const std::optional<PersonId>& person, const char* cause, Effects& out,
              std::optional<Duration> length = std::nullopt);
  void relock(const char* cause, Effects& out);
  // The event a confirmed write stands for (door_unlocked, ...), or its
  // output_failed.
  void journal_confirmed(const PendingWrite& write, Moment at, Effects& out) const;
  void journal_failed(const PendingWrite& write, const OutputResult& r, Effects& out) const;
  void superseded_result(const OutputResult& r, Effects& out);
  // A second answer to the latest write, already answered: the driver's
  // background retry of a failed write that held at last, or a re-apply
  // after a reconnect that failed.
  void late_result(const OutputResult& r, Effects& out);
  // door_fire.cpp: the steps shared by a fire hold and a schedule hold. Enter:
  // released with no pulse, relock or held-open deadline, a standing held-open
  // alarm cleared (the caller commands the lock). Leave: an open door relocks
  // once it closes (held open from now), a closed one relocks with `cause`.
  void enter_hold(Moment now, Effects& out);
  void leave_hold(const char* cause, Moment now, Effects& out);
  // The door held released for a fire (on its start, and on a start or a
  // stop while it holds): enter_hold, and the release written (forced).
  void release_for_fire(Moment now, Effects& out);
  // door.cpp
  bool lock_deadline_waits() const;
  void on_contact_edge(bool open, Moment at, bool seen_late, Effects& out);
  void on_rex_edge(bool pressed, Moment at, Moment counted, Effects& out);

  const Door* door_;
  Debouncer contact_;
  Debouncer rex_;

  // Lock: intent and hardware.
  bool unlocked_ = false;
  bool safe_ = false;  // in the safe state after safe_state(), until start()
  std::optional<bool> commanded_;
  std::optional<PendingWrite> pending_;  // the latest write, unanswered
  // Older writes, superseded while unanswered, whose answers may still come
  // (oldest first; at most kMaxSuperseded, the oldest forgotten first).
  static constexpr std::size_t kMaxSuperseded = 8;
  std::deque<PendingWrite> superseded_;
  // The latest write once answered, and whether its last answer was a
  // failure: the driver may answer it again (late_result).
  std::optional<PendingWrite> answered_;
  bool answered_failed_ = false;
  std::uint64_t next_write_id_ = 1;
  bool lock_suspect_ = false;
  std::optional<MonoTime> unlock_until_;       // end of the unlock pulse
  std::optional<MonoTime> relock_at_;          // relock delay after a close
  std::optional<PendingEntry> pending_entry_;  // the grant the next opening belongs to

  // Contact.
  bool forced_ = false;
  bool held_alarm_ = false;
  std::optional<MonoTime> held_deadline_;

  // REX.
  // A press may count: false while the REX was found pressed (at start or
  // reconnect) and has not been seen released since. An unknown REX counts
  // as released, like an unknown contact counts as closed.
  bool rex_armed_ = true;
  bool rex_stuck_ = false;
  std::optional<MonoTime> rex_stuck_at_;

  bool fire_hold_ = false;      // released for a fire: nothing relocks it
  bool schedule_hold_ = false;  // mode `unlocked` inside its schedule
};

}  // namespace vigil::core
