#include "yaml_reader.hpp"

#include <algorithm>
#include <charconv>

#include "suggest.hpp"
#include "vigil/config/duration.hpp"

namespace vigil::config {
namespace {

std::string quoted(std::string_view key) {
  return "'" + std::string(key) + "'";
}

bool is_scalar(const YAML::Node& node, std::string_view key, std::string_view expected,
               Diagnostics& diag) {
  if (node.IsScalar()) return true;
  diag.error(pos_of(node),
             quoted(key) + ": expected " + std::string(expected) + ", got " + describe(node));
  return false;
}

bool id_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_' || c == '.';
}

}  // namespace

Pos pos_of(const YAML::Node& node) {
  const YAML::Mark mark = node.Mark();
  if (mark.is_null()) return {};
  return {mark.line + 1, mark.column + 1};
}

std::string describe(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Sequence:
      return "a list";
    case YAML::NodeType::Map:
      return "a mapping";
    case YAML::NodeType::Scalar:
      return "'" + node.Scalar() + "'";
    default:
      return "nothing";
  }
}

std::optional<Located<std::string>> read_string(const YAML::Node& node, std::string_view key,
                                                Diagnostics& diag) {
  if (!is_scalar(node, key, "text", diag)) return std::nullopt;
  return Located<std::string>{node.Scalar(), pos_of(node)};
}

std::optional<Located<std::string>> read_id(const YAML::Node& node, std::string_view key,
                                            Diagnostics& diag) {
  if (!is_scalar(node, key, "an id", diag)) return std::nullopt;
  const std::string& s = node.Scalar();
  if (s.empty() || s[0] == '-' || s[0] == '_' || s[0] == '.' ||
      !std::all_of(s.begin(), s.end(), id_char)) {
    diag.error(pos_of(node), quoted(key) + ": '" + s +
                                 "' is not a valid id (use letters, digits, '-', '_' and '.', "
                                 "starting with a letter or digit)");
    return std::nullopt;
  }
  return Located<std::string>{s, pos_of(node)};
}

std::optional<Located<std::int64_t>> read_int(const YAML::Node& node, std::string_view key,
                                              std::int64_t min, std::int64_t max,
                                              Diagnostics& diag) {
  if (!is_scalar(node, key, "a whole number", diag)) return std::nullopt;
  const std::string& s = node.Scalar();
  std::int64_t value = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (s.empty() || ec != std::errc{} || end != s.data() + s.size()) {
    diag.error(pos_of(node), quoted(key) + ": expected a whole number, got '" + s + "'");
    return std::nullopt;
  }
  if (value < min || value > max) {
    diag.error(pos_of(node), quoted(key) + ": must be between " + std::to_string(min) + " and " +
                                 std::to_string(max) + ", got " + s);
    return std::nullopt;
  }
  return Located<std::int64_t>{value, pos_of(node)};
}

std::optional<Located<bool>> read_bool(const YAML::Node& node, std::string_view key,
                                       Diagnostics& diag) {
  if (!is_scalar(node, key, "true or false", diag)) return std::nullopt;
  const std::string& s = node.Scalar();
  if (s == "true" || s == "false") return Located<bool>{s == "true", pos_of(node)};
  diag.error(pos_of(node), quoted(key) + ": expected true or false, got '" + s + "'");
  return std::nullopt;
}

std::optional<Located<std::chrono::microseconds>> read_duration(const YAML::Node& node,
                                                                std::string_view key,
                                                                Diagnostics& diag) {
  if (!is_scalar(node, key, "a duration such as 5s or 500ms", diag)) return std::nullopt;
  std::string error;
  auto d = parse_duration(node.Scalar(), &error);
  if (!d) {
    diag.error(pos_of(node), quoted(key) + ": " + error);
    return std::nullopt;
  }
  return Located<std::chrono::microseconds>{*d, pos_of(node)};
}

bool expect_list(const YAML::Node& node, std::string_view key, Diagnostics& diag) {
  if (node.IsSequence() || node.IsNull()) return true;
  diag.error(pos_of(node), quoted(key) + ": expected a list, got " + describe(node));
  return false;
}

MapReader::MapReader(const YAML::Node& node, std::string what, std::vector<std::string> allowed,
                     Diagnostics& diag)
    : what_(std::move(what)), diag_(&diag), pos_(pos_of(node)) {
  if (!node.IsMap()) {
    diag.error(pos_, what_ + ": expected a mapping (key: value pairs), got " + describe(node));
    return;
  }
  ok_ = true;
  for (auto it = node.begin(); it != node.end(); ++it) {
    const YAML::Node key = it->first;
    const Pos key_pos = pos_of(key);
    if (!key.IsScalar()) {
      diag.error(key_pos, "in " + what_ + ": a key must be a plain name");
      continue;
    }
    const std::string& name = key.Scalar();
    if (std::find(allowed.begin(), allowed.end(), name) == allowed.end()) {
      diag.error(key_pos, "unknown key '" + name + "' in " + what_ + did_you_mean(name, allowed));
      continue;
    }
    if (const Entry* first = find(name)) {
      diag.error(key_pos, "key '" + name + "' appears twice in " + what_ + " (first on line " +
                              std::to_string(first->key_pos.line) + ")");
      continue;
    }
    entries_.push_back({name, key_pos, it->second});
  }
}

const MapReader::Entry* MapReader::find(std::string_view key) const {
  for (const auto& e : entries_) {
    if (e.key == key) return &e;
  }
  return nullptr;
}

bool MapReader::has(std::string_view key) const {
  return find(key) != nullptr;
}

YAML::Node MapReader::get(std::string_view key, Need need) const {
  if (const Entry* e = find(key)) {
    // yaml-cpp marks an empty value where the next token starts, often on
    // the next line; the key is where the engineer has to look.
    if (!e->value.IsNull()) return e->value;
    diag_->error(e->key_pos, "'" + e->key + "': no value given");
    return YAML::Node(YAML::NodeType::Undefined);
  }
  if (need == Need::required && ok_) {
    diag_->error(pos_, what_ + " is missing required key '" + std::string(key) + "'");
  }
  return YAML::Node(YAML::NodeType::Undefined);
}

Pos MapReader::key_pos(std::string_view key) const {
  const Entry* e = find(key);
  return e != nullptr ? e->key_pos : pos_;
}

void MapReader::reject_except(const std::vector<std::string>& applicable,
                              std::string_view context) const {
  for (const auto& e : entries_) {
    if (std::find(applicable.begin(), applicable.end(), e.key) == applicable.end()) {
      diag_->error(e.key_pos, "key '" + e.key + "' does not apply to " + std::string(context));
    }
  }
}

std::optional<Located<std::string>> MapReader::string(std::string_view key, Need need) const {
  const YAML::Node node = get(key, need);
  if (!node.IsDefined()) return std::nullopt;
  return read_string(node, key, *diag_);
}

std::optional<Located<std::string>> MapReader::id(std::string_view key, Need need) const {
  const YAML::Node node = get(key, need);
  if (!node.IsDefined()) return std::nullopt;
  return read_id(node, key, *diag_);
}

std::optional<Located<std::int64_t>> MapReader::integer(std::string_view key, Need need,
                                                        std::int64_t min, std::int64_t max) const {
  const YAML::Node node = get(key, need);
  if (!node.IsDefined()) return std::nullopt;
  return read_int(node, key, min, max, *diag_);
}

std::optional<Located<bool>> MapReader::boolean(std::string_view key, Need need) const {
  const YAML::Node node = get(key, need);
  if (!node.IsDefined()) return std::nullopt;
  return read_bool(node, key, *diag_);
}

std::optional<Located<std::chrono::microseconds>> MapReader::duration(std::string_view key,
                                                                      Need need) const {
  const YAML::Node node = get(key, need);
  if (!node.IsDefined()) return std::nullopt;
  return read_duration(node, key, *diag_);
}

}  // namespace vigil::config
