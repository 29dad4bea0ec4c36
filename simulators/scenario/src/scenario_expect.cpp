// The scenario's `setup` and `expect` sections, and the check of its
// expectations against what the journal and the broker showed.
#include <algorithm>

#include "vigil/sim/scenario.hpp"
#include "yaml_reader.hpp"

namespace vigil::sim {
namespace detail {
namespace {

const std::initializer_list<std::string_view> kJournalKeys = {
    "kind", "reason", "door", "reader", "zone", "person", "device", "card", "detail", "attrs"};
const std::initializer_list<std::string_view> kMqttKeys = {
    "kind", "severity", "zone", "door", "reader", "person", "reason", "event", "payload"};

// One expectation: scalars as they are, `attrs`/`payload` maps flattened.
std::optional<RecordExpectation> parse_record(YamlReader& r, const YAML::Node& node,
                                              std::string_view what,
                                              std::initializer_list<std::string_view> keys,
                                              std::string_view nested) {
  if (!r.mapping(node, what, keys)) return std::nullopt;
  const auto before = r.error_count();
  RecordExpectation out;
  out.line = node.Mark().line + 1;
  out.col = node.Mark().column + 1;
  if (!node["kind"]) r.error(node, "'" + std::string(what) + "' needs 'kind'");
  for (const auto& kv : node) {
    const auto key = kv.first.Scalar();
    if (key != nested) {
      if (auto v = r.scalar(kv.second, key)) out.fields.emplace_back(key, *v);
      continue;
    }
    if (!kv.second.IsMap() || kv.second.size() == 0) {
      r.error(kv.second, "'" + key + "' takes a mapping of names to values");
      continue;
    }
    for (const auto& inner : kv.second) {
      const auto name = inner.first.IsScalar() ? inner.first.Scalar() : std::string();
      if (name.empty()) {
        r.error(inner.first, "'" + key + "': each name is a plain value");
      } else if (auto v = r.scalar(inner.second, key + "." + name)) {
        // payload fields are compared as the payload's own top-level fields
        out.fields.emplace_back(nested == "payload" ? name : key + "." + name, *v);
      }
    }
  }
  if (r.error_count() != before) return std::nullopt;
  return out;
}

std::vector<RecordExpectation> parse_list(YamlReader& r, const YAML::Node& node,
                                          std::string_view what,
                                          std::initializer_list<std::string_view> keys,
                                          std::string_view nested) {
  std::vector<RecordExpectation> out;
  if (!node.IsSequence()) {
    r.error(node, "'" + std::string(what) + "' takes a list of expected records");
    return out;
  }
  for (const auto& item : node) {
    if (auto e = parse_record(r, item, what, keys, nested)) out.push_back(std::move(*e));
  }
  return out;
}

}  // namespace

std::vector<SetupCommand> parse_setup(YamlReader& r, const YAML::Node& node) {
  std::vector<SetupCommand> out;
  if (!node.IsSequence()) {
    r.error(node, "'setup' takes a list of vigilctl commands, e.g. - [person, import, people.csv]");
    return out;
  }
  for (const auto& item : node) {
    SetupCommand command;
    command.line = item.Mark().line + 1;
    command.col = item.Mark().column + 1;
    if (item.IsMap()) {
      if (!r.mapping(item, "a setup command", {"vigilctl", "input"})) continue;
      if (!item["vigilctl"]) {
        r.error(item, "a setup command needs 'vigilctl' (its words)");
        continue;
      }
      auto args = r.words(item["vigilctl"], "vigilctl");
      if (!args) continue;
      command.args = std::move(*args);
      if (item["input"]) command.input = r.scalar(item["input"], "input").value_or("");
    } else {
      auto args = r.words(item, "setup");
      if (!args) continue;
      command.args = std::move(*args);
    }
    out.push_back(std::move(command));
  }
  return out;
}

Expectations parse_expectations(YamlReader& r, const YAML::Node& node) {
  Expectations out;
  if (!r.mapping(node, "expect", {"journal", "mqtt"})) return out;
  if (node["journal"]) {
    out.journal = parse_list(r, node["journal"], "a journal expectation", kJournalKeys, "attrs");
  }
  if (node["mqtt"]) {
    out.mqtt = parse_list(r, node["mqtt"], "an MQTT expectation", kMqttKeys, "payload");
  }
  return out;
}

}  // namespace detail

namespace {

std::string substitute(const std::string& value, const std::map<std::string, std::string>& vars) {
  if (value.size() > 3 && value.starts_with("${") && value.ends_with("}")) {
    auto it = vars.find(value.substr(2, value.size() - 3));
    if (it != vars.end()) return it->second;
  }
  return value;
}

std::size_t matching_fields(const RecordExpectation& e, const Record& record,
                            const std::map<std::string, std::string>& vars) {
  std::size_t n = 0;
  for (const auto& [key, value] : e.fields) {
    auto it = record.find(key);
    if (it != record.end() && it->second == substitute(value, vars)) ++n;
  }
  return n;
}

std::string describe_expectation(const RecordExpectation& e,
                                 const std::map<std::string, std::string>& vars) {
  std::string out;
  for (const auto& [key, value] : e.fields) {
    out += (out.empty() ? "" : " ") + key + "=" + substitute(value, vars);
  }
  return out;
}

// The record's values of the expectation's keys, for "closest:".
std::string describe_record(const RecordExpectation& e, const Record& record) {
  std::string out;
  for (const auto& [key, value] : e.fields) {
    auto it = record.find(key);
    out += (out.empty() ? "" : " ") + key + "=" + (it == record.end() ? "(none)" : it->second);
  }
  return out;
}

void check_stream(const Scenario& scenario, const std::vector<RecordExpectation>& expected,
                  const std::vector<Record>& records, const std::string& what,
                  const std::map<std::string, std::string>& vars,
                  std::vector<config::Diagnostic>& out) {
  std::size_t from = 0;
  for (const auto& e : expected) {
    bool met = false;
    for (std::size_t i = from; i < records.size() && !met; ++i) {
      if (matching_fields(e, records[i], vars) == e.fields.size()) {
        met = true;
        from = i + 1;
      }
    }
    if (met) continue;
    std::string message = what + " not seen: " + describe_expectation(e, vars) + " (" +
                          std::to_string(records.size() - from) + " " + what + "s looked at";
    std::size_t best = 0;
    const Record* closest = nullptr;
    for (std::size_t i = from; i < records.size(); ++i) {
      const auto n = matching_fields(e, records[i], vars);
      if (n > best) best = n, closest = &records[i];
    }
    if (closest != nullptr) message += "; closest: " + describe_record(e, *closest);
    out.push_back(config::Diagnostic{scenario.file, e.line, e.col, message + ")"});
  }
}

}  // namespace

std::vector<config::Diagnostic> unmet_expectations(const Scenario& scenario,
                                                   const std::vector<Record>& journal,
                                                   const std::vector<Record>& mqtt,
                                                   const std::map<std::string, std::string>& vars) {
  std::vector<config::Diagnostic> out;
  check_stream(scenario, scenario.expect.journal, journal, "journal row", vars, out);
  check_stream(scenario, scenario.expect.mqtt, mqtt, "MQTT incident", vars, out);
  return out;
}

void add_attrs(Record& record, std::string_view text) {
  std::size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && text[i] == ' ') ++i;
    const auto eq = text.find('=', i);
    if (eq == std::string_view::npos) return;
    const std::string key(text.substr(i, eq - i));
    std::string value;
    i = eq + 1;
    if (i < text.size() && text[i] == '"') {
      const auto close = text.find('"', i + 1);
      value = std::string(text.substr(
          i + 1, close == std::string_view::npos ? std::string_view::npos : close - i - 1));
      i = close == std::string_view::npos ? text.size() : close + 1;
    } else {
      const auto space = text.find(' ', i);
      value = std::string(
          text.substr(i, space == std::string_view::npos ? std::string_view::npos : space - i));
      i = space == std::string_view::npos ? text.size() : space;
    }
    if (!key.empty()) record["attrs." + key] = value;
  }
}

}  // namespace vigil::sim
