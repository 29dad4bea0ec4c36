// Drives a Controller on explicit event times, the way the shell does: every
// input at a time offset from t0 on both clocks, deadlines fired exactly when
// due, and lock writes answered by a driver that confirms (or fails) them in
// order, each with its write id (or drops a superseded one).
#pragma once

#include <string>
#include <vector>

#include "site_fixture.hpp"
#include "vigil/core/controller.hpp"

namespace vigil::core::testing {

using namespace std::chrono_literals;

inline const PointRef kLobbyLock{DeviceId("io1"), PointKind::coil, 0};
inline const PointRef kLobbyContact{DeviceId("io1"), PointKind::discrete_input, 0};
inline const PointRef kLobbyRex{DeviceId("io1"), PointKind::discrete_input, 3};
inline const CardNumber kAliceCard{12, 1001};

class DoorHarness {
 public:
  explicit DoorHarness(Site site = make_site(), ControllerOptions options = {})
      : site_(std::move(site)), controller_(site_, people_, options) {}

  Moment at(Duration d) const { return {t0_ + d + wall_shift_, mono0_ + d}; }
  // Steps the wall clock only (an operator or NTP setting the time).
  void shift_wall(Duration d) { wall_shift_ += d; }
  // When off, lock writes wait for confirm()/fail().
  void auto_confirm(bool on) { auto_confirm_ = on; }

  void start(Duration d) { take(controller_.start(at(d).wall, at(d).mono), at(d)); }
  void safe_state(const std::string& cause, Duration d) {
    take(controller_.safe_state(cause, at(d).wall, at(d).mono), at(d));
  }
  void swipe(Duration d, CardNumber card = kAliceCard, const char* reader = "lobby-in") {
    run_until(d);
    take(
        controller_.handle(CardPresented{ReaderId(reader), card, "H10301", at(d).wall, at(d).mono}),
        at(d));
  }
  void level(const PointRef& p, bool value, Duration d, bool initial = false) {
    run_until(d);
    take(controller_.handle(PointChanged{p, value, at(d).wall, at(d).mono, initial}), at(d));
  }
  void contact(bool open, Duration d, bool initial = false) {
    level(kLobbyContact, open, d, initial);
  }
  void rex(bool pressed, Duration d, bool initial = false) {
    level(kLobbyRex, pressed, d, initial);
  }
  // Answers the oldest unanswered lock write with its own write id, the way
  // a driver answers one point's writes: in order.
  void confirm(Duration d) { answer(d, true, ""); }
  void fail(Duration d, const std::string& error = "timeout") { answer(d, false, error); }
  // The driver drops the oldest unanswered write unanswered (a newer write
  // of the same point superseded it before it was confirmed).
  void drop_oldest() {
    if (!unanswered_.empty()) unanswered_.erase(unanswered_.begin());
  }
  std::size_t unanswered() const { return unanswered_.size(); }
  // The driver answers outputs()[i] again, under its own write id: its
  // background retry of a failed write held, or its re-apply after a
  // reconnect failed.
  void answer_again(std::size_t i, Duration d, bool ok, const std::string& error = "") {
    run_until(d);
    const SetOutput o = outputs_.at(i);
    take_result(OutputResult{o.point, o.write_id, o.value, ok, error, at(d).wall, at(d).mono});
  }
  // Fires every deadline up to d exactly when due, then ticks at d.
  void run_until(Duration d) {
    while (auto next = controller_.next_deadline()) {
      if (*next > at(d).mono) break;
      const Duration when = *next - mono0_;
      take(controller_.advance(at(when).wall, at(when).mono), at(when));
    }
    take(controller_.advance(at(d).wall, at(d).mono), at(d));
  }

  std::vector<std::string> kinds() const {
    std::vector<std::string> out;
    for (const auto& e : events_) out.emplace_back(to_string(e.kind));
    return out;
  }
  std::size_t count(EventKind k) const {
    std::size_t n = 0;
    for (const auto& e : events_) n += e.kind == k ? 1 : 0;
    return n;
  }
  const Event* find(EventKind k) const {
    for (const auto& e : events_)
      if (e.kind == k) return &e;
    return nullptr;
  }
  const std::vector<Event>& events() const { return events_; }
  const std::vector<SetOutput>& outputs() const { return outputs_; }
  void clear() { events_.clear(); }
  // Keeps an event of effects taken outside the harness.
  void remember(Event e) { events_.push_back(std::move(e)); }
  Controller& controller() { return controller_; }
  const DoorStateMachine& lobby() const { return *controller_.door(DoorId("lobby-main")); }
  Site& site() { return site_; }

  TimePoint t0_ = at_utc(kMonday, 9, 0);
  MonoTime mono0_ = MonoTime{std::chrono::hours(100)};

 private:
  void take(Effects fx, Moment now) {
    for (auto& e : fx.events) events_.push_back(std::move(e));
    for (const auto& o : fx.outputs) {
      outputs_.push_back(o);
      unanswered_.push_back(o);
    }
    if (!auto_confirm_) return;
    // The driver confirms each write at once.
    while (!unanswered_.empty()) {
      const SetOutput o = unanswered_.front();
      unanswered_.erase(unanswered_.begin());
      take_result(OutputResult{o.point, o.write_id, o.value, true, "", now.wall, now.mono});
    }
  }
  void take_result(const OutputResult& r) {
    Effects fx = controller_.handle(r);
    for (auto& e : fx.events) events_.push_back(std::move(e));
    for (const auto& o : fx.outputs) {
      outputs_.push_back(o);
      unanswered_.push_back(o);
    }
  }
  void answer(Duration d, bool ok, const std::string& error) {
    run_until(d);
    if (unanswered_.empty()) return;
    const SetOutput o = unanswered_.front();
    unanswered_.erase(unanswered_.begin());
    take_result(OutputResult{o.point, o.write_id, o.value, ok, error, at(d).wall, at(d).mono});
  }

  Site site_;
  PeopleDirectory people_ = make_people();
  Controller controller_;
  Duration wall_shift_{};
  bool auto_confirm_ = true;
  std::vector<Event> events_;
  std::vector<SetOutput> outputs_;
  std::vector<SetOutput> unanswered_;
};

}  // namespace vigil::core::testing
