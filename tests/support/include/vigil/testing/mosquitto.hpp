// A real mosquitto broker for tests: /usr/sbin/mosquitto as a child process,
// listening on 127.0.0.1 only, on a free port, anonymous clients allowed and,
// by default, no persistence. Its config and log live in a private TempDir
// (log() returns the log for failure messages). stop() and start() restart it
// on the SAME port, which is what broker-outage tests need: clients configured
// with the old address reconnect to the new broker. The destructor kills the
// broker; nothing is left running even when the test fails.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "vigil/testing/child_process.hpp"
#include "vigil/testing/temp_dir.hpp"

namespace vigil::testing {

struct MosquittoOptions {
  // Off by default: each start is a fresh broker with no retained messages and
  // no sessions. On: the broker saves sessions, subscriptions, queued QoS 1/2
  // messages and retained messages when stop() ends it, and reloads them on
  // start(), as a production broker with persistence would.
  bool persistence = false;
  std::filesystem::path binary = "/usr/sbin/mosquitto";
  // A TLS-only listener when ca_file is set (PEM files). With
  // require_certificate a client must present a certificate signed by ca_file.
  std::filesystem::path tls_ca_file{};
  std::filesystem::path tls_cert_file{};
  std::filesystem::path tls_key_file{};
  bool require_certificate = false;
  // When not empty, anonymous clients are refused and these may log in.
  std::vector<std::pair<std::string, std::string>> users{};
  // How long start() waits for the broker to accept connections.
  std::chrono::milliseconds start_timeout = std::chrono::seconds(10);
};

class MqttTestSubscriber;

class MosquittoProcess {
 public:
  // Picks a free port, writes the config and starts the broker. Throws
  // std::runtime_error (with the broker's log) if it does not come up.
  explicit MosquittoProcess(MosquittoOptions options = {});
  ~MosquittoProcess();
  MosquittoProcess(const MosquittoProcess&) = delete;
  MosquittoProcess& operator=(const MosquittoProcess&) = delete;

  // Starts the broker again on the same port after stop(). Returns once the
  // port accepts connections. No-op if it is running.
  void start();
  // Ends the broker with SIGTERM (clients see their connections close, as in a
  // broker restart) and waits for it to exit. No-op if it is not running.
  void stop();
  bool running();

  std::string host() const { return "127.0.0.1"; }
  std::uint16_t port() const { return port_; }
  // "tcp://127.0.0.1:<port>", the form Paho clients take.
  std::string uri() const;
  std::filesystem::path config_path() const { return dir_.file("mosquitto.conf"); }
  std::filesystem::path log_path() const { return dir_.file("mosquitto.log"); }
  // The broker's log so far, for assertion messages.
  std::string log() const;

 private:
  void write_config() const;
  // Starts the child and waits until it listens; false if it exited first
  // (port taken) or did not come up within the timeout.
  bool launch();

  MosquittoOptions options_;
  TempDir dir_;
  std::uint16_t port_ = 0;
  std::unique_ptr<ChildProcess> child_;
  // With VIGIL_MQTT_CAPTURE_DIR set (the integration suite sets it), every
  // message on the broker is recorded and written there as JSON lines when
  // the broker is destroyed, for the payload schema check (docs/schema/).
  std::unique_ptr<MqttTestSubscriber> capture_;
  void write_capture() noexcept;
};

}  // namespace vigil::testing
