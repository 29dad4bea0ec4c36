// vigil-console's own config (docs/console.md): where it listens, the broker
// it subscribes to (TLS and credentials as vigild's `broker` section), the
// topic root, and the operators who may log in: a scrypt password hash and
// the file holding the Ed25519 seed the console signs their commands with.
// Parsed with positions: every mistake comes back as `file:line:col`.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "vigil/config/diagnostic.hpp"

namespace vigil::console {

struct ConsoleBroker {
  std::string host = "127.0.0.1";
  std::uint16_t port = 1883;
  std::string username;
  std::string password;  // read from password_file
  std::string ca_file;   // empty: plain TCP
  std::string cert_file;
  std::string key_file;
  bool verify_hostname = true;
};

struct ConsoleOperator {
  std::string user;
  std::string display_name;
  std::string password_hash;  // "scrypt$N$r$p$salt$hash" (password.hpp)
  std::filesystem::path key_file;
  bool meeting_chair = false;  // may mark anyone's meeting follow-up done
};

struct ConsoleConfig {
  std::string listen_host = "127.0.0.1";
  std::uint16_t listen_port = 8080;
  // What one browser's WebSocket may have queued and not yet written
  // (`listen.max_queue_messages`, `listen.max_queue_kib`): past either, the
  // console closes that socket (outgoing_queue.hpp) and the page reconnects.
  std::size_t max_queue_messages = 2048;
  std::size_t max_queue_bytes = 16 * 1024 * 1024;
  ConsoleBroker broker;
  std::string topic_root = "vigil";
  std::vector<ConsoleOperator> operators;
  int max_failed_logins = 5;  // per user, then locked for `lockout`
  std::chrono::seconds lockout{60};
  std::chrono::seconds session_ttl{12 * 3600};
  // The meeting follow-ups' SQLite file (`meeting.db`; by default
  // vigil-console-meeting.db beside the config file).
  std::filesystem::path meeting_db;
  // The page says a command went unanswered after this long (`commands.reply_timeout_s`).
  std::chrono::seconds reply_timeout{10};
};

// Parses YAML text; `file` names it in diagnostics and relative paths
// (password_file, key_file) resolve against its folder. Never throws.
config::Result<ConsoleConfig> parse_console_config(const std::string& text,
                                                   const std::filesystem::path& file);
// Reads and parses a file (an unreadable file is a diagnostic, too).
config::Result<ConsoleConfig> load_console_config(const std::filesystem::path& file);

}  // namespace vigil::console
