#include "vigil/testing/tcp_relay.hpp"

#include <csignal>
#include <fstream>
#include <regex>
#include <sstream>
#include <stdexcept>
#include <string>

#include "vigil/testing/ports.hpp"
#include "vigil/testing/wait.hpp"

namespace vigil::testing {

TcpRelay::TcpRelay(std::uint16_t upstream_port, bool mqtt311_only) {
  // The kernel's free port may be taken by the time the relay binds: retry.
  for (int attempt = 0; attempt < 5 && !child_; ++attempt) {
    port_ = free_tcp_port();
    const auto ready = dir_.file("ready");
    std::vector<std::string> argv{VIGIL_PYTHON3, VIGIL_TCP_RELAY_SCRIPT, std::to_string(port_),
                                  std::to_string(upstream_port), ready.string()};
    if (mqtt311_only) argv.emplace_back("--mqtt311-only");
    auto child = std::make_unique<ChildProcess>(std::move(argv), dir_.file("relay.log"));
    if (eventually([&] { return std::filesystem::exists(ready) || !child->running(); },
                   std::chrono::seconds(10)) &&
        child->running()) {
      child_ = std::move(child);
    }
  }
  if (!child_) throw std::runtime_error("tcp_relay did not start: " + log());
}

TcpRelay::~TcpRelay() {
  if (child_) child_->stop(std::chrono::seconds(2));
}

int TcpRelay::cut(std::chrono::milliseconds timeout) {
  child_->signal(SIGUSR1);
  ++cuts_;
  int cut = -1;
  eventually(
      [&] {
        // The relay prints "cut N connections" once per cut, in order.
        static const std::regex line("cut ([0-9]+) connections");
        const std::string text = log();
        int seen = 0;
        for (std::sregex_iterator it(text.begin(), text.end(), line), end; it != end; ++it) {
          if (++seen == cuts_) cut = std::stoi((*it)[1].str());
        }
        return seen >= cuts_;
      },
      timeout, std::chrono::milliseconds(1));
  return cut;
}

std::string TcpRelay::log() const {
  std::ifstream in(dir_.file("relay.log"));
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

}  // namespace vigil::testing
