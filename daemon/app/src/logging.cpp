#include "vigil/app/logging.hpp"

#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>

#include <cstdio>
#include <cstdlib>
#include <memory>

namespace vigil::app {
namespace {

std::optional<spdlog::level::level_enum> parse_level(std::string_view name) {
  if (name == "warning") return spdlog::level::warn;
  auto level = spdlog::level::from_str(std::string(name));
  // from_str answers "off" for anything it does not know.
  if (level == spdlog::level::off && name != "off") return std::nullopt;
  return level;
}

// "<N>": syslog priority of the message, read by journald from the start of
// each line (sd-daemon(3)).
class SyslogPriorityFlag final : public spdlog::custom_flag_formatter {
 public:
  void format(const spdlog::details::log_msg& msg, const std::tm&,
              spdlog::memory_buf_t& dest) override {
    char priority = '6';
    switch (msg.level) {
      case spdlog::level::trace:
      case spdlog::level::debug:
        priority = '7';
        break;
      case spdlog::level::info:
        priority = '6';
        break;
      case spdlog::level::warn:
        priority = '4';
        break;
      case spdlog::level::err:
        priority = '3';
        break;
      case spdlog::level::critical:
        priority = '2';
        break;
      default:
        break;
    }
    const char text[3] = {'<', priority, '>'};
    dest.append(text, text + 3);
  }
  std::unique_ptr<custom_flag_formatter> clone() const override {
    return std::make_unique<SyslogPriorityFlag>();
  }
};

}  // namespace

bool valid_log_level(std::string_view name) {
  return parse_level(name).has_value();
}

bool stderr_is_journald() {
  const char* stream = std::getenv("JOURNAL_STREAM");
  if (stream == nullptr) return false;
  unsigned long long device = 0;
  unsigned long long inode = 0;
  if (std::sscanf(stream, "%llu:%llu", &device, &inode) != 2) return false;
  struct stat st {};
  if (fstat(2, &st) != 0) return false;
  return static_cast<unsigned long long>(st.st_dev) == device &&
         static_cast<unsigned long long>(st.st_ino) == inode;
}

void setup_logging(const LoggingOptions& options) {
  auto logger = spdlog::get("vigild");
  if (!logger) {
    logger = std::make_shared<spdlog::logger>("vigild",
                                              std::make_shared<spdlog::sinks::stderr_sink_mt>());
    spdlog::set_default_logger(logger);
  }
  const bool journald = options.journald.value_or(stderr_is_journald());
  auto formatter = std::make_unique<spdlog::pattern_formatter>();
  if (journald) {
    formatter->add_flag<SyslogPriorityFlag>('*').set_pattern("%*%v");
  } else {
    formatter->set_pattern("%Y-%m-%dT%H:%M:%S.%f%z %l %v");
  }
  logger->set_formatter(std::move(formatter));
  logger->set_level(parse_level(options.level).value_or(spdlog::level::info));
  // A door controller's log is read after an incident: never lose the tail.
  logger->flush_on(spdlog::level::trace);
}

}  // namespace vigil::app
