// The whole Controller driven by arbitrary bytes against a model of one I/O
// module's two lock coils (s27): the door model's rules (door_model.hpp)
// with the site's own: card reads decided by the access rules, lockdown
// orders, fire release, a door whose mode is `unlocked` on a schedule, remote
// unlocks, the module going offline, the safe state and start; with the
// kind's third bit, the server door wants a card and a PIN (keys typed at
// its keypad, the shell's verdicts in any order of match, duress, wrong). Checked at
// every step (and, s28, config reloads that change the doors' modes and
// timings under all of it): a lock event only at its own door's confirmation, naming what
// that write did; output_failed only at a failure. Checked at the end, once
// the module answers everything and time has passed: each coil where its
// door's state wants it, vouched for, in the machine's own view and the
// journal's; no door held released by its schedule while a lockdown covers
// it; and every write answered (all_outputs_settled).
#pragma once

#include <array>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "door_model.hpp"
#include "site_fixture.hpp"
#include "vigil/core/controller.hpp"

namespace vigil::core::testing {

class SiteModel : public SteppedModel<SiteModel> {
 public:
  // The first byte picks each door's fail mode and the server door's mode.
  explicit SiteModel(std::uint8_t kind)
      : site_(make_model_site(kind)), people_(make_model_people()), controller_(site_, people_) {
    take(controller_.start(now().wall, now().mono), std::nullopt);
  }

 private:
  friend class SteppedModel<SiteModel>;
  struct Coil {
    std::deque<SetOutput> queue;  // sent to the module, unanswered
    std::optional<SetOutput> last_command;
    std::optional<SetOutput> retrying;  // a failed latest write the driver retries
    bool value = false;                 // the hardware
  };
  // What an answered write did: which door's lock, and the value put on it.
  struct Answer {
    std::size_t door;
    bool value;
    bool ok;
  };

  static Site make_model_site(std::uint8_t kind) {
    Site s = make_site();
    s.doors[0].fail_mode = (kind & 1) != 0 ? FailMode::safe : FailMode::secure;
    s.doors[1].fail_mode = (kind & 2) != 0 ? FailMode::safe : FailMode::secure;
    // The lobby stands unlocked 09:01-09:03 on Mondays (the run starts at
    // 09:00 on a Monday); outside the window it is a card door.
    s.doors[0].mode = DoorMode::unlocked;
    s.doors[0].unlocked_schedule = {WeeklyWindow{0x7f, 9 * 60 + 1, 9 * 60 + 3}};
    // The server door wants a card and Bob's PIN (typed at its keypad) when
    // the kind's third bit is set.
    if ((kind & 4) != 0) s.doors[1].mode = DoorMode::card_and_pin;
    return s;
  }
  static PeopleDirectory make_model_people() {
    PeopleDirectory p = make_people();
    p.set_pin(PersonId("bob"), PinHash{.iterations = 1000, .salt = {}, .digest = {}});
    return p;
  }
  const Door& door(std::size_t i) const { return site_.doors[i]; }
  bool unlock_value(std::size_t i) const { return door(i).fail_mode == FailMode::secure; }
  const DoorStateMachine& machine(std::size_t i) const { return *controller_.door(door(i).id); }
  Moment now() const {
    return {at_utc(kMonday, 9, 0) + t_, MonoTime{std::chrono::hours(100)} + t_};
  }

  void step(std::uint8_t op, std::uint8_t arg) {
    const Moment at = now();
    const std::size_t d = arg & 1;  // which door (or coil)
    switch (op % 19) {
      case 0: {
        // Alice (lobby, weekdays) or Bob (both zones) at a reader.
        static const std::array<const char*, 3> readers{"lobby-in", "server-in", "server-out"};
        const char* reader = readers[arg % 3];
        const CardNumber card{12, (arg & 8) != 0 ? 1002u : 1001u};
        note(std::string("card ") + std::to_string(card.number) + " at " + reader);
        take(controller_.handle(CardPresented{ReaderId(reader), card, "H10301", at.wall, at.mono}),
             std::nullopt);
        break;
      }
      case 1:
      case 2: {
        const bool open = op % 18 == 1;
        const bool initial = (arg & 2) != 0;
        note("door " + std::to_string(d) + (open ? " opens" : " closes") +
             (initial ? " (initial)" : ""));
        take(controller_.handle(PointChanged{door(d).contact, open, at.wall, at.mono, initial}),
             std::nullopt);
        break;
      }
      case 3: {
        const bool pressed = (arg & 2) != 0;
        note("rex " + std::to_string(d) + (pressed ? " pressed" : " released"));
        take(controller_.handle(PointChanged{*door(d).rex, pressed, at.wall, at.mono, false}),
             std::nullopt);
        break;
      }
      case 4:
      case 5:
        advance(std::chrono::milliseconds(100) * (1 + arg));
        break;
      case 6:
        answer_oldest(d, true);
        break;
      case 7:
        answer_oldest(d, false);
        break;
      case 8:
        if (coils_[d].queue.size() > 1) {
          note("module drops write " + std::to_string(coils_[d].queue.front().write_id));
          coils_[d].queue.pop_front();
        }
        break;
      case 9:
        retry_held(d);
        break;
      case 10: {
        // The module restarts (its coil de-energised); re-applying the
        // last command fails, and the driver keeps retrying.
        Coil& c = coils_[d];
        if (c.queue.empty() && c.last_command && !c.retrying) {
          c.value = false;
          c.retrying = c.last_command;
          note("module restart, re-apply of write " + std::to_string(c.last_command->write_id) +
               " fails");
          result(d, *c.last_command, false);
        }
        break;
      }
      case 11: {
        std::vector<DoorId> doors;
        if ((arg & 2) != 0) doors.push_back(door(0).id);
        if ((arg & 4) != 0) doors.push_back(door(1).id);
        const bool hold = (arg & 8) != 0;
        note(std::string("fire ") + (hold ? "hold" : "reset") + " on " +
             std::to_string(doors.size()) + " doors");
        take(controller_.fire_release(doors, hold, at.wall, at.mono), std::nullopt);
        break;
      }
      case 12: {
        const ZoneId zone((arg & 2) != 0 ? "server-room" : "lobby");
        if ((arg & 4) != 0) {
          lockdowns_.set(LockdownOrder{zone, "guard", at.wall, "drill"});
        } else {
          lockdowns_.release(zone);
        }
        note(std::string("lockdown ") + ((arg & 4) != 0 ? "of " : "lifted on ") + zone.str());
        take(controller_.handle(LockdownChanged{lockdowns_, at.wall, at.mono}), std::nullopt);
        break;
      }
      case 13:
        if ((arg & 2) != 0) {
          safe_ = true;
          note("safe state");
          take(controller_.safe_state("sigterm", at.wall, at.mono), std::nullopt);
        } else {
          safe_ = false;
          note("start");
          take(controller_.start(at.wall, at.mono), std::nullopt);
        }
        break;
      case 14: {
        note("remote unlock of door " + std::to_string(d));
        auto r = controller_.remote_unlock(door(d).id, std::chrono::seconds(1 + arg % 10), "op",
                                           at.wall, at.mono);
        take(std::move(r.effects), std::nullopt);
        break;
      }
      case 16: {
        // Keys at the server door's keypad: Bob's card there and then a
        // whole PIN and # (argument a multiple of 4), a whole PIN and #
        // (other even arguments), or one key (a digit, or # to end it).
        if (arg % 4 == 0) {
          note("card 1002 at server-in");
          take(controller_.handle(CardPresented{ReaderId("server-in"), CardNumber{12, 1002},
                                                "H10301", at.wall, at.mono}),
               std::nullopt);
        }
        std::vector<unsigned> codes{1, 2, 3, 4, 11};
        if (arg % 2 == 1) codes = {arg % 8 == 1 ? 11u : arg % 10};
        note(std::string(codes.size() > 1 ? "PIN 1234#" : "a key") + " at server-in");
        for (const unsigned code : codes) {
          take(controller_.handle(KeyPressed{ReaderId("server-in"), *keypad_key_from_code(code),
                                             at.wall, at.mono}),
               std::nullopt);
        }
        break;
      }
      case 17:
        // The shell's verifier answers the oldest PIN check.
        if (!pin_checks_.empty()) {
          const PinCheck check = pin_checks_.front();
          pin_checks_.pop_front();
          const PinVerdict verdict = arg % 3 == 0   ? PinVerdict::wrong
                                     : arg % 3 == 1 ? PinVerdict::match
                                                    : PinVerdict::duress;
          note(std::string("PIN verdict ") + std::string(to_string(verdict)));
          take(controller_.handle(
                   PinChecked{check.reader, check.attempt, verdict, at.wall, at.mono}),
               std::nullopt);
        }
        break;
      case 18: {
        // A config reload: the lobby's mode (its schedule stays written),
        // the server door's mode unless it is card + PIN (a restart), and
        // timings; the wiring and fail modes never change in a reload.
        auto next = std::make_unique<Site>(controller_.site());
        Door& lobby = next->doors[0];
        lobby.mode = (arg & 2) != 0   ? DoorMode::unlocked
                     : (arg & 4) != 0 ? DoorMode::locked
                                      : DoorMode::card;
        lobby.unlock_time = std::chrono::seconds(1 + (arg >> 3) % 8);
        Door& server = next->doors[1];
        if (server.mode != DoorMode::card_and_pin) {
          server.mode = (arg & 8) != 0 ? DoorMode::locked : DoorMode::card;
        }
        server.relock_delay = std::chrono::milliseconds(100 * ((arg >> 4) % 5));
        server.held_open_time = std::chrono::seconds(5 + (arg >> 5) % 30);
        next->build_index();
        note(std::string("reload: lobby ") + to_string(lobby.mode) + ", server door " +
             to_string(server.mode));
        sites_.push_back(std::move(next));
        take(controller_.reload(*sites_.back(), at.wall, at.mono), std::nullopt);
        break;
      }
      case 15:
        online_ = (arg & 2) != 0;
        note(std::string("module ") + (online_ ? "online" : "offline"));
        take(
            controller_.handle(DeviceStatusChanged{DeviceId("io1"), online_, "", at.wall, at.mono}),
            std::nullopt);
        break;
    }
  }

  void advance(Duration by) {
    t_ += by;
    note("time +" + std::to_string(by.count() / 1000) + " ms");
    const Duration target = t_;
    while (auto next = controller_.next_deadline()) {
      if (*next > now().mono) break;
      t_ = *next - MonoTime{std::chrono::hours(100)};
      take(controller_.advance(now().wall, now().mono), std::nullopt);
      t_ = target;
    }
    take(controller_.advance(now().wall, now().mono), std::nullopt);
  }

  void answer_oldest(std::size_t d, bool ok) {
    Coil& c = coils_[d];
    if (c.queue.empty()) return;
    const SetOutput write = c.queue.front();
    c.queue.pop_front();
    note("module answers write " + std::to_string(write.write_id) + " of coil " +
         std::to_string(d) + (ok ? " ok" : " failed"));
    if (ok) {
      c.value = write.value;
    } else if (c.queue.empty()) {
      c.retrying = write;
    }
    result(d, write, ok);
  }

  void retry_held(std::size_t d) {
    Coil& c = coils_[d];
    if (!c.retrying || !c.queue.empty()) return;
    const SetOutput write = *c.retrying;
    c.retrying.reset();
    c.value = write.value;
    note("driver's retry of write " + std::to_string(write.write_id) + " holds");
    result(d, write, true);
  }

  void result(std::size_t d, const SetOutput& write, bool ok) {
    const Moment at = now();
    take(controller_.handle(OutputResult{write.point, write.write_id, write.value, ok,
                                         ok ? "" : "timeout", at.wall, at.mono}),
         Answer{d, write.value, ok});
  }

  // A step's effects: writes go to their coil's queue; events are checked
  // against the step (`answer`: the write it answered, if it did).
  void take(Effects out, const std::optional<Answer>& answer) {
    for (auto& check : out.pin_checks) pin_checks_.push_back(std::move(check));
    for (const auto& w : out.outputs) {
      for (std::size_t d = 0; d < 2; ++d) {
        if (w.point != door(d).lock) continue;
        coils_[d].queue.push_back(w);
        coils_[d].last_command = w;
        coils_[d].retrying.reset();
        note("  coil " + std::to_string(d) + " write " + std::to_string(w.write_id) + " " +
             (w.value ? "energise" : "de-energise"));
      }
    }
    for (const auto& e : out.events) {
      note(std::string("  ") + to_string(e.kind) + (e.door ? " " + e.door->str() : ""));
      const bool lock_event = e.kind == EventKind::door_unlocked ||
                              e.kind == EventKind::door_released ||
                              e.kind == EventKind::door_relocked;
      if (!lock_event && e.kind != EventKind::output_failed) continue;
      const std::size_t d = e.door && *e.door == door(1).id ? 1 : 0;
      if (!answer || answer->door != d) {
        fail(std::string(to_string(e.kind)) + " of door " + std::to_string(d) +
             " journalled without an answer from its lock");
        continue;
      }
      if (e.kind == EventKind::output_failed) {
        if (answer->ok) fail("output_failed journalled for a confirmed write");
        continue;
      }
      if (!answer->ok) {
        fail(std::string(to_string(e.kind)) + " journalled for a failed write");
      } else if ((e.kind == EventKind::door_relocked) == (answer->value == unlock_value(d))) {
        fail(std::string(to_string(e.kind)) + " journalled for a write that put " +
             (answer->value ? "energise" : "de-energise") + " on the coil");
      }
      last_lock_event_[d] = e.kind;
    }
  }

  void settle() {
    note("settle");
    const Moment at = now();
    if (!online_) {
      online_ = true;
      take(controller_.handle(DeviceStatusChanged{DeviceId("io1"), true, "", at.wall, at.mono}),
           std::nullopt);
    }
    for (std::size_t d = 0; d < 2; ++d) {
      take(controller_.handle(PointChanged{door(d).contact, false, at.wall, at.mono, false}),
           std::nullopt);
      take(controller_.handle(PointChanged{*door(d).rex, false, at.wall, at.mono, false}),
           std::nullopt);
    }
    const auto answer_all = [&] {
      bool busy = false;
      for (std::size_t d = 0; d < 2; ++d) {
        while (!coils_[d].queue.empty() && failure_.empty()) answer_oldest(d, true);
        if (coils_[d].retrying) {
          retry_held(d);
          busy = true;
        }
      }
      return busy;
    };
    for (int round = 0; round < 200 && failure_.empty(); ++round) {
      if (answer_all()) continue;
      if (!controller_.next_deadline()) break;
      advance(std::chrono::seconds(30));
    }
    while (answer_all() && failure_.empty()) {
    }
    if (!failure_.empty()) return;
    if (!controller_.all_outputs_settled()) fail("settled with a lock write still pending");
    for (std::size_t d = 0; d < 2 && failure_.empty(); ++d) {
      const DoorStateMachine& m = machine(d);
      const bool covered = lockdowns_.covering(site_, door(d).to_zone) != nullptr;
      if (m.schedule_held() && (covered || safe_)) {
        fail("door " + std::to_string(d) + " held released by its schedule under " +
             (safe_ ? "the safe state" : "a lockdown"));
      }
      const bool released = m.fire_held() || (m.schedule_held() && !safe_);
      const bool expected = m.fire_held() ? unlock_value(d)
                            : safe_       ? false
                            : released    ? unlock_value(d)
                                          : !unlock_value(d);
      const Coil& c = coils_[d];
      if (c.value != expected) {
        fail("door " + std::to_string(d) + " settled with the coil " +
             (c.value ? "energised" : "de-energised") + ", its state wants it " +
             (expected ? "energised" : "de-energised"));
      } else if (m.unlocked() != released) {
        fail("door " + std::to_string(d) + " settled " +
             (m.unlocked() ? "released for a passage" : "locked") + " in the machine's view");
      } else if (m.lock_suspect()) {
        fail("door " + std::to_string(d) + " settled with its lock suspect");
      } else if (last_lock_event_[d] && (*last_lock_event_[d] == EventKind::door_relocked) ==
                                            (c.value == unlock_value(d))) {
        fail("door " + std::to_string(d) + ": the journal's last lock event is " +
             to_string(*last_lock_event_[d]) + " but the coil is " +
             (c.value ? "energised" : "de-energised"));
      }
    }
  }

  Site site_;
  PeopleDirectory people_ = make_people();
  std::deque<std::unique_ptr<Site>> sites_;  // each reload's, alive as vigild keeps them
  Controller controller_;
  Duration t_{};
  std::array<Coil, 2> coils_{};
  std::array<std::optional<EventKind>, 2> last_lock_event_{};
  Lockdowns lockdowns_;
  std::deque<PinCheck> pin_checks_;  // asked of the shell, unanswered
  bool safe_ = false;
  bool online_ = true;
};

}  // namespace vigil::core::testing
