// Shared by the scenario parser's files: diagnostics with file:line:col,
// scalars, durations and closed mappings read from yaml-cpp nodes, and the
// "did you mean" for unknown keys. Internal to vigil_sim_scenario.
#pragma once

#include <yaml-cpp/yaml.h>

#include <array>
#include <chrono>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "vigil/config/diagnostic.hpp"
#include "vigil/sim/scenario.hpp"

namespace vigil::sim::detail {

std::size_t edit_distance(std::string_view a, std::string_view b);

std::string one_of(std::initializer_list<std::string_view> names);

// "unknown key 'x' in WHERE (did you mean 'y'?)" or "(expected one of ...)".
std::string unknown_key_message(std::string_view key, std::string_view where,
                                std::initializer_list<std::string_view> allowed);

class YamlReader {
 public:
  explicit YamlReader(std::string file) : file_(std::move(file)) {}

  void error(const YAML::Mark& mark, std::string message);
  void error(const YAML::Node& node, std::string message) {
    error(node.Mark(), std::move(message));
  }
  std::vector<config::Diagnostic> take() { return std::move(diagnostics_); }
  bool failed() const { return !diagnostics_.empty(); }
  std::size_t error_count() const { return diagnostics_.size(); }
  const std::string& file() const { return file_; }

  std::optional<std::string> scalar(const YAML::Node& node, std::string_view key);
  std::optional<std::chrono::microseconds> duration(const YAML::Node& node, std::string_view key);
  // A mapping whose keys are all in `allowed`; reports each other key.
  bool mapping(const YAML::Node& value, std::string_view what,
               std::initializer_list<std::string_view> allowed);
  std::optional<std::string> required(const YAML::Node& map, std::string_view what,
                                      const char* key);
  // A list of scalars (vigilctl's words); nullopt after reporting.
  std::optional<std::vector<std::string>> words(const YAML::Node& node, std::string_view key);

 private:
  std::string file_;
  std::vector<config::Diagnostic> diagnostics_;
};

// The scenario's `setup` and `expect` sections (scenario_expect.cpp).
std::vector<SetupCommand> parse_setup(YamlReader& reader, const YAML::Node& node);
Expectations parse_expectations(YamlReader& reader, const YAML::Node& node);

}  // namespace vigil::sim::detail
