#include "vigil/console/browser_request.hpp"

#include <array>
#include <charconv>
#include <chrono>

namespace vigil::console {
namespace {

using nlohmann::json;

constexpr std::size_t kMaxText = 16 * 1024;
constexpr std::size_t kMaxNote = 2000;

constexpr std::array<std::string_view, 8> kCommands = {
    "incident-ack", "incident-resolve", "lockdown-set", "lockdown-release",
    "door-unlock",  "zone-arm",         "zone-disarm",  "fire-reset"};

// Site, gateway, zone and door ids: what daemon/config accepts as an id.
bool is_id(const std::string& s) {
  if (s.empty() || s.size() > 64) return false;
  for (const char c : s) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '_' || c == '.';
    if (!ok) return false;
  }
  return true;
}

// An incident as `vigilctl incident ack` takes it: its journal number.
bool is_incident(const std::string& s) {
  if (s.empty() || s.size() > 20 || s[0] == '0') return false;
  for (const char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

const json* field(const json& j, const char* key) {
  const auto it = j.find(key);
  return it == j.end() ? nullptr : &*it;
}

std::optional<std::string> string_field(const json& j, const char* key) {
  const json* f = field(j, key);
  if (f == nullptr || !f->is_string()) return std::nullopt;
  return f->get<std::string>();
}

// Rebuilds `args` for `cmd`; an error message when they break the contract.
std::variant<json, std::string> command_args(const std::string& cmd, const json& in) {
  if (!in.is_object()) return std::string("'args' must be an object");
  if (cmd == "incident-ack" || cmd == "incident-resolve") {
    const auto incident = string_field(in, "incident");
    if (!incident || !is_incident(*incident)) {
      return std::string("'incident' must be an incident number");
    }
    json out{{"incident", *incident}};
    const json* note = field(in, "note");
    if (note != nullptr && !note->is_string()) return std::string("'note' must be text");
    const std::string text = note != nullptr ? note->get<std::string>() : std::string{};
    if (text.size() > kMaxNote) return std::string("'note' is too long");
    if (cmd == "incident-resolve" && text.empty()) {
      return std::string("a resolution needs a note saying what was done");
    }
    if (!text.empty()) out["note"] = text;
    return out;
  }
  if (cmd == "door-unlock") {
    const auto door = string_field(in, "door");
    if (!door || !is_id(*door)) return std::string("'door' must be a door id");
    const json* seconds = field(in, "seconds");
    if (seconds == nullptr || !seconds->is_number_integer()) {
      return std::string("'seconds' must be a whole number");
    }
    const auto s = seconds->get<std::int64_t>();
    if (s < 1 || s > 300) return std::string("'seconds' must be from 1 to 300");
    return json{{"door", *door}, {"seconds", s}};
  }
  if (cmd == "fire-reset") return json::object();
  const auto zone = string_field(in, "zone");
  if (!zone || !is_id(*zone)) return std::string("'zone' must be a zone id");
  return json{{"zone", *zone}};
}

bool blank(const std::string& s) {
  return s.find_first_not_of(" \t\r\n") == std::string::npos;
}

BrowserRequest followup_add(const json& j, const std::string& ref) {
  FollowUpAddRequest r;
  r.ref = ref;
  const auto kind = string_field(j, "kind");
  if (!kind || (*kind != "proposal" && *kind != "resolution")) {
    return BrowserRequestError{ref, "'kind' must be proposal or resolution"};
  }
  const auto text = string_field(j, "text");
  if (!text || blank(*text)) return BrowserRequestError{ref, "'text' must say what was agreed"};
  if (text->size() > kMaxNote) return BrowserRequestError{ref, "'text' is too long"};
  const auto owner = string_field(j, "owner");
  if (!owner || !is_id(*owner)) return BrowserRequestError{ref, "'owner' must be a user name"};
  const auto due = string_field(j, "due");
  if (!due || !is_iso_date(*due)) {
    return BrowserRequestError{ref, "'due' must be a date written YYYY-MM-DD"};
  }
  r.followup = NewFollowUp{*kind, *text, *owner, *due};
  return r;
}

BrowserRequest followup_done(const json& j, const std::string& ref) {
  const json* id = field(j, "id");
  if (id == nullptr || !id->is_number_integer() || id->get<std::int64_t>() < 1) {
    return BrowserRequestError{ref, "'id' must be a follow-up number"};
  }
  return FollowUpDoneRequest{ref, id->get<std::int64_t>()};
}

}  // namespace

bool is_iso_date(std::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  const auto number = [&](std::size_t at, std::size_t len, int& out) {
    for (std::size_t i = at; i < at + len; ++i) {
      if (s[i] < '0' || s[i] > '9') return false;
    }
    return std::from_chars(s.data() + at, s.data() + at + len, out).ec == std::errc{};
  };
  int y = 0;
  int m = 0;
  int d = 0;
  if (!number(0, 4, y) || !number(5, 2, m) || !number(8, 2, d)) return false;
  return std::chrono::year_month_day(std::chrono::year(y),
                                     std::chrono::month(static_cast<unsigned>(m)),
                                     std::chrono::day(static_cast<unsigned>(d)))
      .ok();
}

bool is_command_name(std::string_view cmd) {
  for (const auto name : kCommands) {
    if (name == cmd) return true;
  }
  return false;
}

BrowserRequest parse_browser_request(std::string_view text) {
  if (text.size() > kMaxText) return BrowserRequestError{"", "message too long"};
  const json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) return BrowserRequestError{"", "not a JSON object"};
  std::string ref;
  if (const json* r = field(j, "ref"); r != nullptr) {
    if (!r->is_string() || r->get<std::string>().size() > 64) {
      return BrowserRequestError{"", "'ref' must be text of at most 64 characters"};
    }
    ref = r->get<std::string>();
  }
  const auto op = string_field(j, "op");
  if (op == "followup-add") return followup_add(j, ref);
  if (op == "followup-done") return followup_done(j, ref);
  if (op != "command") return BrowserRequestError{ref, "unknown 'op'"};
  BrowserCommand c;
  c.ref = ref;
  const auto cmd = string_field(j, "cmd");
  if (!cmd || !is_command_name(*cmd)) return BrowserRequestError{ref, "unknown 'cmd'"};
  c.cmd = *cmd;
  const auto site = string_field(j, "site");
  const auto gateway = string_field(j, "gateway");
  if (!site || !is_id(*site) || !gateway || !is_id(*gateway)) {
    return BrowserRequestError{ref, "'site' and 'gateway' must be ids"};
  }
  c.site = *site;
  c.gateway = *gateway;
  const json* args = field(j, "args");
  auto built = command_args(c.cmd, args != nullptr ? *args : json::object());
  if (auto* message = std::get_if<std::string>(&built)) return BrowserRequestError{ref, *message};
  c.args = std::move(std::get<json>(built));
  return c;
}

}  // namespace vigil::console
