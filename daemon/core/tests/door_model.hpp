// One door's state machine driven by arbitrary bytes against a model of its
// lock's driver and hardware (s27): grants, contact and REX edges, levels
// read at a reconnect, remote unlocks, lockdown, fire and schedule holds,
// the safe state and start, time passing, and the driver answering each
// write as the real drivers may (in order; a superseded write dropped
// unanswered; a failure; a failed write that its background retry applies
// late; a module restart whose re-apply fails). After every step and at
// the end it checks what a guard and an inspector rely on (and that an
// answer under an id the door never wrote changes nothing):
//   - a lock event (door_unlocked, door_released, door_relocked) is only
//     journalled when the driver confirmed a write, and it names what that
//     write put on the coil; output_failed only when a write failed;
//   - once the hardware answers again and time has passed, the coil is in
//     the state the door must be in (locked; released for a fire or an
//     open schedule; de-energised in the safe state), the machine vouches
//     for it (no suspect lock, nothing pending), and the journal's last
//     lock event agrees with the coil.
// Used by DoorModel.* (random byte strings) and fuzz_door_answers. What it
// assumes of a driver (answers in request order, each id with its own
// value) is checked on the real Modbus driver by
// ModbusIoWrites.RandomRequestsAndFaultsAnswerInRequestOrderAndEndWithTheLastHeld.
#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>

#include "vigil/core/door.hpp"

namespace vigil::core::testing {

// What both models share: steps from byte pairs (op, argument), the first
// broken rule with the steps that led to it, then the model's settle().
template <class Model>
class SteppedModel {
 public:
  // Runs one step per byte pair; false at the first broken rule, failure()
  // says which and where.
  bool run(std::string_view bytes) {
    auto& model = static_cast<Model&>(*this);
    for (std::size_t i = 0; i + 1 < bytes.size() && failure_.empty(); i += 2) {
      model.step(static_cast<std::uint8_t>(bytes[i]), static_cast<std::uint8_t>(bytes[i + 1]));
    }
    if (failure_.empty()) model.settle();
    return failure_.empty();
  }
  const std::string& failure() const { return failure_; }
  const std::string& trace() const { return trace_; }

 protected:
  void fail(const std::string& why) {
    if (failure_.empty()) failure_ = why + "\nsteps:\n" + trace_;
  }
  void note(const std::string& line) {
    if (trace_.size() < 64 * 1024) trace_ += line + "\n";
  }
  std::string failure_;

 private:
  std::string trace_;
};

class DoorModel : public SteppedModel<DoorModel> {
 public:
  // The first byte picks the door's kind (fail-secure or fail-safe, REX or
  // not) and its timings.
  explicit DoorModel(std::uint8_t kind) : door_(make_door(kind)), machine_(door_) {
    Effects out;
    machine_.start(now(), out);
    take(out, Step::other);
  }

 private:
  friend class SteppedModel<DoorModel>;
  enum class Step { other, answered_ok, answered_failed };

  static Door make_door(std::uint8_t kind) {
    Door d;
    d.id = DoorId("lobby");
    d.from_zone = ZoneId("outside");
    d.to_zone = ZoneId("lobby");
    d.lock = PointRef{DeviceId("io1"), PointKind::coil, 0};
    d.contact = PointRef{DeviceId("io1"), PointKind::discrete_input, 0};
    if ((kind & 2) != 0) d.rex = PointRef{DeviceId("io1"), PointKind::discrete_input, 3};
    d.fail_mode = (kind & 1) != 0 ? FailMode::safe : FailMode::secure;
    // Timings from the other bits: no debounce or the longest, a short or
    // the default pulse, no relock delay or a long one, a short held-open time.
    using std::chrono::milliseconds;
    d.contact_debounce = (kind & 4) != 0 ? milliseconds(0) : milliseconds(20);
    d.rex_debounce = (kind & 4) != 0 ? milliseconds(300) : milliseconds(50);
    d.unlock_time = (kind & 8) != 0 ? milliseconds(300) : milliseconds(5000);
    d.relock_delay =
        (kind & 16) != 0 ? milliseconds(0) : milliseconds((kind & 32) != 0 ? 3000 : 500);
    d.held_open_time = (kind & 64) != 0 ? milliseconds(1000) : milliseconds(30000);
    d.rex_stuck_time = (kind & 128) != 0 ? milliseconds(2000) : milliseconds(30000);
    return d;
  }
  bool unlock_value() const { return door_.fail_mode == FailMode::secure; }
  Moment now() const {
    return {TimePoint{} + std::chrono::hours(24 * 365 * 56) + t_, MonoTime{} + t_};
  }
  void step(std::uint8_t op, std::uint8_t arg) {
    Effects out;
    Step kind = Step::other;
    const Moment at = now();
    switch (op % 19) {
      case 0:
        if (!safe_) {
          machine_.grant(PersonId("alice"), ZoneId("lobby"), ReaderId("lobby-in"), at, out);
          note("grant");
        }
        break;
      case 1:
      case 2:
        machine_.contact(op % 19 == 1, at, (arg & 1) != 0, out);
        note(std::string("contact ") + (op % 19 == 1 ? "open" : "closed") +
             ((arg & 1) != 0 ? " (initial)" : ""));
        break;
      case 3:
      case 4:
        if (door_.rex) {
          machine_.rex(op % 19 == 3, at, (arg & 1) != 0, out);
          note(std::string("rex ") + (op % 19 == 3 ? "pressed" : "released") +
               ((arg & 1) != 0 ? " (initial)" : ""));
        }
        break;
      case 5:
      case 6:
        advance(std::chrono::milliseconds(10) * (1 + arg), out);
        break;
      case 7:
        kind = answer_oldest(true, out);
        break;
      case 8:
        kind = answer_oldest(false, out);
        break;
      case 9:
        // The driver drops the oldest write unanswered: a newer write of the
        // same coil superseded it before it was confirmed.
        if (queue_.size() > 1) {
          note("driver drops write " + std::to_string(queue_.front().write_id));
          queue_.pop_front();
        }
        break;
      case 10:
        kind = retry_held(out);
        break;
      case 11:
        // The module restarts (its coil de-energised) and the driver's
        // re-apply of the last command fails; it keeps retrying.
        if (queue_.empty() && last_command_ && !retrying_) {
          coil_ = false;
          retrying_ = last_command_;
          note("module restart, re-apply of write " + std::to_string(last_command_->write_id) +
               " fails");
          result(*last_command_, false, out);
          kind = Step::answered_failed;
        }
        break;
      case 12:
        if (!safe_ && !machine_.fire_held()) {
          machine_.remote_unlock(std::chrono::seconds(1 + arg % 20), "op", at, out);
          note("remote unlock");
        }
        break;
      case 13:
        machine_.end_unlock("lockdown", out);
        note("lockdown ends the unlock");
        break;
      case 14:
        fire_ = (arg & 1) != 0;
        machine_.fire_hold(fire_, at, out);
        note(fire_ ? "fire hold" : "fire hold ends");
        break;
      case 15:
        if (!safe_) {
          schedule_ = (arg & 1) != 0;
          machine_.schedule_hold(schedule_, "schedule_end", at, out);
          note(schedule_ ? "schedule hold" : "schedule hold ends");
        }
        break;
      case 16:
        safe_ = true;
        schedule_ = false;
        machine_.safe_state("sigterm", at, out);
        note("safe state");
        break;
      case 17:
        safe_ = false;
        schedule_ = false;
        machine_.start(at, out);
        note("start");
        break;
      case 18: {
        // An answer under an id this door never wrote (another point's, a
        // stale one): ignored, nothing journalled.
        const std::uint64_t id = 1'000'000 + arg;
        note("driver answers unknown write " + std::to_string(id));
        machine_.output_result(OutputResult{door_.lock, id, (arg & 1) != 0, (arg & 2) != 0,
                                            "timeout", at.wall, at.mono},
                               out);
        if (!out.events.empty() || !out.outputs.empty()) fail("an unknown write id was acted on");
        break;
      }
    }
    take(out, kind);
  }

  void advance(Duration by, Effects& out) {
    t_ += by;
    note("time +" + std::to_string(by.count() / 1000) + " ms");
    while (auto next = machine_.next_deadline()) {
      if (*next > now().mono) break;
      const Duration saved = t_;
      t_ = *next - MonoTime{};
      machine_.advance(now(), out);
      t_ = saved;
    }
    machine_.advance(now(), out);
  }

  Step answer_oldest(bool ok, Effects& out) {
    if (queue_.empty()) return Step::other;
    const SetOutput write = queue_.front();
    queue_.pop_front();
    note("driver answers write " + std::to_string(write.write_id) + (ok ? " ok" : " failed"));
    if (ok) {
      coil_ = write.value;
    } else if (queue_.empty()) {
      retrying_ = write;  // the latest command: the driver retries it
    }
    result(write, ok, out);
    return ok ? Step::answered_ok : Step::answered_failed;
  }

  Step retry_held(Effects& out) {
    if (!retrying_ || !queue_.empty()) return Step::other;
    const SetOutput write = *retrying_;
    retrying_.reset();
    coil_ = write.value;
    note("driver's retry of write " + std::to_string(write.write_id) + " holds");
    result(write, true, out);
    return Step::answered_ok;
  }

  void result(const SetOutput& write, bool ok, Effects& out) {
    const Moment at = now();
    answered_value_ = write.value;
    machine_.output_result(OutputResult{write.point, write.write_id, write.value, ok,
                                        ok ? "" : "timeout", at.wall, at.mono},
                           out);
  }

  // Takes a step's effects: new writes go to the driver, and the events are
  // checked against what the step was.
  void take(const Effects& out, Step kind) {
    for (const auto& w : out.outputs) {
      if (w.point != door_.lock) continue;
      queue_.push_back(w);
      last_command_ = w;
      retrying_.reset();  // the driver moves on to the newer command
      note("  write " + std::to_string(w.write_id) + " " + (w.value ? "energise" : "de-energise"));
    }
    for (const auto& e : out.events) {
      note(std::string("  ") + to_string(e.kind));
      const bool lock_event = e.kind == EventKind::door_unlocked ||
                              e.kind == EventKind::door_released ||
                              e.kind == EventKind::door_relocked;
      if (lock_event) {
        if (kind != Step::answered_ok) {
          fail(std::string(to_string(e.kind)) + " journalled without a confirmed write");
        } else if ((e.kind == EventKind::door_relocked) == (answered_value_ == unlock_value())) {
          fail(std::string(to_string(e.kind)) + " journalled for a write that put " +
               (answered_value_ ? "energise" : "de-energise") + " on the coil");
        }
        last_lock_event_ = e.kind;
      }
      if (e.kind == EventKind::output_failed && kind != Step::answered_failed) {
        fail("output_failed journalled without a failed write");
      }
    }
  }

  // The hardware answers everything, the doors close, time passes: the coil
  // must end where the door's state says, vouched for and journalled.
  void settle() {
    note("settle");
    Effects out;
    machine_.contact(false, now(), false, out);
    if (door_.rex) machine_.rex(false, now(), false, out);
    take(out, Step::other);
    for (int round = 0; round < 64; ++round) {
      while (!queue_.empty() && failure_.empty()) {
        Effects answered;
        const Step kind = answer_oldest(true, answered);
        take(answered, kind);
      }
      if (retrying_) {
        Effects answered;
        const Step kind = retry_held(answered);
        take(answered, kind);
      }
      if (!queue_.empty() || retrying_) continue;
      if (!machine_.next_deadline()) break;
      Effects later;
      advance(std::chrono::seconds(60), later);
      take(later, Step::other);
    }
    if (!failure_.empty()) return;
    const bool released = fire_ || (schedule_ && !safe_);
    const bool expected = fire_      ? unlock_value()
                          : safe_    ? false
                          : released ? unlock_value()
                                     : !unlock_value();
    if (coil_ != expected) {
      fail(std::string("settled with the coil ") + (coil_ ? "energised" : "de-energised") +
           ", the door's state wants it " + (expected ? "energised" : "de-energised"));
    } else if (machine_.unlocked() != released) {
      fail(std::string("settled with the door ") +
           (machine_.unlocked() ? "released for a passage" : "locked") + " in its own view, " +
           (released ? "but a hold releases it" : "with no hold, grant or pulse left"));
    } else if (machine_.lock_suspect()) {
      fail("settled with every write confirmed, and the lock still suspect");
    } else if (machine_.output_pending()) {
      fail("settled with a write still pending");
    } else if (last_lock_event_ &&
               (*last_lock_event_ == EventKind::door_relocked) == (coil_ == unlock_value())) {
      fail(std::string("the journal's last lock event is ") + to_string(*last_lock_event_) +
           " but the coil is " + (coil_ ? "energised" : "de-energised"));
    }
  }

  Door door_;
  DoorStateMachine machine_;
  Duration t_{};
  std::deque<SetOutput> queue_;            // sent to the driver, unanswered
  std::optional<SetOutput> last_command_;  // the newest write sent
  std::optional<SetOutput> retrying_;      // a failed latest write the driver retries
  bool coil_ = false;                      // the hardware
  bool answered_value_ = false;            // the value of the write last answered
  bool fire_ = false;
  bool schedule_ = false;
  bool safe_ = false;
  std::optional<EventKind> last_lock_event_;
};

}  // namespace vigil::core::testing
