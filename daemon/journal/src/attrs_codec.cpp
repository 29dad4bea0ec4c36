#include "vigil/journal/attrs_codec.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>

#include "vigil/journal/hash_chain.hpp"

namespace vigil::journal {
namespace {

void put_u32(std::vector<std::uint8_t>& out, std::size_t v) {
  if (v > 0xffffffffu) throw std::length_error("journal attribute over 4 GiB");
  // One insert of four bytes, not four push_backs (each checks capacity):
  // an import encodes ~10 of these a row.
  const std::uint8_t bytes[4] = {static_cast<std::uint8_t>(v >> 24),
                                 static_cast<std::uint8_t>(v >> 16),
                                 static_cast<std::uint8_t>(v >> 8), static_cast<std::uint8_t>(v)};
  out.insert(out.end(), bytes, bytes + 4);
}

void put_string(std::vector<std::uint8_t>& out, const std::string& text) {
  put_u32(out, text.size());
  out.insert(out.end(), text.begin(), text.end());
}

class Reader {
 public:
  explicit Reader(std::span<const std::uint8_t> bytes) : bytes_(bytes) {}
  bool done() const { return at_ == bytes_.size(); }
  std::optional<std::uint64_t> number(std::size_t width) {
    if (bytes_.size() - at_ < width) return std::nullopt;
    std::uint64_t v = 0;
    for (std::size_t i = 0; i < width; ++i) v = v << 8 | bytes_[at_++];
    return v;
  }
  std::optional<std::string> string() {
    auto size = number(4);
    if (!size || bytes_.size() - at_ < *size) return std::nullopt;
    std::string out(reinterpret_cast<const char*>(bytes_.data() + at_), *size);
    at_ += *size;
    return out;
  }

 private:
  std::span<const std::uint8_t> bytes_;
  std::size_t at_ = 0;
};

}  // namespace

std::vector<std::uint8_t> encode_attrs(const core::Attrs& given) {
  std::vector<std::uint8_t> out;
  encode_attrs_into(given, out);
  return out;
}

void encode_attrs_into(const core::Attrs& given, std::vector<std::uint8_t>& out) {
  // set_attr keeps attrs sorted with unique keys, so the copy that sorts
  // them is only made for a list built some other way (it was a deep copy
  // of every event's attrs on the writer's path).
  const bool ordered =
      std::adjacent_find(given.begin(), given.end(), [](const auto& a, const auto& b) {
        return !(a.key < b.key);
      }) == given.end();
  core::Attrs sorted;
  if (!ordered) {
    sorted.reserve(given.size());
    for (const auto& attr : given) core::set_attr(sorted, attr.key, attr.value);
  }
  const core::Attrs& attrs = ordered ? given : sorted;

  out.clear();
  std::size_t size = 5;
  for (const auto& attr : attrs) {
    size += 4 + attr.key.size() + 9;
    if (const auto* text = std::get_if<std::string>(&attr.value)) size += 4 + text->size();
  }
  out.reserve(size);
  out.push_back(kAttrsEncodingVersion);
  put_u32(out, attrs.size());
  for (const auto& attr : attrs) {
    put_string(out, attr.key);
    if (const auto* integer = std::get_if<std::int64_t>(&attr.value)) {
      out.push_back(tag::integer);
      for (int shift = 56; shift >= 0; shift -= 8) {
        out.push_back(static_cast<std::uint8_t>(static_cast<std::uint64_t>(*integer) >> shift));
      }
    } else if (const auto* boolean = std::get_if<bool>(&attr.value)) {
      out.push_back(tag::boolean);
      out.push_back(*boolean ? 1 : 0);
    } else {
      out.push_back(tag::text);
      put_string(out, std::get<std::string>(attr.value));
    }
  }
}

std::optional<core::Attrs> decode_attrs(std::span<const std::uint8_t> bytes) {
  Reader in{bytes};
  auto version = in.number(1);
  auto count = in.number(4);
  if (!version || *version != kAttrsEncodingVersion || !count) return std::nullopt;
  core::Attrs attrs;
  for (std::uint64_t i = 0; i < *count; ++i) {
    auto key = in.string();
    auto type = in.number(1);
    if (!key || !type) return std::nullopt;
    if (!attrs.empty() && !(attrs.back().key < *key)) return std::nullopt;  // order, uniqueness
    core::AttrValue value;
    if (*type == tag::integer) {
      auto v = in.number(8);
      if (!v) return std::nullopt;
      value = static_cast<std::int64_t>(*v);
    } else if (*type == tag::boolean) {
      auto v = in.number(1);
      if (!v || *v > 1) return std::nullopt;
      value = *v == 1;
    } else if (*type == tag::text) {
      auto v = in.string();
      if (!v) return std::nullopt;
      value = std::move(*v);
    } else {
      return std::nullopt;
    }
    attrs.push_back(core::Attr{.key = std::move(*key), .value = std::move(value)});
  }
  if (!in.done()) return std::nullopt;
  return attrs;
}

}  // namespace vigil::journal
