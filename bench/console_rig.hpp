// A real vigil-console for benches: a generated config (one operator with a
// scrypt hash and a key file) pointed at a broker, the console as a child
// process on a free loopback port, an HTTP login as a browser does it, and
// WebSocket readers (Boost.Beast) that time every message they receive.
#pragma once

#include <sys/types.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <thread>

#include "vigil/testing/child_process.hpp"
#include "vigil/testing/temp_dir.hpp"

namespace vigil::bench {

class ConsoleRig {
 public:
  // Starts vigil-console (binary $VIGIL_CONSOLE_BIN, else VIGIL_CONSOLE_PATH) against the broker on
  // 127.0.0.1:broker_port and waits until it serves HTTP. Throws on failure.
  ConsoleRig(std::uint16_t broker_port, const std::string& topic_root = "vigil");
  ~ConsoleRig();
  ConsoleRig(const ConsoleRig&) = delete;
  ConsoleRig& operator=(const ConsoleRig&) = delete;

  std::uint16_t port() const { return port_; }
  pid_t pid() const { return child_->pid(); }
  // POST /login as the operator; the session cookie value ("vigil_session=...").
  std::string login() const;
  std::string log() const;

 private:
  vigil::testing::TempDir dir_{"vigil-bench-console"};
  std::uint16_t port_ = 0;
  std::unique_ptr<vigil::testing::ChildProcess> child_;
};

// One browser's WebSocket (GET /ws with the session cookie and a same-origin
// Origin header), read on its own thread until close(). on_message gets each
// text message with the steady-clock time it was read.
class WsReader {
 public:
  using OnMessage =
      std::function<void(std::string_view text, std::chrono::steady_clock::time_point at)>;
  WsReader(std::uint16_t port, const std::string& cookie, OnMessage on_message);
  ~WsReader();  // close()
  WsReader(const WsReader&) = delete;
  WsReader& operator=(const WsReader&) = delete;
  void close();
  std::uint64_t messages() const { return messages_; }
  std::uint64_t bytes() const { return bytes_; }

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  OnMessage on_message_;
  std::atomic<std::uint64_t> messages_{0};
  std::atomic<std::uint64_t> bytes_{0};
  std::thread thread_;
};

// /proc/<pid>: user+system CPU seconds so far, VmRSS and VmHWM in KiB.
double cpu_seconds(pid_t pid);
struct Memory {
  long rss_kib = 0;
  long hwm_kib = 0;
};
Memory memory(pid_t pid);

// Calls f(n) for every incident in a queue or snapshot message, n being the
// number after the last '/' of its id (the seq vigild publishes): an incident
// reached the browser when its queue names it.
template <class F>
void for_each_queued(std::string_view text, F&& f) {
  if (!text.starts_with(R"({"queue":)") && !text.starts_with(R"({"gateways":)")) return;
  constexpr std::string_view kKey = R"("id":")";
  for (auto at = text.find(kKey); at != std::string_view::npos; at = text.find(kKey, at)) {
    at += kKey.size();
    const auto end = text.find('"', at);
    if (end == std::string_view::npos) return;
    const auto id = text.substr(at, end - at);
    const auto digits = id.substr(id.rfind('/') + 1);
    long n = 0;
    bool ok = !digits.empty();
    for (const char c : digits) {
      ok = ok && c >= '0' && c <= '9';
      n = n * 10 + (c - '0');
    }
    if (ok) f(n);
    at = end;
  }
}

}  // namespace vigil::bench
