#include "vigil/console/config.hpp"

#include <yaml-cpp/yaml.h>

#include <charconv>
#include <fstream>
#include <optional>
#include <set>
#include <sstream>

#include "vigil/console/password.hpp"

namespace vigil::console {
namespace {

// Collects diagnostics with positions, like daemon/config's reader.
class Reader {
 public:
  explicit Reader(std::filesystem::path file) : file_(std::move(file)) {}

  void error(const YAML::Node& node, const std::string& message) {
    const auto mark = node.Mark();
    const int line = mark.is_null() ? 0 : mark.line + 1;
    const int col = mark.is_null() ? 0 : mark.column + 1;
    list_.push_back({file_.string(), line, col, message});
  }
  void error(const std::string& message) { list_.push_back({file_.string(), 0, 0, message}); }

  // Checks every key of `map` is one of `known`.
  bool mapping(const YAML::Node& map, const std::string& what, std::set<std::string> known) {
    if (!map.IsMap()) {
      error(map, "'" + what + "': expected a mapping");
      return false;
    }
    for (const auto& kv : map) {
      const auto key = kv.first.Scalar();
      if (!known.contains(key)) error(kv.first, "'" + what + "': unknown key '" + key + "'");
    }
    return true;
  }

  std::optional<std::string> text(const YAML::Node& node, const std::string& key) {
    if (!node.IsScalar()) {
      error(node, "'" + key + "': expected text");
      return std::nullopt;
    }
    return node.Scalar();
  }

  template <class Int>
  std::optional<Int> integer(const YAML::Node& node, const std::string& key, Int lo, Int hi) {
    const auto s = text(node, key);
    if (!s) return std::nullopt;
    Int v{};
    const auto [end, ec] = std::from_chars(s->data(), s->data() + s->size(), v);
    if (ec != std::errc{} || end != s->data() + s->size() || v < lo || v > hi) {
      error(node, "'" + key + "': expected a whole number from " + std::to_string(lo) + " to " +
                      std::to_string(hi) + ", got '" + *s + "'");
      return std::nullopt;
    }
    return v;
  }

  std::optional<bool> boolean(const YAML::Node& node, const std::string& key) {
    const auto s = text(node, key);
    if (!s) return std::nullopt;
    if (*s == "true") return true;
    if (*s == "false") return false;
    error(node, "'" + key + "': expected true or false, got '" + *s + "'");
    return std::nullopt;
  }

  std::filesystem::path path(const std::string& value) const {
    const std::filesystem::path p(value);
    return p.is_absolute() ? p : file_.parent_path() / p;
  }

  std::vector<config::Diagnostic> take() { return std::move(list_); }
  bool ok() const { return list_.empty(); }

 private:
  std::filesystem::path file_;
  std::vector<config::Diagnostic> list_;
};

void read_listen(const YAML::Node& node, ConsoleConfig& c, Reader& r) {
  if (!r.mapping(node, "listen", {"host", "port", "max_queue_messages", "max_queue_kib"})) return;
  if (node["host"]) {
    if (auto v = r.text(node["host"], "listen.host")) c.listen_host = *v;
  }
  if (node["port"]) {
    if (auto v = r.integer<std::uint16_t>(node["port"], "listen.port", 0, 65535)) {
      c.listen_port = *v;
    }
  }
  if (node["max_queue_messages"]) {
    if (auto v = r.integer<int>(node["max_queue_messages"], "listen.max_queue_messages", 16,
                                1'000'000)) {
      c.max_queue_messages = static_cast<std::size_t>(*v);
    }
  }
  if (node["max_queue_kib"]) {
    if (auto v = r.integer<int>(node["max_queue_kib"], "listen.max_queue_kib", 64, 1'048'576)) {
      c.max_queue_bytes = static_cast<std::size_t>(*v) * 1024;
    }
  }
}

void read_broker(const YAML::Node& node, ConsoleConfig& c, Reader& r) {
  if (!r.mapping(node, "broker",
                 {"host", "port", "topic_root", "username", "password_file", "tls"})) {
    return;
  }
  auto& b = c.broker;
  if (node["host"]) {
    if (auto v = r.text(node["host"], "broker.host")) b.host = *v;
  }
  if (node["port"]) {
    if (auto v = r.integer<std::uint16_t>(node["port"], "broker.port", 1, 65535)) b.port = *v;
  }
  if (node["topic_root"]) {
    if (auto v = r.text(node["topic_root"], "broker.topic_root")) {
      if (v->empty() || v->front() == '$' || v->find_first_of("+#") != std::string::npos ||
          v->front() == '/' || v->back() == '/' || v->find("//") != std::string::npos) {
        r.error(node["topic_root"], "'broker.topic_root': not a usable topic prefix: '" + *v + "'");
      } else {
        c.topic_root = *v;
      }
    }
  }
  if (node["username"]) {
    if (auto v = r.text(node["username"], "broker.username")) b.username = *v;
  }
  if (node["password_file"]) {
    if (auto v = r.text(node["password_file"], "broker.password_file")) {
      std::ifstream in(r.path(*v));
      if (!in || !std::getline(in, b.password)) {
        r.error(node["password_file"], "'broker.password_file': cannot read '" + *v + "'");
      }
      if (b.username.empty()) {
        r.error(node["password_file"], "'broker.password_file': needs 'broker.username'");
      }
    }
  }
  if (const auto tls = node["tls"]) {
    if (!r.mapping(tls, "broker.tls", {"ca_file", "cert_file", "key_file", "verify_hostname"})) {
      return;
    }
    if (!tls["ca_file"]) r.error(tls, "'broker.tls': 'ca_file' is required");
    for (auto [key, out] : {std::pair{"ca_file", &b.ca_file}, std::pair{"cert_file", &b.cert_file},
                            std::pair{"key_file", &b.key_file}}) {
      if (!tls[key]) continue;
      if (auto v = r.text(tls[key], std::string("broker.tls.") + key)) *out = r.path(*v).string();
    }
    if (b.cert_file.empty() != b.key_file.empty()) {
      r.error(tls, "'broker.tls': 'cert_file' and 'key_file' go together");
    }
    if (tls["verify_hostname"]) {
      if (auto v = r.boolean(tls["verify_hostname"], "broker.tls.verify_hostname")) {
        b.verify_hostname = *v;
      }
    }
  }
}

void read_logins(const YAML::Node& node, ConsoleConfig& c, Reader& r) {
  if (!r.mapping(node, "logins", {"max_failures", "lockout_s", "session_hours"})) return;
  if (node["max_failures"]) {
    if (auto v = r.integer<int>(node["max_failures"], "logins.max_failures", 1, 100)) {
      c.max_failed_logins = *v;
    }
  }
  if (node["lockout_s"]) {
    if (auto v = r.integer<int>(node["lockout_s"], "logins.lockout_s", 1, 86400)) {
      c.lockout = std::chrono::seconds(*v);
    }
  }
  if (node["session_hours"]) {
    if (auto v = r.integer<int>(node["session_hours"], "logins.session_hours", 1, 168)) {
      c.session_ttl = std::chrono::hours(*v);
    }
  }
}

void read_meeting(const YAML::Node& node, ConsoleConfig& c, Reader& r) {
  if (!r.mapping(node, "meeting", {"db"})) return;
  if (node["db"]) {
    if (auto v = r.text(node["db"], "meeting.db")) {
      if (v->empty()) {
        r.error(node["db"], "'meeting.db': expected a file name");
      } else {
        c.meeting_db = r.path(*v);
      }
    }
  }
}

void read_commands(const YAML::Node& node, ConsoleConfig& c, Reader& r) {
  if (!r.mapping(node, "commands", {"reply_timeout_s"})) return;
  if (node["reply_timeout_s"]) {
    if (auto v = r.integer<int>(node["reply_timeout_s"], "commands.reply_timeout_s", 1, 300)) {
      c.reply_timeout = std::chrono::seconds(*v);
    }
  }
}

bool user_name(const std::string& s) {
  if (s.empty() || s.size() > 64) return false;
  for (const char ch : s) {
    const bool ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
                    (ch >= '0' && ch <= '9') || ch == '-' || ch == '_' || ch == '.';
    if (!ok) return false;
  }
  return true;
}

void read_operators(const YAML::Node& node, ConsoleConfig& c, Reader& r) {
  if (!node.IsSequence()) {
    r.error(node, "'operators': expected a list");
    return;
  }
  std::set<std::string> seen;
  for (const auto& item : node) {
    if (!r.mapping(item, "operators", {"user", "name", "password", "key_file", "meeting_chair"})) {
      continue;
    }
    ConsoleOperator op;
    bool complete = true;
    for (const char* key : {"user", "password", "key_file"}) {
      if (!item[key]) {
        r.error(item, std::string("'operators': '") + key + "' is required");
        complete = false;
      }
    }
    if (!complete) continue;
    if (auto v = r.text(item["user"], "operators.user")) {
      if (!user_name(*v)) {
        r.error(item["user"],
                "'operators.user': letters, digits, '-', '_' and '.' only, got '" + *v + "'");
      } else if (!seen.insert(*v).second) {
        r.error(item["user"], "'operators.user': '" + *v + "' is listed twice");
      }
      op.user = *v;
    }
    op.display_name = op.user;
    if (item["name"]) {
      if (auto v = r.text(item["name"], "operators.name")) op.display_name = *v;
    }
    if (auto v = r.text(item["password"], "operators.password")) {
      if (!is_password_hash(*v)) {
        r.error(item["password"],
                "'operators.password': not a scrypt hash line (make one with "
                "`vigil-console passwd`)");
      }
      op.password_hash = *v;
    }
    if (auto v = r.text(item["key_file"], "operators.key_file")) op.key_file = r.path(*v);
    if (item["meeting_chair"]) {
      if (auto v = r.boolean(item["meeting_chair"], "operators.meeting_chair")) {
        op.meeting_chair = *v;
      }
    }
    c.operators.push_back(std::move(op));
  }
}

}  // namespace

config::Result<ConsoleConfig> parse_console_config(const std::string& text,
                                                   const std::filesystem::path& file) {
  Reader r(file);
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    return std::vector<config::Diagnostic>{{file.string(), e.mark.is_null() ? 0 : e.mark.line + 1,
                                            e.mark.is_null() ? 0 : e.mark.column + 1,
                                            "not valid YAML: " + e.msg}};
  }
  ConsoleConfig c;
  c.meeting_db = r.path("vigil-console-meeting.db");
  if (!r.mapping(root, "(top level)",
                 {"listen", "broker", "operators", "logins", "meeting", "commands"})) {
    return r.take();
  }
  if (root["listen"]) read_listen(root["listen"], c, r);
  if (root["broker"]) read_broker(root["broker"], c, r);
  if (root["logins"]) read_logins(root["logins"], c, r);
  if (root["meeting"]) read_meeting(root["meeting"], c, r);
  if (root["commands"]) read_commands(root["commands"], c, r);
  if (root["operators"]) {
    read_operators(root["operators"], c, r);
  } else {
    r.error("'operators': required (nobody could log in)");
  }
  if (!r.ok()) return r.take();
  return c;
}

config::Result<ConsoleConfig> load_console_config(const std::filesystem::path& file) {
  std::ifstream in(file);
  if (!in) {
    return std::vector<config::Diagnostic>{{file.string(), 0, 0, "cannot read the file"}};
  }
  std::ostringstream text;
  text << in.rdbuf();
  return parse_console_config(text.str(), file);
}

}  // namespace vigil::console
