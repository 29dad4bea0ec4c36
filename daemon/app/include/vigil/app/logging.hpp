// vigild's logging: spdlog with levels, one line per message. Under systemd
// (JOURNAL_STREAM set: stdout/stderr are connected to journald) lines carry
// no timestamp, since journald stamps them itself, and start with the
// sd-daemon "<N>" priority prefix so `journalctl -p warning` works.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace vigil::app {

// "trace", "debug", "info", "warning" (or "warn"), "error", "critical", "off".
// Returns false for an unknown name.
bool valid_log_level(std::string_view name);

struct LoggingOptions {
  std::string level = "info";
  // Overrides the JOURNAL_STREAM detection (tests); nullopt = detect.
  std::optional<bool> journald{};
};

// Installs vigild's default logger (stderr). Safe to call more than once.
void setup_logging(const LoggingOptions& options);

// True when stderr is the journald stream named by $JOURNAL_STREAM
// ("DEVICE:INODE", compared with fstat of fd 2), as sd_journal_stream_fd
// documents; a merely inherited variable does not count.
bool stderr_is_journald();

}  // namespace vigil::app
