#include "vigil/testing/mosquitto.hpp"

#include <pwd.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

#include <nlohmann/json.hpp>

#include "vigil/testing/mqtt_subscriber.hpp"

#include "vigil/testing/ports.hpp"

namespace vigil::testing {
namespace {

// The socket inode of the LISTEN socket on 127.0.0.1:port, or 0. Lines of
// /proc/net/tcp read "sl local rem st ... inode" with addresses in hex; the
// address is in host byte order (0100007F on x86), the port in network order.
unsigned long listening_inode(std::uint16_t port) {
  std::ifstream tcp("/proc/net/tcp");
  std::string line;
  std::getline(tcp, line);  // header
  char wanted[32];
  std::snprintf(wanted, sizeof wanted, "0100007F:%04X", static_cast<unsigned>(port));
  while (std::getline(tcp, line)) {
    std::istringstream in(line);
    std::string slot, local, remote, state, queues, timer, retransmits, uid, timeout;
    unsigned long inode = 0;
    in >> slot >> local >> remote >> state >> queues >> timer >> retransmits >> uid >> timeout >>
        inode;
    if (local == wanted && state == "0A") return inode;  // 0A: TCP_LISTEN
  }
  return 0;
}

// True if the process `pid` holds the socket with this inode: the listener is
// our broker, not some other program that took the port in the meantime.
bool process_owns_socket(pid_t pid, unsigned long inode) {
  const std::string wanted = "socket:[" + std::to_string(inode) + "]";
  std::error_code ec;
  std::filesystem::directory_iterator fds("/proc/" + std::to_string(pid) + "/fd", ec);
  if (ec) return false;
  for (const auto& fd : fds) {
    if (std::filesystem::read_symlink(fd.path(), ec).string() == wanted) return true;
  }
  return false;
}

// Mosquitto started as root drops to the "mosquitto" user, which could not
// write into our private temp dir; naming the current user keeps it as is.
std::string current_user() {
  const passwd* pw = ::getpwuid(::geteuid());
  return pw != nullptr ? pw->pw_name : "root";
}

}  // namespace

MosquittoProcess::MosquittoProcess(MosquittoOptions options)
    : options_(std::move(options)), dir_("vigil-mosquitto") {
  // A free port may be taken by someone else before the broker binds it (the
  // broker then exits): pick another one and try again.
  for (int attempt = 0; attempt < 5; ++attempt) {
    port_ = free_tcp_port();
    write_config();
    if (launch()) {
      // (Not on a TLS or password broker: the capture is a plain client.)
      if (std::getenv("VIGIL_MQTT_CAPTURE_DIR") != nullptr && options_.tls_ca_file.empty() &&
          options_.users.empty()) {
        SubscriberOptions capture;
        capture.auto_reconnect = true;
        capture_ = std::make_unique<MqttTestSubscriber>(uri(), "#", capture);
      }
      return;
    }
  }
  throw std::runtime_error("mosquitto did not start; log:\n" + log());
}

MosquittoProcess::~MosquittoProcess() {
  write_capture();
  capture_.reset();
  if (child_) child_->kill();
}

void MosquittoProcess::write_capture() noexcept {
  if (!capture_) return;
  try {
    static std::atomic<int> counter{0};
    const std::filesystem::path dir = std::getenv("VIGIL_MQTT_CAPTURE_DIR");
    std::filesystem::create_directories(dir);
    const auto file =
        dir / ("broker-" + std::to_string(::getpid()) + "-" + std::to_string(counter++) + ".jsonl");
    std::ofstream out(file);
    for (const auto& m : capture_->messages()) {
      nlohmann::json line{{"topic", m.topic}, {"payload", m.payload}, {"retained", m.retained}};
      out << line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
    }
  } catch (const std::exception&) {
    // A capture that cannot be written shows up as too few messages checked.
  }
}

void MosquittoProcess::start() {
  if (running()) return;
  // The same port, so clients reconnect to the address they know. Retried until
  // the timeout: the port may be briefly held by a socket of the old broker.
  const auto deadline = std::chrono::steady_clock::now() + options_.start_timeout;
  while (!launch()) {
    if (std::chrono::steady_clock::now() >= deadline) {
      throw std::runtime_error("mosquitto did not restart on port " + std::to_string(port_) +
                               "; log:\n" + log());
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

void MosquittoProcess::stop() {
  if (!child_) return;
  child_->stop();
  child_.reset();
}

bool MosquittoProcess::running() {
  return child_ && child_->running();
}

std::string MosquittoProcess::uri() const {
  return (options_.tls_ca_file.empty() ? "tcp://" : "ssl://") + std::string{"127.0.0.1:"} +
         std::to_string(port_);
}

std::string MosquittoProcess::log() const {
  std::ifstream in(log_path());
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

void MosquittoProcess::write_config() const {
  std::ofstream conf(config_path(), std::ios::trunc);
  conf << "# written by vigil::testing::MosquittoProcess\n"
       << "listener " << port_ << " 127.0.0.1\n"
       << "allow_anonymous " << (options_.users.empty() ? "true" : "false") << "\n"
       << "persistence " << (options_.persistence ? "true" : "false") << "\n"
       << "persistence_location " << dir_.path().string() << "/\n"
       << "user " << current_user() << "\n"
       << "log_dest stderr\n"
       << "log_type error\nlog_type warning\nlog_type notice\nlog_type information\n"
       << "connection_messages true\n"
       << "log_timestamp_format %Y-%m-%dT%H:%M:%S\n"
       // No queue limit for a console that is away (the default drops past
       // 1,000): the tests check what the gateway sends, not this policy.
       << "max_queued_messages 0\n";
  if (!options_.tls_ca_file.empty()) {
    conf << "cafile " << options_.tls_ca_file.string() << "\n"
         << "certfile " << options_.tls_cert_file.string() << "\n"
         << "keyfile " << options_.tls_key_file.string() << "\n"
         << "require_certificate " << (options_.require_certificate ? "true" : "false") << "\n";
  }
  if (!options_.users.empty()) {
    const auto passwd = dir_.file("passwd");
    std::filesystem::remove(passwd);
    for (const auto& [user, password] : options_.users) {
      const std::string command = "mosquitto_passwd -b " +
                                  std::string(std::filesystem::exists(passwd) ? "" : "-c ") +
                                  passwd.string() + " '" + user + "' '" + password + "'";
      if (std::system((command + " >/dev/null 2>&1").c_str()) != 0) {
        throw std::runtime_error("`" + command + "` failed");
      }
    }
    conf << "password_file " << passwd.string() << "\n";
  }
  if (!conf) throw std::runtime_error("cannot write " + config_path().string());
}

bool MosquittoProcess::launch() {
  child_ = std::make_unique<ChildProcess>(
      std::vector<std::string>{options_.binary.string(), "-c", config_path().string()}, log_path());
  const auto deadline = std::chrono::steady_clock::now() + options_.start_timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (!child_->running()) break;  // e.g. "Address already in use"
    const unsigned long inode = listening_inode(port_);
    if (inode != 0 && process_owns_socket(child_->pid(), inode) && tcp_port_accepts(port_)) {
      return true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  child_->kill();
  child_.reset();
  return false;
}

}  // namespace vigil::testing
