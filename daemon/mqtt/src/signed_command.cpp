#include "vigil/mqtt/signed_command.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>

#include "vigil/core/base64.hpp"

namespace vigil::mqtt {
namespace {

using nlohmann::json;

constexpr std::array kCodeNames{
    "ok",   "bad_request", "unknown_operator", "bad_signature", "wrong_target", "stale", "replay",
    "role", "scope",       "failed",
};

bool id_char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '_' || c == '-';
}

bool valid_id(const std::string& id) {
  return !id.empty() && id.size() <= 64 && std::all_of(id.begin(), id.end(), id_char);
}

bool valid_nonce(const std::string& nonce) {
  return nonce.size() == 32 && std::all_of(nonce.begin(), nonce.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

// A string member, or nullopt when missing or not a string.
std::optional<std::string> text(const json& object, const char* key) {
  const auto it = object.find(key);
  if (it == object.end() || !it->is_string()) return std::nullopt;
  return it->get<std::string>();
}

std::optional<std::int64_t> integer(const json& object, const char* key) {
  const auto it = object.find(key);
  if (it == object.end()) return std::nullopt;
  if (it->is_number_integer() && !it->is_number_unsigned()) return it->get<std::int64_t>();
  if (it->is_number_unsigned() && it->get<std::uint64_t>() <= INT64_MAX) {
    return static_cast<std::int64_t>(it->get<std::uint64_t>());
  }
  return std::nullopt;
}

// The args of `cmd` into `body`; empty when fine, else why not.
std::string read_args(const json& args, CommandBody& body) {
  const std::string& cmd = body.cmd;
  auto need_text = [&](const char* key, std::string& out) -> std::string {
    auto v = text(args, key);
    if (!v || v->empty() || v->size() > 256) {
      return std::string("args.") + key + ": a non-empty string of at most 256 characters";
    }
    out = *v;
    return "";
  };
  if (cmd == "incident-ack" || cmd == "incident-resolve") {
    if (auto why = need_text("incident", body.incident); !why.empty()) return why;
    const auto note = args.find("note");
    if (note != args.end()) {
      if (!note->is_string() || note->get<std::string>().size() > 2000) {
        return "args.note: a string of at most 2000 characters";
      }
      body.note = note->get<std::string>();
    }
    if (cmd == "incident-resolve" && (!body.note || body.note->empty())) {
      return "args.note: incident-resolve needs a note";
    }
    return "";
  }
  if (cmd == "lockdown-set" || cmd == "lockdown-release" || cmd == "zone-arm" ||
      cmd == "zone-disarm") {
    return need_text("zone", body.zone);
  }
  if (cmd == "door-unlock") {
    if (auto why = need_text("door", body.door); !why.empty()) return why;
    const auto seconds = integer(args, "seconds");
    if (!seconds || *seconds < 1 || *seconds > 300) return "args.seconds: an integer 1..300";
    body.seconds = *seconds;
    return "";
  }
  return "";  // fire-reset: {}
}

}  // namespace

const char* to_string(CommandCode code) {
  return kCodeNames.at(static_cast<std::size_t>(code));
}

const std::vector<std::string>& command_names() {
  static const std::vector<std::string> names{
      "incident-ack", "incident-resolve", "lockdown-set", "lockdown-release",
      "door-unlock",  "zone-arm",         "zone-disarm",  "fire-reset"};
  return names;
}

SignedCommand parse_signed_command(std::string_view payload) {
  SignedCommand out;
  auto bad = [&](std::string why) {
    out.code = CommandCode::bad_request;
    out.message = std::move(why);
    return out;
  };
  if (payload.size() > kMaxCommandPayload) return bad("the payload is larger than 16 KiB");
  const json envelope = json::parse(payload.begin(), payload.end(), nullptr, false);
  if (envelope.is_discarded() || !envelope.is_object())
    return bad("the payload is not a JSON object");
  const auto body_text = text(envelope, "body");
  if (!body_text) return bad("'body' must be a string");
  out.body_bytes = *body_text;

  // What the body tells, best effort, so that a refusal can be answered.
  const json body = json::parse(out.body_bytes.begin(), out.body_bytes.end(), nullptr, false);
  if (body.is_discarded() || !body.is_object()) return bad("'body' is not a JSON object");
  if (auto id = text(body, "id"); id && valid_id(*id)) out.id = *id;
  out.operator_name = text(body, "operator");
  out.cmd = text(body, "cmd");

  if (integer(envelope, "v") != 1) return bad("'v' must be 1");
  const auto sig = text(envelope, "sig");
  const auto raw_sig = sig ? core::base64_decode(*sig) : std::nullopt;
  if (!raw_sig || raw_sig->size() != kEd25519SignatureBytes) {
    return bad("'sig' must be the standard base64 of a 64-byte Ed25519 signature");
  }
  out.signature = *raw_sig;

  if (integer(body, "v") != 1) return bad("body 'v' must be 1");
  if (!out.id) return bad("body 'id': 1 to 64 characters of A-Z a-z 0-9 . _ -");
  CommandBody& b = out.body;
  b.id = *out.id;
  if (!out.operator_name || out.operator_name->empty()) return bad("body 'operator' is missing");
  b.operator_name = *out.operator_name;
  if (!out.cmd || std::find(command_names().begin(), command_names().end(), *out.cmd) ==
                      command_names().end()) {
    return bad("body 'cmd': unknown command");
  }
  b.cmd = *out.cmd;
  const auto site = text(body, "site");
  const auto gateway = text(body, "gateway");
  if (!site || !gateway) return bad("body 'site' and 'gateway' must be strings");
  b.site = *site;
  b.gateway = *gateway;
  const auto ts = integer(body, "ts");
  if (!ts) return bad("body 'ts' must be an integer (Unix time in ms)");
  b.ts_ms = *ts;
  const auto nonce = text(body, "nonce");
  if (!nonce || !valid_nonce(*nonce))
    return bad("body 'nonce' must be 32 lowercase hex characters");
  b.nonce = *nonce;
  const auto args = body.find("args");
  if (args == body.end() || !args->is_object()) return bad("body 'args' must be an object");
  if (auto why = read_args(*args, b); !why.empty()) return bad(why);
  return out;
}

std::string format_command_body(const CommandBody& b) {
  json args = json::object();
  if (!b.incident.empty()) args["incident"] = b.incident;
  if (b.note) args["note"] = *b.note;
  if (!b.zone.empty()) args["zone"] = b.zone;
  if (!b.door.empty()) args["door"] = b.door;
  if (b.cmd == "door-unlock") args["seconds"] = b.seconds;
  const json body{{"v", 1},        {"id", b.id},       {"operator", b.operator_name},
                  {"cmd", b.cmd},  {"site", b.site},   {"gateway", b.gateway},
                  {"ts", b.ts_ms}, {"nonce", b.nonce}, {"args", args}};
  return body.dump();
}

std::string format_signed_command(std::string_view body_json, std::string_view seed) {
  const json envelope{{"v", 1},
                      {"body", std::string(body_json)},
                      {"sig", core::base64_encode(ed25519_sign(seed, body_json))}};
  return envelope.dump();
}

std::string format_command_reply(const CommandReply& r) {
  json reply{{"v", 1},
             {"id", r.id},
             {"cmd", r.cmd},
             {"operator", nullptr},
             {"ok", r.code == CommandCode::ok},
             {"code", to_string(r.code)},
             {"message", r.message},
             {"seq", nullptr}};
  if (r.operator_name) reply["operator"] = *r.operator_name;
  if (r.seq) reply["seq"] = *r.seq;
  // A message taken from a command's output may hold any bytes.
  return reply.dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace vigil::mqtt
