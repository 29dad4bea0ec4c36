#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <fstream>
#include <sstream>

#include "vigil/config/duration.hpp"
#include "vigil/sim/scenario.hpp"

namespace vigil::sim {
namespace {

constexpr std::array<std::string_view, 9> kStepKeys = {"at",    "after", "note",  "swipe", "open",
                                                       "close", "rex",   "force", "expect"};
constexpr std::array<std::string_view, 6> kActions = {"swipe", "open",  "close",
                                                      "rex",   "force", "expect"};

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

template <std::size_t N>
std::string one_of(const std::array<std::string_view, N>& names) {
  std::string out;
  for (auto n : names) out += (out.empty() ? "" : ", ") + std::string(n);
  return out;
}

template <std::size_t N>
std::string unknown_key_message(std::string_view key, std::string_view where,
                                const std::array<std::string_view, N>& allowed) {
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

class Parser {
 public:
  explicit Parser(std::string file) : file_(std::move(file)) {}

  void error(const YAML::Mark& mark, std::string message) {
    diagnostics_.push_back(config::Diagnostic{file_, mark.line >= 0 ? mark.line + 1 : 0,
                                              mark.column >= 0 ? mark.column + 1 : 0,
                                              std::move(message)});
  }
  void error(const YAML::Node& node, std::string message) {
    error(node.Mark(), std::move(message));
  }

  std::vector<config::Diagnostic> take() { return std::move(diagnostics_); }
  bool failed() const { return !diagnostics_.empty(); }

  Scenario parse_root(const YAML::Node& root) {
    Scenario scenario;
    scenario.file = file_;
    if (!root.IsMap()) {
      error(root, "a scenario is a mapping with a 'steps' list");
      return scenario;
    }
    for (const auto& kv : root) {
      const auto key = kv.first.Scalar();
      if (key == "name") {
        scenario.name = scalar(kv.second, "name").value_or("");
      } else if (key != "steps") {
        error(kv.first, unknown_key_message<2>(key, "a scenario", {"name", "steps"}));
      }
    }
    const YAML::Node steps = root["steps"];
    if (!steps) {
      error(root, "missing 'steps': a scenario needs a list of steps");
    } else if (!steps.IsSequence()) {
      error(steps, "'steps' must be a list");
    } else {
      std::chrono::microseconds previous{0};
      for (const auto& node : steps) {
        if (auto step = parse_step(node, previous)) {
          previous = step->at;
          scenario.steps.push_back(std::move(*step));
        }
      }
    }
    return scenario;
  }

 private:
  std::optional<std::string> scalar(const YAML::Node& node, std::string_view key) {
    if (!node.IsScalar() || node.Scalar().empty()) {
      error(node, "'" + std::string(key) + "' must be a name or value, not a list or mapping");
      return std::nullopt;
    }
    return node.Scalar();
  }

  std::optional<std::chrono::microseconds> duration(const YAML::Node& node, std::string_view key) {
    auto text = scalar(node, key);
    if (!text) return std::nullopt;
    std::string why;
    auto d = config::parse_duration(*text, &why);
    if (!d) error(node, "'" + std::string(key) + "': " + why);
    return d;
  }

  std::optional<Step> parse_step(const YAML::Node& node, std::chrono::microseconds previous) {
    if (!node.IsMap()) {
      error(node, "a step is a mapping like {at: 1s, open: lobby-main}");
      return std::nullopt;
    }
    const std::size_t errors_before = diagnostics_.size();
    std::vector<std::pair<std::string, YAML::Node>> actions;
    for (const auto& kv : node) {
      const auto key = kv.first.Scalar();
      if (std::find(kStepKeys.begin(), kStepKeys.end(), key) == kStepKeys.end()) {
        error(kv.first, unknown_key_message(key, "a step", kStepKeys));
      } else if (std::find(kActions.begin(), kActions.end(), key) != kActions.end()) {
        actions.emplace_back(key, kv.second);
      }
    }
    Step step;
    step.line = node.Mark().line + 1;
    step.col = node.Mark().column + 1;
    if (node["note"]) step.note = scalar(node["note"], "note").value_or("");

    const bool has_at = static_cast<bool>(node["at"]);
    const bool has_after = static_cast<bool>(node["after"]);
    if (has_at == has_after) {
      error(node, has_at ? "a step has either 'at' or 'after', not both"
                         : "a step needs 'at' (time from the start) or 'after' (time since "
                           "the previous step)");
    } else if (has_at) {
      if (auto at = duration(node["at"], "at")) {
        step.at = *at;
        if (*at < previous) {
          error(node["at"], "'at' goes back in time: the previous step is at " +
                                config::format_duration(previous) + "; steps are in time order");
        }
      }
    } else if (auto after = duration(node["after"], "after")) {
      step.at = previous + *after;
    }

    const bool misspelt = diagnostics_.size() != errors_before;  // likely the action itself
    if (actions.empty() && misspelt) {
      // already reported as an unknown key
    } else if (actions.size() != 1) {
      error(node, actions.empty() ? "a step needs one action: " + one_of(kActions)
                                  : "a step has one action; found '" + actions[0].first +
                                        "' and '" + actions[1].first + "': write two steps");
    } else if (auto action = parse_action(actions[0].first, actions[0].second)) {
      step.action = std::move(*action);
    }
    if (diagnostics_.size() != errors_before) return std::nullopt;
    return step;
  }

  std::optional<Action> parse_action(const std::string& kind, const YAML::Node& value) {
    if (kind == "open" || kind == "close" || kind == "force") {
      auto door = scalar(value, kind);
      if (!door) return std::nullopt;
      return SetContact{*door, kind != "close", kind == "force"};
    }
    if (kind == "rex") {
      if (value.IsScalar()) {
        auto door = scalar(value, kind);
        if (!door) return std::nullopt;
        return PressRex{*door};
      }
      auto fields = mapping(value, "rex", {"door", "hold"});
      if (!fields) return std::nullopt;
      PressRex rex;
      if (auto door = required(value, "rex", "door")) rex.door = *door;
      if (value["hold"]) {
        if (auto hold = duration(value["hold"], "hold")) rex.hold = *hold;
      }
      return rex;
    }
    if (kind == "swipe") {
      if (!mapping(value, "swipe", {"reader", "card", "format"})) return std::nullopt;
      Swipe swipe;
      if (auto reader = required(value, "swipe", "reader")) swipe.reader = *reader;
      if (auto card = required(value, "swipe", "card")) {
        if (auto parsed = parse_card(*card)) {
          swipe.card = *parsed;
        } else {
          error(value["card"],
                "'card': expected facility:number, e.g. \"12:1001\", got '" + *card + "'");
        }
      }
      if (value["format"]) swipe.format = scalar(value["format"], "format").value_or("");
      return swipe;
    }
    // expect
    if (!mapping(value, "expect", {"door", "lock"})) return std::nullopt;
    ExpectLock expect;
    if (auto door = required(value, "expect", "door")) expect.door = *door;
    if (auto lock = required(value, "expect", "lock")) {
      if (*lock != "locked" && *lock != "unlocked") {
        error(value["lock"], "'lock': expected locked or unlocked, got '" + *lock + "'");
      }
      expect.unlocked = *lock == "unlocked";
    }
    return expect;
  }

  bool mapping(const YAML::Node& value, std::string_view what,
               std::initializer_list<std::string_view> allowed) {
    if (!value.IsMap()) {
      error(value, "'" + std::string(what) + "' takes a mapping with " +
                       std::string(*allowed.begin()) +
                       " and more; see simulators/scenario/FORMAT.md");
      return false;
    }
    bool ok = true;
    for (const auto& kv : value) {
      const auto key = kv.first.Scalar();
      if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
        std::string list;
        for (auto a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
        error(kv.first,
              "unknown key '" + key + "' in " + std::string(what) + " (expected " + list + ")");
        ok = false;
      }
    }
    return ok;
  }

  std::optional<std::string> required(const YAML::Node& map, std::string_view what,
                                      const char* key) {
    if (!map[key]) {
      error(map, "'" + std::string(what) + "' needs '" + key + "'");
      return std::nullopt;
    }
    return scalar(map[key], key);
  }

  std::string file_;
  std::vector<config::Diagnostic> diagnostics_;
};

}  // namespace

std::chrono::microseconds Scenario::duration() const {
  return steps.empty() ? std::chrono::microseconds{0} : steps.back().at;
}

std::optional<core::CardNumber> parse_card(std::string_view text) {
  const auto colon = text.find(':');
  if (colon == std::string_view::npos || colon == 0 || colon + 1 == text.size())
    return std::nullopt;
  core::CardNumber card;
  const char* end = text.data() + text.size();
  auto [p1, e1] = std::from_chars(text.data(), text.data() + colon, card.facility);
  auto [p2, e2] = std::from_chars(text.data() + colon + 1, end, card.number);
  if (e1 != std::errc{} || p1 != text.data() + colon || e2 != std::errc{} || p2 != end) {
    return std::nullopt;
  }
  return card;
}

config::Result<Scenario> parse_scenario(std::string_view yaml, const std::string& file_name) {
  Parser parser(file_name);
  YAML::Node root;
  try {
    root = YAML::Load(std::string(yaml));
  } catch (const YAML::ParserException& e) {
    parser.error(e.mark, "YAML syntax: " + e.msg);
    return parser.take();
  }
  Scenario scenario = parser.parse_root(root);
  if (parser.failed()) return parser.take();
  return scenario;
}

config::Result<Scenario> load_scenario(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) {
    return std::vector<config::Diagnostic>{
        config::Diagnostic{path.string(), 0, 0, "cannot open the scenario file"}};
  }
  std::stringstream text;
  text << in.rdbuf();
  return parse_scenario(text.str(), path.string());
}

}  // namespace vigil::sim
