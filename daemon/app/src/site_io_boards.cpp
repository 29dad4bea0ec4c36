// SiteIo's door boards: one BoardDriver per door_board device, its readers
// wired to the site readers the config names, its relays driven by the
// core's SetOutputs on {board, coil, r}.
#include <spdlog/spdlog.h>

#include "vigil/app/site_io.hpp"

#include "reader_formats.hpp"
#include "vigil/core/people.hpp"
#include "vigil/fwb/board_driver.hpp"
#include "vigil/fwb/cache_image.hpp"

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
      auto built = fwb::build_cache_image(config_.site, *people_, site_readers, cards, 1);
      if (!built.error.empty()) {
        spdlog::error("door board cache: {}", built.error);
        return std::nullopt;
      }
      return std::move(built.image);
    };
    auto driver = std::make_unique<fwb::BoardDriver>(io_, std::move(o), std::move(cb));
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
  it->second->set_output(static_cast<std::uint8_t>(output.point.index), output.value);
  return true;
}

void SiteIo::roster_changed() {
  for (auto& [id, b] : boards_) b->push_cache();
}

}  // namespace vigil::app
