// SiteIo's door boards: one BoardDriver per door_board device, its readers
// wired to the site readers the config names, its relays driven by the
// core's SetOutputs on {board, coil, r}.
#include <spdlog/spdlog.h>

#include "vigil/app/site_io.hpp"

#include "reader_formats.hpp"
#include "vigil/core/attr.hpp"
#include "vigil/core/people.hpp"
#include "vigil/fwb/board_driver.hpp"
#include "vigil/fwb/cache_image.hpp"
#include "vigil/journal/journal.hpp"

namespace vigil::app {

void SiteIo::start_boards() {
  for (const auto& board : config_.door_boards) {
    fwb::BoardDriverOptions o;
    o.id = board.id;
    o.serial_path = board.serial_device;
    o.baud = static_cast<unsigned>(board.baud);
    o.time_zone = config_.site.time_zone;
    std::vector<core::ReaderId> site_readers;
    for (const auto& r : board.readers) {
      o.readers.push_back(r ? fwb::BoardReader{r->reader, reader_formats(r->formats, config_)}
                            : fwb::BoardReader{core::ReaderId(""), {}});
      site_readers.push_back(r ? r->reader : core::ReaderId(""));
    }
    // Next to the journal: the last offline event handed to the core, so a
    // restarted vigild drops the one whose ack died with the old process.
    o.cursor_path = config_.journal_path + ".board-" + board.id.str() + ".cursor";
    fwb::BoardDriverCallbacks cb;
    cb.on_input = [this](const core::Input& in) { deliver(in); };
    cb.cache_image = [this, site_readers]() -> std::optional<fwb::CacheImage> {
      if (people_ == nullptr) return std::nullopt;
      const std::vector<core::CardNumber> cards = people_->cards();
      const core::Site& rules = rules_ != nullptr ? *rules_ : config_.site;
      auto built = fwb::build_cache_image(rules, *people_, site_readers, cards, 1);
      if (!built.error.empty()) {
        spdlog::error("door board cache: {}", built.error);
        return std::nullopt;
      }
      return std::move(built.image);
    };
    auto driver = std::make_unique<fwb::BoardDriver>(io_, std::move(o), std::move(cb));
    restore_offline_cursor(board.id, *driver);
    driver->start();
    boards_.emplace(board.id, std::move(driver));
  }
}

void SiteIo::stop_boards() {
  for (auto& [id, b] : boards_) b->stop();
}

bool SiteIo::apply_board(const core::SetOutput& output) {
  auto it = boards_.find(output.point.device);
  if (it == boards_.end()) return false;
  it->second->set_output(static_cast<std::uint8_t>(output.point.index), output.value,
                         output.write_id);
  return true;
}

namespace {

// The board session and event number of a board's offline decision.
std::optional<std::pair<std::uint32_t, std::uint32_t>> board_event(const core::Event& e) {
  if (!e.device || !core::attr_bool(e.attrs, "offline").value_or(false)) return std::nullopt;
  const auto session = core::attr_int(e.attrs, "board_session");
  const auto seq = core::attr_int(e.attrs, "board_seq");
  if (!session || !seq) return std::nullopt;
  return std::pair{static_cast<std::uint32_t>(*session), static_cast<std::uint32_t>(*seq)};
}

}  // namespace

void SiteIo::journal_committed(const core::Event& event) {
  const auto b = board_event(event);
  if (!b) return;
  if (auto it = boards_.find(*event.device); it != boards_.end())
    it->second->offline_committed(b->first, b->second, event.seq);
}

void SiteIo::reader_feedback(const core::Event& event) {
  using std::chrono::milliseconds;
  const bool granted = event.kind == core::EventKind::access_granted;
  if ((!granted && event.kind != core::EventKind::access_denied) || !event.reader ||
      core::attr_bool(event.attrs, "offline").value_or(false))
    return;  // an offline decision is history: the board showed it then
  for (auto& [id, b] : boards_) {
    if (const auto r = b->board_reader(*event.reader)) {
      if (granted) {
        b->signal_reader(*r, fwb::LedColour::green, false, milliseconds(1000));
      } else {
        b->signal_reader(*r, fwb::LedColour::red, true, milliseconds(500));
      }
      return;
    }
  }
}

// The cursor file is written when the commit's notice reaches the loop; a
// process killed in between leaves it behind the journal. The journal rows
// after it say where the board's events really stand.
void SiteIo::restore_offline_cursor(const core::DeviceId& id, fwb::BoardDriver& driver) {
  constexpr std::uint64_t kScanWithoutCursor = 100'000;  // rows
  constexpr std::size_t kPage = 5'000;
  try {
    const journal::Journal j(config_.journal_path);
    journal::Filter f;
    f.kinds = {core::EventKind::access_granted, core::EventKind::access_denied};
    const std::uint64_t last = j.last_seq();
    f.after_seq = driver.committed_journal_seq() > 0
                      ? driver.committed_journal_seq()
                      : (last > kScanWithoutCursor ? last - kScanWithoutCursor : 0);
    f.limit = kPage;
    for (;;) {
      const auto rows = j.query(f);
      for (const auto& e : rows) {
        if (const auto b = board_event(e); b && *e.device == id)
          driver.restore_committed(b->first, b->second, e.seq);
      }
      if (rows.size() < kPage) break;
      f.after_seq = rows.back().seq;
    }
  } catch (const std::exception& e) {
    spdlog::error("door board {}: cannot read the journal for its offline cursor: {}", id.str(),
                  e.what());
  }
}

void SiteIo::roster_changed() {
  for (auto& [id, b] : boards_) b->push_cache();
}

void SiteIo::rules_changed(const core::Site& site) {
  rules_ = &site;
  for (auto& [id, b] : boards_) b->push_cache();
}

}  // namespace vigil::app
