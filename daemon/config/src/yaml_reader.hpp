// Reading YAML nodes with positions. Every value the parser keeps remembers
// where it was written, so later checks (references, duplicates) can point at
// the exact line and column. Every reader reports into Diagnostics and keeps
// going: one run finds all mistakes.
#pragma once

#include <yaml-cpp/yaml.h>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "vigil/config/diagnostic.hpp"

namespace vigil::config {

struct Pos {
  int line = 0;  // 1-based; 0 = unknown
  int col = 0;
};

template <class T>
struct Located {
  T value{};
  Pos pos;
};

class Diagnostics {
 public:
  explicit Diagnostics(std::string file) : file_(std::move(file)) {}
  void error(Pos pos, std::string message) {
    list_.push_back({file_, pos.line, pos.col, std::move(message)});
  }
  // A diagnostic about another file (a module type the config names).
  void add(Diagnostic d) { list_.push_back(std::move(d)); }
  bool empty() const { return list_.empty(); }
  std::size_t count() const { return list_.size(); }
  std::vector<Diagnostic> take() { return std::move(list_); }

 private:
  std::string file_;
  std::vector<Diagnostic> list_;
};

Pos pos_of(const YAML::Node& node);

// "a list", "a mapping", "nothing", or the scalar in quotes: for "got ..." messages.
std::string describe(const YAML::Node& node);

// Scalar conversions of a present node; `key` names it in messages.
std::optional<Located<std::string>> read_string(const YAML::Node& node, std::string_view key,
                                                Diagnostics& diag);
// An identifier: letters, digits, '-', '_' and '.', starting with a letter or
// digit. Ids become MQTT topic levels and journal keys, so '/', '+', '#' and
// spaces are refused.
std::optional<Located<std::string>> read_id(const YAML::Node& node, std::string_view key,
                                            Diagnostics& diag);
std::optional<Located<std::int64_t>> read_int(const YAML::Node& node, std::string_view key,
                                              std::int64_t min, std::int64_t max,
                                              Diagnostics& diag);
std::optional<Located<bool>> read_bool(const YAML::Node& node, std::string_view key,
                                       Diagnostics& diag);
std::optional<Located<std::chrono::microseconds>> read_duration(const YAML::Node& node,
                                                                std::string_view key,
                                                                Diagnostics& diag);
// A list (a null value counts as empty). Reports and returns false otherwise.
bool expect_list(const YAML::Node& node, std::string_view key, Diagnostics& diag);

enum class Need { optional, required };

// One YAML mapping with a fixed set of allowed keys. Construction reports a
// non-mapping node, unknown keys (with the closest allowed key) and repeated
// keys; lookups report missing required keys.
class MapReader {
 public:
  MapReader(const YAML::Node& node, std::string what, std::vector<std::string> allowed,
            Diagnostics& diag);

  bool ok() const { return ok_; }
  Pos pos() const { return pos_; }
  bool has(std::string_view key) const;
  // The value, or an undefined node; reports a missing required key.
  YAML::Node get(std::string_view key, Need need = Need::optional) const;
  Pos key_pos(std::string_view key) const;
  // Reports each present key outside `applicable`, e.g. "'socket' does not
  // apply to a modbus_tcp device".
  void reject_except(const std::vector<std::string>& applicable, std::string_view context) const;

  std::optional<Located<std::string>> string(std::string_view key, Need need) const;
  std::optional<Located<std::string>> id(std::string_view key, Need need) const;
  std::optional<Located<std::int64_t>> integer(std::string_view key, Need need, std::int64_t min,
                                               std::int64_t max) const;
  std::optional<Located<bool>> boolean(std::string_view key, Need need) const;
  std::optional<Located<std::chrono::microseconds>> duration(std::string_view key, Need need) const;

 private:
  struct Entry {
    std::string key;
    Pos key_pos;
    YAML::Node value;
  };
  const Entry* find(std::string_view key) const;

  std::string what_;
  Diagnostics* diag_;
  bool ok_ = false;
  Pos pos_;
  std::vector<Entry> entries_;
};

}  // namespace vigil::config
