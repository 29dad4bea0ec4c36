// Parse: the scalar sections (site, journal, broker, incidents).
#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>

#include "draft.hpp"

namespace vigil::config {

// A visitor and the escort badge one after the other at one door: under a
// second is a typo, over two minutes is no longer "together".
const char* escort_window_error(core::Duration window) {
  if (window < std::chrono::seconds(1) || window > std::chrono::minutes(2))
    return "'escort_window': must be between 1s and 2min";
  return nullptr;
}

void parse_site(const YAML::Node& node, Draft& draft, Diagnostics& diag) {
  MapReader site(node, "site",
                 {"id", "gateway", "time_zone", "clock_jump_threshold", "return_report_after",
                  "module_library", "escort_window"},
                 diag);
  if (!site.ok()) return;
  if (auto v = site.id("id", Need::required)) draft.site_id = *v;
  if (auto v = site.id("gateway", Need::required)) draft.gateway = *v;
  if (auto v = site.string("time_zone", Need::required)) {
    if (v->value.empty()) {
      diag.error(v->pos, "'time_zone': must not be empty (e.g. Europe/Berlin, or UTC)");
    } else {
      draft.time_zone = *v;
    }
  }
  // Trip destinations after which zones marked requires_return_report wait
  // for the return report (compared exactly with a trip's destination).
  const YAML::Node destinations = site.get("return_report_after");
  if (destinations.IsDefined() && expect_list(destinations, "return_report_after", diag)) {
    for (const auto& item : destinations) {
      auto v = read_string(item, "return_report_after", diag);
      if (!v) continue;
      if (v->value.empty()) {
        diag.error(v->pos, "'return_report_after': a destination must not be empty");
      } else {
        draft.return_report_destinations.push_back(v->value);
      }
    }
  }

  if (auto v = site.duration("escort_window", Need::optional)) {
    if (auto error = escort_window_error(v->value)) {
      diag.error(v->pos, error);
    } else {
      draft.escort_window = v->value;
    }
  }
  // Where `module: TYPE` devices find TYPE.yaml; relative to this file.
  if (auto v = site.string("module_library", Need::optional)) draft.module_library = *v;
  if (auto v = site.duration("clock_jump_threshold", Need::optional)) {
    // Below a few hundred ms, NTP's ordinary slews and scheduling delays of
    // the tick itself would be reported as clock steps.
    if (v->value < std::chrono::milliseconds(500)) {
      diag.error(v->pos, "'clock_jump_threshold': must be at least 500ms");
    } else {
      draft.clock_jump_threshold = v->value;
    }
  }
}

void parse_journal(const YAML::Node& node, Draft& draft, Diagnostics& diag) {
  MapReader journal(node, "journal",
                    {"path", "checkpoint_every", "checkpoint_interval", "retention", "archive_dir"},
                    diag);
  if (!journal.ok()) return;
  if (auto v = journal.string("path", Need::required)) {
    if (v->value.empty()) {
      diag.error(v->pos, "'path': must not be empty");
    } else {
      draft.journal_path = *v;
    }
  }
  // Signed checkpoints: every N events or T, whichever comes first.
  if (auto v = journal.integer("checkpoint_every", Need::optional, 1, 1'000'000)) {
    draft.checkpoint_every_events = static_cast<std::uint64_t>(v->value);
  }
  if (auto v = journal.duration("checkpoint_interval", Need::optional)) {
    if (v->value < std::chrono::seconds(1) || v->value > std::chrono::hours(24)) {
      diag.error(v->pos, "'checkpoint_interval': must be between 1s and 24h");
    } else {
      draft.checkpoint_interval = v->value;
    }
  }
  // Where the per-month archive files go (docs/journal.md, "Archives").
  if (auto v = journal.string("archive_dir", Need::optional)) {
    const std::string dir = v->value.empty() ? "" : resolve_config_path(draft.source, v->value);
    const std::string live = resolve_config_path(
        draft.source, draft.journal_path ? draft.journal_path->value : "/var/lib/vigil/journal.db");
    std::error_code ec;
    if (v->value.empty()) {
      diag.error(v->pos, "'archive_dir': must not be empty (leave it out for <path>.archive)");
    } else if (std::filesystem::path(dir).lexically_normal() ==
               std::filesystem::path(live).lexically_normal()) {
      diag.error(v->pos, "'archive_dir': must be a folder, not the journal file itself");
    } else if (std::filesystem::exists(dir, ec) && !std::filesystem::is_directory(dir, ec)) {
      diag.error(v->pos, "'archive_dir': " + dir + " exists and is not a folder");
    } else {
      draft.journal_archive_dir = *v;
    }
  }
  // vigild archives whole UTC months older than this by itself
  // (docs/journal.md, "Retention in vigild").
  if (journal.has("retention")) {
    MapReader retention(journal.get("retention"), "journal.retention", {"keep_months"}, diag);
    if (retention.ok()) {
      if (auto v = retention.integer("keep_months", Need::required, 1, 1200)) {
        draft.retention_keep_months = static_cast<unsigned>(v->value);
      }
    }
  }
}

namespace {

// A file the daemon will read, resolved against the config's folder; an
// error at `pos` if it cannot be read now (a typo found by `config check`,
// not at the first reconnect).
std::optional<std::string> readable_file(const Draft& draft, const Located<std::string>& v,
                                         std::string_view key, Diagnostics& diag) {
  const std::string path = resolve_config_path(draft.source, v.value);
  std::ifstream in(path);
  if (v.value.empty() || !in) {
    diag.error(v.pos, "'" + std::string(key) + "': cannot read '" + path + "'");
    return std::nullopt;
  }
  return path;
}

void parse_broker_security(const MapReader& broker, Draft& draft, Diagnostics& diag) {
  BrokerConfig& out = draft.broker;
  auto username = broker.string("username", Need::optional);
  if (username) out.username = username->value;
  if (auto v = broker.string("password_file", Need::optional)) {
    if (!username) {
      diag.error(v->pos, "'password_file': needs a 'username'");
    } else if (auto path = readable_file(draft, *v, "password_file", diag)) {
      std::ifstream in(*path);
      std::getline(in, out.password);  // the first line; no trailing newline
    }
  }
  if (broker.has("events")) {
    MapReader events(broker.get("events"), "broker.events", {"publish", "qos", "personal_data"},
                     diag);
    if (events.ok()) {
      if (auto v = events.boolean("publish", Need::optional)) out.events_publish = v->value;
      if (auto v = events.integer("qos", Need::optional, 0, 1)) {
        out.events_qos = static_cast<int>(v->value);
      }
      if (auto v = events.string("personal_data", Need::optional)) {
        if (v->value == "none" || v->value == "id" || v->value == "full_name") {
          out.events_personal_data = v->value;
        } else {
          diag.error(v->pos,
                     "'personal_data': '" + v->value + "' is not one of none, id, full_name");
        }
      }
    }
  }
  if (!broker.has("tls")) return;
  MapReader tls(broker.get("tls"), "broker.tls",
                {"ca_file", "cert_file", "key_file", "verify_hostname"}, diag);
  if (!tls.ok()) return;
  if (auto v = tls.string("ca_file", Need::required)) {
    if (auto path = readable_file(draft, *v, "ca_file", diag)) out.tls_ca_file = *path;
  }
  auto cert = tls.string("cert_file", Need::optional);
  auto key = tls.string("key_file", Need::optional);
  if (cert && !key) diag.error(cert->pos, "'cert_file': needs its 'key_file'");
  if (key && !cert) diag.error(key->pos, "'key_file': needs its 'cert_file'");
  if (cert && key) {
    if (auto path = readable_file(draft, *cert, "cert_file", diag)) out.tls_cert_file = *path;
    if (auto path = readable_file(draft, *key, "key_file", diag)) out.tls_key_file = *path;
  }
  if (auto v = tls.boolean("verify_hostname", Need::optional)) out.tls_verify_hostname = v->value;
}

}  // namespace

void parse_broker(const YAML::Node& node, Draft& draft, Diagnostics& diag) {
  MapReader broker(node, "broker",
                   {"host", "port", "client_id", "keepalive", "topic_root", "tls", "username",
                    "password_file", "events", "digest", "protocol", "state_expiry"},
                   diag);
  if (!broker.ok()) return;
  BrokerConfig& out = draft.broker;
  parse_broker_security(broker, draft, diag);
  if (broker.has("digest")) {
    MapReader digest(broker.get("digest"), "broker.digest", {"at", "enabled"}, diag);
    if (digest.ok()) {
      if (auto v = digest.boolean("enabled", Need::optional)) out.digest_enabled = v->value;
      if (auto v = digest.string("at", Need::optional)) {
        // Local time of day, HH:MM or HH:MM:SS, nothing else.
        const std::string& t = v->value;
        auto two = [&](std::size_t i) {
          return std::isdigit(static_cast<unsigned char>(t[i])) &&
                         std::isdigit(static_cast<unsigned char>(t[i + 1]))
                     ? (t[i] - '0') * 10 + (t[i + 1] - '0')
                     : -1;
        };
        const bool shape = (t.size() == 5 || (t.size() == 8 && t[5] == ':')) && t[2] == ':';
        const int h = shape ? two(0) : -1, m = shape ? two(3) : -1;
        const int sec = shape && t.size() == 8 ? two(6) : 0;
        if (h >= 0 && h < 24 && m >= 0 && m < 60 && sec >= 0 && sec < 60) {
          out.digest_at = std::chrono::seconds(h * 3600 + m * 60 + sec);
        } else {
          diag.error(v->pos, "'at': wants a local time of day, HH:MM or HH:MM:SS");
        }
      }
    }
  }
  if (auto v = broker.string("protocol", Need::optional)) {
    if (v->value == "5" || v->value == "3.1.1" || v->value == "auto") {
      out.protocol = v->value;
    } else {
      diag.error(v->pos, "'protocol': '" + v->value + "' is not 5, 3.1.1 or auto");
    }
  }
  if (auto v = broker.duration("state_expiry", Need::optional)) {
    // MQTT 5 carries the expiry as a 32-bit count of whole seconds; 0 means
    // the states never expire.
    const auto us = v->value.count();
    if (us % 1'000'000 != 0 || us < 0 || us / 1'000'000 > 0xFFFF'FFFFLL) {
      diag.error(v->pos, "'state_expiry': must be whole seconds between 0s and 4294967295s");
    } else {
      out.state_expiry = std::chrono::seconds(us / 1'000'000);
    }
  }
  if (auto v = broker.string("host", Need::optional)) {
    if (v->value.empty()) {
      diag.error(v->pos, "'host': must not be empty");
    } else {
      out.host = v->value;
    }
  }
  if (auto v = broker.integer("port", Need::optional, 1, 65535)) {
    out.port = static_cast<std::uint16_t>(v->value);
  }
  if (auto v = broker.string("client_id", Need::optional)) {
    out.client_id = v->value;
    draft.client_id_given = !v->value.empty();
  }
  if (auto v = broker.duration("keepalive", Need::optional)) {
    // MQTT carries the keep-alive as a 16-bit count of whole seconds. 0 would
    // switch it off, and with it the broker's detection of a dead gateway
    // (the last will); the publisher refuses it.
    const auto us = v->value.count();
    if (us % 1'000'000 != 0 || us / 1'000'000 > 65535 || us <= 0) {
      diag.error(v->pos, "'keepalive': must be whole seconds between 1s and 65535s");
    } else {
      out.keepalive = std::chrono::seconds(us / 1'000'000);
    }
  }
  if (auto v = broker.string("topic_root", Need::optional)) {
    // The root is the first level of every topic; wildcards or an empty
    // level would make subscriptions match other sites' traffic.
    // '$' topics belong to the broker; the same rules as mqtt::TopicTree.
    const std::string& root = v->value;
    if (root.empty() || root.find_first_of(std::string("+#\0", 3)) != std::string::npos ||
        root.front() == '/' || root.back() == '/' || root.front() == '$' ||
        root.find("//") != std::string::npos) {
      diag.error(v->pos, "'topic_root': '" + root +
                             "' is not a valid topic root (no '+', '#', empty level, leading or "
                             "trailing '/', or leading '$')");
    } else {
      out.topic_root = root;
    }
  }
}

// incidents.escalation: the levels an incident is escalated through, first
// to last, each an id (it is journalled and shown on the notification form).
// Absent: the core's default chain. Present, it must name at least one level,
// each once.
void parse_escalation(const YAML::Node& node, Draft& draft, Diagnostics& diag) {
  if (!node.IsDefined() || !expect_list(node, "escalation", diag)) return;
  std::vector<std::string> levels;
  for (const auto& item : node) {
    auto level = read_id(item, "escalation", diag);
    if (!level) continue;
    if (std::find(levels.begin(), levels.end(), level->value) != levels.end()) {
      diag.error(level->pos, "'escalation': level '" + level->value + "' is listed twice");
      continue;
    }
    levels.push_back(level->value);
  }
  if (levels.empty()) {
    diag.error(pos_of(node), "'escalation': name at least one level (e.g. [shift_lead])");
    return;
  }
  draft.incident_rules.escalation = std::move(levels);
}

void parse_incidents(const YAML::Node& node, Draft& draft, Diagnostics& diag) {
  MapReader incidents(node, "incidents", {"repeated_denials", "escalation"}, diag);
  if (!incidents.ok()) return;
  parse_escalation(incidents.get("escalation"), draft, diag);
  const YAML::Node denials_node = incidents.get("repeated_denials");
  if (!denials_node.IsDefined()) return;
  MapReader denials(denials_node, "repeated_denials", {"count", "within"}, diag);
  if (!denials.ok()) return;
  if (auto v = denials.integer("count", Need::optional, 1, 1000)) {
    draft.incident_rules.repeated_denials_count = static_cast<int>(v->value);
  }
  if (auto v = denials.duration("within", Need::optional)) {
    if (v->value.count() <= 0) {
      diag.error(v->pos, "'within': must be longer than 0s");
    } else {
      draft.incident_rules.repeated_denials_window = v->value;
    }
  }
}

}  // namespace vigil::config
