// SiteIo with an EOL-supervised loop on a real libmodbus server: the loop's
// resistance in an input register becomes line_tamper when cut (after the
// dwell, armed or not) and line_restored when intact again; a line found cut
// when the module (re)connects is reported too, as initial.
#include <gtest/gtest.h>

#include <utility>  // Boost 1.74 Asio needs it first under C++20

#include <boost/asio/io_context.hpp>

#include "vigil/app/site_io.hpp"
#include "vigil/config/load.hpp"
#include "vigil/sim/modbus_io_server.hpp"

namespace vigil::app {
namespace {

using namespace std::chrono_literals;

template <class Predicate>
bool run_until(boost::asio::io_context& io, Predicate done, std::chrono::milliseconds limit = 5s) {
  const auto until = std::chrono::steady_clock::now() + limit;
  while (!done()) {
    if (std::chrono::steady_clock::now() > until) return false;
    if (io.stopped()) io.restart();
    io.run_one_for(10ms);
  }
  return true;
}

config::SiteConfig site_for(std::uint16_t port) {
  const std::string yaml =
      "site: { id: hq, gateway: gw1, time_zone: UTC, module_library: " VIGIL_MODULES_DIR
      " }\n"
      "journal: { path: run/journal.db }\n"
      "devices:\n"
      "  - { id: io1, type: modbus_tcp, host: 127.0.0.1, port: " +
      std::to_string(port) +
      ", poll: 10ms, timeout: 200ms, module: generic-8in-8out,\n"
      "      supervised_inputs: [{ register: loop0, wiring: dual_eol, series: 1000, "
      "parallel: 1000, dwell: 50ms }] }\n"
      "zones: [{ id: lobby }]\n"
      "doors:\n"
      "  - { id: d1, from: outside, to: lobby, lock: { device: io1, coil: 0 }, "
      "contact: { device: io1, input: 0 } }\n";
  return config::load_site_config_from_string(yaml, "/tmp/site.yaml").value();
}

struct Fixture {
  sim::ModbusIoServer module{{.input_register_count = 4}};
  boost::asio::io_context io;
  config::SiteConfig config;
  std::vector<core::Event> events;
  std::unique_ptr<SiteIo> site;

  explicit Fixture(std::uint16_t loop_ohms) {
    module.set_input_register(0, loop_ohms);
    config = site_for(module.port());
    site = std::make_unique<SiteIo>(
        io, config, [](const core::Input&) {},
        [this](core::Event e) { events.push_back(std::move(e)); });
    site->start();
  }
  ~Fixture() {
    site->stop();
    site.reset();
  }
};

TEST(SupervisedInput, CutLoopIsATamperEventAfterTheDwellAndRestoredWhenIntact) {
  Fixture f(1000);  // closed contact: normal
  ASSERT_TRUE(run_until(f.io, [&] { return f.site->modbus_health().at(0).polls > 5; }));
  EXPECT_TRUE(f.events.empty());

  const auto cut_at = std::chrono::steady_clock::now();
  f.module.set_input_register(0, 60000);  // cut
  ASSERT_TRUE(run_until(f.io, [&] { return f.events.size() == 1; }));
  EXPECT_GE(std::chrono::steady_clock::now() - cut_at, 50ms) << "reported before the dwell";
  const core::Event& tamper = f.events[0];
  EXPECT_EQ(tamper.kind, core::EventKind::line_tamper);
  EXPECT_EQ(core::attr_text(tamper.attrs, "point"), "io1/loop0");
  EXPECT_EQ(core::attr_text(tamper.attrs, "state"), "cut");
  EXPECT_EQ(core::attr_bool(tamper.attrs, "initial"), false);

  f.module.set_input_register(0, 2000);  // open contact: an alarm, no longer a tamper
  ASSERT_TRUE(run_until(f.io, [&] { return f.events.size() == 2; }));
  EXPECT_EQ(f.events[1].kind, core::EventKind::line_restored);
  EXPECT_EQ(core::attr_text(f.events[1].attrs, "state"), "alarm");
}

TEST(SupervisedInput, ShortedLoopFoundAtConnectIsReportedAsInitialTamper) {
  Fixture f(100);  // short
  ASSERT_TRUE(run_until(f.io, [&] { return !f.events.empty(); }));
  EXPECT_EQ(f.events[0].kind, core::EventKind::line_tamper);
  EXPECT_EQ(core::attr_text(f.events[0].attrs, "state"), "short");
  EXPECT_EQ(core::attr_bool(f.events[0].attrs, "initial"), true);
}

}  // namespace
}  // namespace vigil::app
