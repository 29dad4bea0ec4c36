#include "vigil/ctl/control_protocol.hpp"

#include <nlohmann/json.hpp>

#include <array>

namespace vigil::ctl {
namespace {

using nlohmann::json;

// nlohmann's parser recurses per nesting level: bound the depth before
// parsing, so a line of a million '[' cannot exhaust the stack.
constexpr int kMaxDepth = 8;

bool nesting_within_bound(std::string_view text) {
  int depth = 0;
  bool in_string = false;
  bool escaped = false;
  for (char c : text) {
    if (in_string) {
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > kMaxDepth) return false;
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return true;
}

std::string_view strip_newline(std::string_view line) {
  if (!line.empty() && line.back() == '\n') line.remove_suffix(1);
  return line;
}

// A file name as the daemon will use it: a base name, nothing to climb out
// of its private folder with.
bool plain_file_name(const std::string& name) {
  return !name.empty() && name.size() <= 255 && name != "." && name != ".." &&
         name.find('/') == std::string::npos && name.find('\0') == std::string::npos;
}

std::string dump(const json& j) {
  // Output may hold bytes that are not UTF-8 (a name from a CSV): replace
  // them rather than throw.
  return j.dump(-1, ' ', false, json::error_handler_t::replace) + "\n";
}

constexpr std::string_view kAlphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

}  // namespace

std::string base64_encode(std::string_view bytes) {
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  for (std::size_t i = 0; i < bytes.size(); i += 3) {
    std::uint32_t n = static_cast<std::uint8_t>(bytes[i]) << 16;
    if (i + 1 < bytes.size()) n |= static_cast<std::uint8_t>(bytes[i + 1]) << 8;
    if (i + 2 < bytes.size()) n |= static_cast<std::uint8_t>(bytes[i + 2]);
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += i + 1 < bytes.size() ? kAlphabet[(n >> 6) & 63] : '=';
    out += i + 2 < bytes.size() ? kAlphabet[n & 63] : '=';
  }
  return out;
}

bool base64_decode(std::string_view text, std::string& out) {
  if (text.size() % 4 != 0) return false;
  std::array<int, 256> value{};
  value.fill(-1);
  for (std::size_t i = 0; i < kAlphabet.size(); ++i)
    value[static_cast<unsigned char>(kAlphabet[i])] = static_cast<int>(i);
  out.clear();
  out.reserve(text.size() / 4 * 3);
  for (std::size_t i = 0; i < text.size(); i += 4) {
    const bool last = i + 4 == text.size();
    int v[4];
    int pad = 0;
    for (int k = 0; k < 4; ++k) {
      const char c = text[i + static_cast<std::size_t>(k)];
      if (c == '=' && last && k >= 2) {
        v[k] = 0;
        ++pad;
      } else if (pad > 0 || (v[k] = value[static_cast<unsigned char>(c)]) < 0) {
        return false;
      }
    }
    // Canonical only: the bits a padded group leaves over must be zero, so
    // one content has one encoding.
    if ((pad == 2 && (v[1] & 0xf) != 0) || (pad == 1 && (v[2] & 0x3) != 0)) return false;
    const std::uint32_t n = static_cast<std::uint32_t>(v[0] << 18 | v[1] << 12 | v[2] << 6 | v[3]);
    out += static_cast<char>((n >> 16) & 0xff);
    if (pad < 2) out += static_cast<char>((n >> 8) & 0xff);
    if (pad < 1) out += static_cast<char>(n & 0xff);
  }
  return true;
}

std::variant<ControlRequest, std::string> parse_request(std::string_view line) {
  line = strip_newline(line);
  if (line.size() > kMaxRequestBytes) return std::string("request too large");
  if (!nesting_within_bound(line)) return std::string("request nested too deeply");
  const json j = json::parse(line, nullptr, false);
  if (j.is_discarded()) return std::string("request is not JSON");
  if (!j.is_object()) return std::string("request must be a JSON object");
  for (const auto& [key, value] : j.items()) {
    if (key != "v" && key != "argv" && key != "files") {
      return "unknown request field '" + key + "'";
    }
  }
  const auto v = j.find("v");
  if (v == j.end() || !v->is_number_integer() || v->get<std::int64_t>() != kProtocolVersion) {
    return std::string("request needs \"v\": 1 (this vigild speaks protocol 1)");
  }
  const auto argv = j.find("argv");
  if (argv == j.end() || !argv->is_array() || argv->empty()) {
    return std::string("request needs \"argv\": a non-empty list of words");
  }
  if (argv->size() > kMaxArgs) return "more than " + std::to_string(kMaxArgs) + " words";
  ControlRequest out;
  for (const auto& word : *argv) {
    if (!word.is_string()) return std::string("every word of \"argv\" must be a string");
    const auto& s = word.get_ref<const std::string&>();
    if (s.size() > kMaxArgBytes) return "a word longer than " + std::to_string(kMaxArgBytes);
    out.argv.push_back(s);
  }
  if (const auto files = j.find("files"); files != j.end()) {
    if (!files->is_object()) return std::string("\"files\" must be an object");
    if (files->size() > kMaxFiles) return "more than " + std::to_string(kMaxFiles) + " files";
    for (const auto& [name, content] : files->items()) {
      if (!plain_file_name(name)) return "file name '" + name + "' is not a plain base name";
      if (!content.is_string()) return "file '" + name + "' must be base64 text";
      std::string bytes;
      if (!base64_decode(content.get_ref<const std::string&>(), bytes)) {
        return "file '" + name + "' is not valid base64";
      }
      out.files.emplace(name, std::move(bytes));
    }
  }
  return out;
}

std::string format_request(const ControlRequest& request) {
  json j{{"v", kProtocolVersion}, {"argv", request.argv}};
  if (!request.files.empty()) {
    json files = json::object();
    for (const auto& [name, bytes] : request.files) files[name] = base64_encode(bytes);
    j["files"] = std::move(files);
  }
  return dump(j);
}

std::variant<ControlReply, std::string> parse_reply(std::string_view line) {
  line = strip_newline(line);
  if (!nesting_within_bound(line)) return std::string("reply nested too deeply");
  const json j = json::parse(line, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return std::string("reply is not a JSON object");
  const auto rc = j.find("rc");
  if (rc == j.end() || !rc->is_number_integer()) return std::string("reply has no \"rc\"");
  ControlReply out;
  out.rc = static_cast<int>(rc->get<std::int64_t>());
  if (auto s = j.find("stdout"); s != j.end() && s->is_string()) out.out = s->get<std::string>();
  if (auto s = j.find("stderr"); s != j.end() && s->is_string()) out.err = s->get<std::string>();
  if (auto files = j.find("files"); files != j.end()) {
    // The client writes these beside the operator's --out: plain base names
    // only, so a reply cannot aim a file elsewhere.
    if (!files->is_object()) return std::string("reply's \"files\" is not an object");
    for (const auto& [name, content] : files->items()) {
      std::string bytes;
      if (!plain_file_name(name) || !content.is_string() ||
          !base64_decode(content.get_ref<const std::string&>(), bytes)) {
        return "reply's file '" + name + "' is not a plain name with base64 content";
      }
      out.files.emplace(name, std::move(bytes));
    }
  }
  return out;
}

std::string format_reply(const ControlReply& reply) {
  json j{{"v", kProtocolVersion}, {"rc", reply.rc}, {"stdout", reply.out}, {"stderr", reply.err}};
  if (!reply.files.empty()) {
    json files = json::object();
    for (const auto& [name, bytes] : reply.files) files[name] = base64_encode(bytes);
    j["files"] = std::move(files);
  }
  return dump(j);
}

}  // namespace vigil::ctl
