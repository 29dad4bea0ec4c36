#include "yaml_reader.hpp"

#include <algorithm>

#include "vigil/config/duration.hpp"

namespace vigil::sim::detail {

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diag = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diag = up;
    }
  }
  return row[b.size()];
}

std::string one_of(std::initializer_list<std::string_view> names) {
  std::string out;
  for (auto n : names) out += (out.empty() ? "" : ", ") + std::string(n);
  return out;
}

std::string unknown_key_message(std::string_view key, std::string_view where,
                                std::initializer_list<std::string_view> allowed) {
  std::string message = "unknown key '" + std::string(key) + "' in " + std::string(where);
  std::string_view best;
  std::size_t best_distance = 3;
  for (auto candidate : allowed) {
    const auto d = edit_distance(key, candidate);
    if (d < best_distance) best = candidate, best_distance = d;
  }
  if (!best.empty()) return message + " (did you mean '" + std::string(best) + "'?)";
  return message + " (expected one of " + one_of(allowed) + ")";
}

void YamlReader::error(const YAML::Mark& mark, std::string message) {
  diagnostics_.push_back(config::Diagnostic{file_, mark.line >= 0 ? mark.line + 1 : 0,
                                            mark.column >= 0 ? mark.column + 1 : 0,
                                            std::move(message)});
}

std::optional<std::string> YamlReader::scalar(const YAML::Node& node, std::string_view key) {
  if (!node.IsScalar() || node.Scalar().empty()) {
    error(node, "'" + std::string(key) + "' must be a name or value, not a list or mapping");
    return std::nullopt;
  }
  return node.Scalar();
}

std::optional<std::chrono::microseconds> YamlReader::duration(const YAML::Node& node,
                                                              std::string_view key) {
  auto text = scalar(node, key);
  if (!text) return std::nullopt;
  std::string why;
  auto d = config::parse_duration(*text, &why);
  if (!d) error(node, "'" + std::string(key) + "': " + why);
  return d;
}

bool YamlReader::mapping(const YAML::Node& value, std::string_view what,
                         std::initializer_list<std::string_view> allowed) {
  if (!value.IsMap()) {
    error(value, "'" + std::string(what) + "' takes a mapping with " +
                     std::string(*allowed.begin()) +
                     " and more; see simulators/scenario/FORMAT.md");
    return false;
  }
  bool ok = true;
  for (const auto& kv : value) {
    const auto key = kv.first.IsScalar() ? kv.first.Scalar() : std::string("?");
    if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
      error(kv.first, "unknown key '" + key + "' in " + std::string(what) + " (expected " +
                          one_of(allowed) + ")");
      ok = false;
    }
  }
  return ok;
}

std::optional<std::string> YamlReader::required(const YAML::Node& map, std::string_view what,
                                                const char* key) {
  if (!map[key]) {
    error(map, "'" + std::string(what) + "' needs '" + key + "'");
    return std::nullopt;
  }
  return scalar(map[key], key);
}

std::optional<std::vector<std::string>> YamlReader::words(const YAML::Node& node,
                                                          std::string_view key) {
  if (!node.IsSequence() || node.size() == 0) {
    error(node, "'" + std::string(key) + "' takes a list of words, e.g. [lockdown, set, ops]");
    return std::nullopt;
  }
  std::vector<std::string> out;
  for (const auto& w : node) {
    if (!w.IsScalar()) {
      error(w, "'" + std::string(key) + "': each word is a plain value");
      return std::nullopt;
    }
    out.push_back(w.Scalar());
  }
  return out;
}

}  // namespace vigil::sim::detail
