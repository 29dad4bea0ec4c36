#include "vigil/journal/event_json.hpp"

namespace vigil::journal {
namespace {

template <class IdType>
void put_id(nlohmann::json& out, const char* key, const std::optional<IdType>& id) {
  if (id) out[key] = id->str();
}

}  // namespace

nlohmann::json event_to_json(const core::Event& event) {
  nlohmann::json out{
      {"seq", event.seq},
      {"ts_us", core::to_unix_micros(event.time)},
      {"time", core::format_utc(event.time)},
      {"kind", core::to_string(event.kind)},
      {"reason", core::to_string(event.reason)},
  };
  put_id(out, "door", event.door);
  put_id(out, "reader", event.reader);
  put_id(out, "zone", event.zone);
  put_id(out, "person", event.person);
  put_id(out, "device", event.device);
  if (event.card) out["card"] = core::to_string(*event.card);
  out["detail"] = event.detail;
  if (!event.attrs.empty()) {
    auto& attrs = out["attrs"] = nlohmann::json::object();
    for (const auto& attr : event.attrs) {
      std::visit([&](const auto& value) { attrs[attr.key] = value; }, attr.value);
    }
  }
  return out;
}

nlohmann::json verify_result_to_json(const VerifyResult& result) {
  nlohmann::json out{
      {"ok", result.ok},
      {"rows", result.rows},
      {"head_hash", to_hex(result.head_hash)},
      {"message", result.message},
      {"journal_id", result.journal_id},
  };
  if (!result.ok) {
    out["damage"] = to_string(result.damage);
    out["bad_seq"] = result.bad_seq;
  }
  return out;
}

}  // namespace vigil::journal
