#include <csignal>
#include <ostream>

#include "vigil/config/load.hpp"
#include "watch_command.hpp"

namespace vigil::ctl {
namespace {

volatile std::sig_atomic_t g_watch_stop = 0;

extern "C" void watch_on_signal(int) {
  g_watch_stop = 1;
}

// "HOST:PORT", "[v6]:PORT" or "HOST" (port 1883).
bool parse_broker(const std::string& text, mqtt::WatchBroker& broker) {
  std::string host = text;
  std::string port;
  if (text.starts_with("[")) {
    const auto close = text.find(']');
    if (close == std::string::npos) return false;
    host = text.substr(1, close - 1);
    if (close + 1 < text.size()) {
      if (text[close + 1] != ':') return false;
      port = text.substr(close + 2);
    }
  } else if (const auto colon = text.rfind(':'); colon != std::string::npos) {
    host = text.substr(0, colon);
    port = text.substr(colon + 1);
  }
  if (host.empty()) return false;
  broker.host = host;
  if (port.empty()) return true;
  if (port.size() > 5 || port.find_first_not_of("0123456789") != std::string::npos) return false;
  const unsigned long n = std::stoul(port);
  if (n == 0 || n > 65535) return false;
  broker.port = static_cast<std::uint16_t>(n);
  return true;
}

}  // namespace

int watch(const WatchArgs& args, std::ostream& out, std::ostream& err) {
  auto loaded = config::load_site_config(args.config_path);
  if (!loaded) {
    err << config::to_string(loaded.diagnostics());
    return 2;
  }
  const config::SiteConfig& config = loaded.value();
  if (!args.zone.empty() && config.site.find_zone(core::ZoneId{args.zone}) == nullptr) {
    err << "vigilctl: no zone '" << args.zone << "' in " << args.config_path << "\n";
    return 2;
  }
  mqtt::WatchBroker broker;
  broker.host = config.broker.host;
  broker.port = config.broker.port;
  broker.username = config.broker.username;
  broker.password = config.broker.password;
  broker.ca_file = config.broker.tls_ca_file;
  broker.cert_file = config.broker.tls_cert_file;
  broker.key_file = config.broker.tls_key_file;
  broker.verify_hostname = config.broker.tls_verify_hostname;
  if (!args.broker.empty() && !parse_broker(args.broker, broker)) {
    err << "vigilctl: --broker wants HOST:PORT, got '" << args.broker << "'\n";
    return 2;
  }

  g_watch_stop = 0;
  std::signal(SIGINT, watch_on_signal);
  std::signal(SIGTERM, watch_on_signal);
  WatchLines lines(config, args.zone, args.plain);
  const std::string failed = mqtt::watch_topics(
      broker, lines.filters(),
      [&](const mqtt::WatchMessage& m) {
        if (auto text = lines.line(m)) out << *text << std::endl;  // flushed: a log or a pipe
      },
      [&](bool up, const std::string& why) {
        // On stderr, so the line stream on stdout stays one kind of line.
        if (up) {
          err << "vigilctl watch: subscribed at " << broker.host << ":" << broker.port << std::endl;
        } else {
          err << "vigilctl watch: " << why << "; reconnecting" << std::endl;
        }
      },
      [] { return g_watch_stop != 0; });
  if (!failed.empty()) {
    err << "vigilctl watch: " << failed << "\n";
    return 1;
  }
  return 0;
}

}  // namespace vigil::ctl
