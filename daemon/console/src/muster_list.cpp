// A gateway's muster/<zone> message, checked and reduced to what the page
// shows. Only the fields the schema names are copied: a gateway (or anyone
// who may publish on the broker) cannot make the page render more.
#include <algorithm>

#include "vigil/console/state_store.hpp"

namespace vigil::console {

using json = nlohmann::json;

std::optional<json> muster_list(const json& m) {
  if (!m.is_object()) return std::nullopt;
  const auto zone = m.find("zone");
  const auto count = m.find("count");
  const auto people = m.find("people");
  if (zone == m.end() || !zone->is_string() || count == m.end() || !count->is_number_unsigned() ||
      people == m.end() || !people->is_array()) {
    return std::nullopt;
  }
  json listed = json::array();
  for (const auto& p : *people) {
    if (!p.is_object() || !p.contains("person") || !p["person"].is_string() ||
        !p.contains("since") || !p["since"].is_string()) {
      return std::nullopt;
    }
    json entry{{"person", p["person"]}, {"since", p["since"]}};
    if (p.contains("name") && p["name"].is_string()) entry["name"] = p["name"];
    listed.push_back(std::move(entry));
  }
  // ISO 8601 UTC times of one fixed width sort as strings.
  std::stable_sort(listed.begin(), listed.end(), [](const json& a, const json& b) {
    return a["since"].get_ref<const std::string&>() < b["since"].get_ref<const std::string&>();
  });
  bool truncated =
      m.contains("truncated") && m["truncated"].is_boolean() && m["truncated"].get<bool>();
  if (listed.size() > kMusterShown) {
    listed.erase(listed.begin() + static_cast<std::ptrdiff_t>(kMusterShown), listed.end());
    truncated = true;
  }
  const std::string personal = m.contains("personal_data") && m["personal_data"].is_string()
                                   ? m["personal_data"].get<std::string>()
                                   : "none";
  return json{{"zone", *zone},
              {"count", *count},
              {"truncated", truncated},
              {"personal_data", personal},
              {"people", std::move(listed)}};
}

}  // namespace vigil::console
