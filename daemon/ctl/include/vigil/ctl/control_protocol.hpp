// The control socket's wire format (docs/control.md): one request per
// connection, one reply, each a single line of JSON ending in '\n'.
//
//   request: {"v":1,"argv":["log","query","--zone","lab"],"files":{"people.csv":"<base64>"}}
//   reply:   {"v":1,"rc":0,"stdout":"...","stderr":"...","files":{"x.csv":"<base64>"}}
//
// argv is what the operator typed after `vigilctl`, minus how to reach the
// daemon (--socket, --config); files carry what the client read for the
// daemon (vigild's user may not read the operator's files). parse_request()
// is the daemon's parser of outside input: bounded, and every malformed
// request is an error message, never a crash (fuzzed: tests/fuzz).
#pragma once

#include <cstddef>
#include <map>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace vigil::ctl {

inline constexpr int kProtocolVersion = 1;
// A people file of ~100k rows fits; anything larger is refused unread.
inline constexpr std::size_t kMaxRequestBytes = 16u << 20;
inline constexpr std::size_t kMaxArgs = 64;
inline constexpr std::size_t kMaxArgBytes = 4096;
inline constexpr std::size_t kMaxFiles = 4;

struct ControlRequest {
  std::vector<std::string> argv;
  std::map<std::string, std::string> files;  // base name -> bytes
};

struct ControlReply {
  int rc = 0;
  std::string out;  // the command's stdout
  std::string err;  // its stderr
  // Files the command wrote for the operator (log export: the data and its
  // signed manifest), base name -> bytes; the client writes them.
  std::map<std::string, std::string> files{};
};

// One request line (without or with its trailing '\n'). A string is the
// error to send back.
std::variant<ControlRequest, std::string> parse_request(std::string_view line);
std::string format_request(const ControlRequest& request);  // ends in '\n'

std::variant<ControlReply, std::string> parse_reply(std::string_view line);
std::string format_reply(const ControlReply& reply);  // ends in '\n'

std::string base64_encode(std::string_view bytes);
// nullopt-like: false when `text` is not canonical base64.
bool base64_decode(std::string_view text, std::string& out);

}  // namespace vigil::ctl
