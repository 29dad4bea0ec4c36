// TZif reader (RFC 8536). Version 1 data uses 32-bit times; version 2+ files
// repeat the data with 64-bit times and add a POSIX TZ footer, which is what
// we read when present.
#include <algorithm>
#include <fstream>
#include <limits>
#include <sstream>

#include "posix_tz.hpp"
#include "vigil/config/time_zone.hpp"

namespace vigil::config {
namespace {

// Rules are expanded this far past the file's last transition; a gateway
// outliving that is someone else's problem.
constexpr int kLastExpandedYear = 2200;

struct Header {
  char version = 0;
  std::uint32_t isutcnt = 0, isstdcnt = 0, leapcnt = 0, timecnt = 0, typecnt = 0, charcnt = 0;
};

constexpr std::size_t kHeaderSize = 44;

class Bytes {
 public:
  Bytes(std::string_view data, std::string name) : data_(data), name_(std::move(name)) {}
  [[noreturn]] void fail(const std::string& why) const {
    throw TimeZoneError("time zone '" + name_ + "': not a valid TZif file (" + why + ")");
  }
  void need(std::size_t at, std::size_t n) const {
    if (at > data_.size() || data_.size() - at < n) fail("truncated");
  }
  std::uint64_t be(std::size_t at, std::size_t width) const {
    need(at, width);
    std::uint64_t v = 0;
    for (std::size_t i = 0; i < width; ++i)
      v = (v << 8) | static_cast<unsigned char>(data_[at + i]);
    return v;
  }
  std::int64_t time(std::size_t at, std::size_t width) const {
    const std::uint64_t v = be(at, width);
    if (width == 4) return static_cast<std::int32_t>(static_cast<std::uint32_t>(v));
    return static_cast<std::int64_t>(v);
  }
  Header header(std::size_t at) const {
    need(at, kHeaderSize);
    if (data_.substr(at, 4) != "TZif") fail("no TZif magic");
    Header h;
    h.version = data_[at + 4];
    std::uint32_t* counts[] = {&h.isutcnt, &h.isstdcnt, &h.leapcnt,
                               &h.timecnt, &h.typecnt,  &h.charcnt};
    for (std::size_t i = 0; i < 6; ++i)
      *counts[i] = static_cast<std::uint32_t>(be(at + 20 + 4 * i, 4));
    if (h.typecnt == 0) fail("no local time types");
    return h;
  }
  std::string_view view() const { return data_; }

 private:
  std::string_view data_;
  std::string name_;
};

std::size_t block_size(const Header& h, std::size_t time_width) {
  return std::size_t{h.timecnt} * time_width + h.timecnt + std::size_t{h.typecnt} * 6 + h.charcnt +
         std::size_t{h.leapcnt} * (time_width + 4) + h.isstdcnt + h.isutcnt;
}

bool valid_name(const std::string& name) {
  if (name.empty() || name.front() == '/' || name.find("..") != std::string::npos) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '/' ||
           c == '_' || c == '-' || c == '+';
  });
}

}  // namespace

core::TimeZone parse_tzif(std::string_view data, const std::string& name) {
  const Bytes bytes(data, name);
  Header h = bytes.header(0);
  std::size_t at = kHeaderSize;
  std::size_t width = 4;
  if (h.version >= '2') {
    // Skip the 32-bit block; the 64-bit one after it is authoritative.
    at += block_size(h, 4);
    h = bytes.header(at);
    at += kHeaderSize;
    width = 8;
  }
  bytes.need(at, block_size(h, width));

  std::vector<std::int64_t> times(h.timecnt);
  for (std::size_t i = 0; i < h.timecnt; ++i) times[i] = bytes.time(at + i * width, width);
  const std::size_t indices = at + std::size_t{h.timecnt} * width;
  const std::size_t types = indices + h.timecnt;
  std::vector<std::int32_t> utoffs(h.typecnt);
  for (std::size_t i = 0; i < h.typecnt; ++i) {
    utoffs[i] = static_cast<std::int32_t>(static_cast<std::uint32_t>(bytes.be(types + i * 6, 4)));
    if (utoffs[i] < -25 * 3600 || utoffs[i] > 26 * 3600) bytes.fail("implausible UTC offset");
  }

  // Before the first transition, local time type 0 applies (RFC 8536 3.2).
  const std::int32_t initial = utoffs[0];
  std::vector<core::TimeZone::Transition> transitions;
  std::int32_t current = initial;
  for (std::size_t i = 0; i < h.timecnt; ++i) {
    const auto index = static_cast<unsigned char>(bytes.view()[indices + i]);
    if (index >= h.typecnt) bytes.fail("transition to an undefined time type");
    if (i > 0 && times[i] <= times[i - 1]) bytes.fail("transitions out of order");
    // Changes of abbreviation or DST flag alone do not move the clock.
    if (utoffs[index] != current) transitions.push_back({times[i], utoffs[index]});
    current = utoffs[index];
  }

  if (width == 8) {
    const std::size_t footer = at + block_size(h, width);
    const std::string_view rest = bytes.view().substr(std::min(footer, data.size()));
    if (rest.size() >= 2 && rest.front() == '\n') {
      const std::size_t end = rest.find('\n', 1);
      if (end == std::string_view::npos) bytes.fail("unterminated footer");
      const std::string_view tz_string = rest.substr(1, end - 1);
      if (!tz_string.empty()) {
        auto rule = parse_posix_tz(tz_string);
        if (!rule) bytes.fail("bad TZ string '" + std::string(tz_string) + "' in the footer");
        const std::int64_t last =
            times.empty() ? std::numeric_limits<std::int64_t>::min() : times.back();
        const int from_year = times.empty() ? 1970 : static_cast<int>(1970 + last / 31556952 - 1);
        for (const auto& t : expand(*rule, from_year, kLastExpandedYear)) {
          if (t.at_unix_seconds <= last || t.offset_seconds == current) continue;
          transitions.push_back(t);
          current = t.offset_seconds;
        }
      }
    }
  }
  return core::TimeZone(name, initial, std::move(transitions));
}

core::TimeZone load_time_zone(const std::string& name, const std::filesystem::path& zoneinfo_dir) {
  if (!valid_name(name)) throw TimeZoneError("'" + name + "' is not a time zone name");
  std::ifstream in(zoneinfo_dir / name, std::ios::binary);
  if (!in) {
    throw TimeZoneError("unknown time zone '" + name + "' (no file " +
                        (zoneinfo_dir / name).string() + ")");
  }
  std::ostringstream data;
  data << in.rdbuf();
  return parse_tzif(data.str(), name);
}

}  // namespace vigil::config
