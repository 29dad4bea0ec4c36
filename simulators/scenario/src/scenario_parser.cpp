#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <fstream>
#include <sstream>

#include "vigil/config/duration.hpp"
#include "vigil/sim/scenario.hpp"
#include "yaml_reader.hpp"

namespace vigil::sim {
namespace {

using detail::one_of;
using detail::parse_expectations;
using detail::parse_setup;
using detail::unknown_key_message;

const std::initializer_list<std::string_view> kStepKeys = {
    "at", "after", "note", "swipe", "open", "close", "rex", "force", "expect", "keys", "ctl"};
const std::initializer_list<std::string_view> kActions = {"swipe", "open",   "close", "rex",
                                                          "force", "expect", "keys",  "ctl"};

class Parser : public detail::YamlReader {
 public:
  using YamlReader::YamlReader;

  Scenario parse_root(const YAML::Node& root) {
    Scenario scenario;
    scenario.file = file();
    if (!root.IsMap()) {
      error(root, "a scenario is a mapping with a 'steps' list");
      return scenario;
    }
    for (const auto& kv : root) {
      const auto key = kv.first.Scalar();
      if (key == "name") {
        scenario.name = scalar(kv.second, "name").value_or("");
      } else if (key == "setup") {
        scenario.setup = parse_setup(*this, kv.second);
      } else if (key == "expect") {
        scenario.expect = parse_expectations(*this, kv.second);
      } else if (key != "steps") {
        error(kv.first,
              unknown_key_message(key, "a scenario", {"name", "setup", "steps", "expect"}));
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
  std::optional<Step> parse_step(const YAML::Node& node, std::chrono::microseconds previous) {
    if (!node.IsMap()) {
      error(node, "a step is a mapping like {at: 1s, open: lobby-main}");
      return std::nullopt;
    }
    const std::size_t errors_before = error_count();
    std::vector<std::pair<std::string, YAML::Node>> actions;
    for (const auto& kv : node) {
      const auto key = kv.first.IsScalar() ? kv.first.Scalar() : std::string("?");
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

    const bool misspelt = error_count() != errors_before;  // likely the action itself
    if (actions.empty() && misspelt) {
      // already reported as an unknown key
    } else if (actions.size() != 1) {
      error(node, actions.empty() ? "a step needs one action: " + one_of(kActions)
                                  : "a step has one action; found '" + actions[0].first +
                                        "' and '" + actions[1].first + "': write two steps");
    } else if (auto action = parse_action(actions[0].first, actions[0].second)) {
      step.action = std::move(*action);
    }
    if (error_count() != errors_before) return std::nullopt;
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
    if (kind == "keys") {
      if (!mapping(value, "keys", {"reader", "keys", "burst"})) return std::nullopt;
      TypeKeys keys;
      if (auto reader = required(value, "keys", "reader")) keys.reader = *reader;
      if (auto typed = required(value, "keys", "keys")) {
        keys.keys = *typed;
        if (typed->find_first_not_of("0123456789*#") != std::string::npos) {
          error(value["keys"],
                "'keys': digits, * (clear) and # (submit) only, got '" + *typed + "'");
        }
      }
      if (value["burst"]) {
        const auto burst = scalar(value["burst"], "burst");
        if (burst && *burst != "4" && *burst != "8") {
          error(value["burst"], "'burst': 4 or 8 (bits a key), got '" + *burst + "'");
        }
        keys.four_bit = burst == "4";
      }
      return keys;
    }
    if (kind == "ctl") {
      auto args = words(value, "ctl");
      if (!args) return std::nullopt;
      return OperatorCommand{std::move(*args)};
    }
    // expect
    if (!mapping(value, "expect", {"door", "lock", "within"})) return std::nullopt;
    ExpectLock expect;
    if (value["within"]) {
      if (auto within = duration(value["within"], "within")) expect.within = *within;
    }
    if (auto door = required(value, "expect", "door")) expect.door = *door;
    if (auto lock = required(value, "expect", "lock")) {
      if (*lock != "locked" && *lock != "unlocked") {
        error(value["lock"], "'lock': expected locked or unlocked, got '" + *lock + "'");
      }
      expect.unlocked = *lock == "unlocked";
    }
    return expect;
  }
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
