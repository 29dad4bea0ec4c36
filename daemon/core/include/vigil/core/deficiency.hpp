// Deficiencies (issue 9 item 6, docs/inspections.md): what is wrong with the
// access-control, fire and escape equipment, and whether it is still open.
//
// Automatic ones are derived from journalled events: a device offline until
// it is back, a line cut or shorted until restored, a door forced until it
// closes, held open until the held-open alarm clears, a lock that failed to
// actuate until the next confirmed actuation of that door, a tamper switch
// opened (until fixed), a reader with read errors above a rate until a good
// read a whole window after the last error. Manual ones are inspection
// findings, open until someone records the fix with a note. Any open one may
// be closed by a recorded fix. Nothing is stored besides the events: the book
// is a fold over them in seq order, rebuilt on every read (as incidents are).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "vigil/core/alarm.hpp"
#include "vigil/core/event.hpp"
#include "vigil/core/site.hpp"

namespace vigil::core {

enum class DeficiencyKind : std::uint8_t {
  offline,        // a device stopped answering
  tampered,       // a tamper switch opened
  line_fault,     // an EOL-supervised line was cut or shorted
  forced,         // a door opened with no grant and no exit request
  held_open,      // a door stood open past its held-open time
  output_failed,  // a lock write failed or was not confirmed
  read_errors,    // a reader sent untrustworthy frames above the configured rate
  finding,        // recorded by an inspector
};
const char* to_string(DeficiencyKind kind);

// More than `count` read errors at one reader within `window` is a
// deficiency (site config `inspections.read_errors`).
struct ReadErrorRate {
  int count = 5;
  Duration window = std::chrono::hours(1);
};

struct DeficiencyRules {
  ReadErrorRate read_errors{};
  // Checklist item ("door:lobby", "reader:lobby-in", "sensor:store-pir")
  // -> the zone it belongs to; item_zones() builds it from the site.
  std::map<std::string, ZoneId> item_zones{};
};

struct Deficiency {
  std::uint64_t id = 0;  // the seq of the event that opened it
  DeficiencyKind kind = DeficiencyKind::finding;
  std::string item;  // "device:io1", "door:lobby", "reader:r1", "sensor:pir", "line:io2/ai0"
  std::optional<ZoneId> zone;
  TimePoint started{};
  std::optional<TimePoint> cleared;  // the condition ended (automatic ones)
  std::optional<TimePoint> fixed;    // a fix was recorded
  std::string fixed_by, fix_note;
  std::string note, unit, found_by;  // findings: what, who must fix it, who found it
  std::optional<LocalDate> due;
  std::uint64_t inspection = 0;  // findings: the inspection that recorded it
  bool overdue_raised = false;
  bool automatic() const { return kind != DeficiencyKind::finding; }
  bool open() const { return !cleared && !fixed; }
  std::optional<TimePoint> closed_at() const { return fixed ? fixed : cleared; }
};

// Every door, reader and sensor of the site -> its zone: a door and its
// readers belong to the zone the door leads into, a sensor to its alarm zone.
std::map<std::string, ZoneId> item_zones(const Site& site, const std::vector<AlarmZone>& alarms);

class DeficiencyBook {
 public:
  explicit DeficiencyBook(DeficiencyRules rules = {});
  // Events in seq order, of deficiency_event_kinds() (others are ignored).
  void apply(const Event& e);

  // Open first, then by start time.
  std::vector<Deficiency> list() const;
  const Deficiency* find(std::uint64_t id) const;
  // Open, with a due date whose day has ended at `now` on the site's clock,
  // and not yet raised: each needs one deficiency_overdue.
  std::vector<Deficiency> overdue(TimePoint now, const TimeZone& tz) const;

 private:
  Deficiency& open_new(const Event& e, DeficiencyKind kind, std::string item);
  void clear(const std::string& key, TimePoint at);
  void apply_read_error(const Event& e);
  void apply_reader_ok(const Event& e);

  DeficiencyRules rules_;
  std::map<std::uint64_t, Deficiency> all_;
  // Condition key ("offline:device:io1") -> the open deficiency's id.
  std::unordered_map<std::string, std::uint64_t> active_;
  struct ReaderErrors {
    std::vector<TimePoint> recent;  // within the window
    std::optional<TimePoint> last;
  };
  std::unordered_map<std::string, ReaderErrors> readers_;
};

// The kinds DeficiencyBook::apply reads.
const std::vector<EventKind>& deficiency_event_kinds();

// The kinds that decide DeficiencyBook::overdue(): only a finding has a due
// date, it closes only by a recorded fix, and a deficiency_overdue marks it
// raised. A book folded from these alone lists the same overdue deficiencies
// as one folded from deficiency_event_kinds(), without reading every access
// event of the journal (vigild's periodic check, docs/design.md "Query
// latency on ten million rows").
const std::vector<EventKind>& overdue_event_kinds();

// The deficiency_overdue event for `d` at `now` (zone and attrs set).
Event overdue_event(const Deficiency& d, TimePoint now);

}  // namespace vigil::core
