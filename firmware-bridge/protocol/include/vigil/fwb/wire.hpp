// Bounded little-endian writer and reader over a fixed buffer. They never
// write or read past the end: an overrun sets a flag the caller checks once.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

namespace vigil::fwb {

class Writer {
 public:
  explicit Writer(std::span<std::uint8_t> out) : out_(out) {}
  void u8(std::uint8_t v) {
    if (pos_ >= out_.size()) {
      ok_ = false;
      return;
    }
    out_[pos_++] = v;
  }
  void u16(std::uint16_t v) { le(v, 2); }
  void u32(std::uint32_t v) { le(v, 4); }
  void u64(std::uint64_t v) { le(v, 8); }
  void fail() { ok_ = false; }
  bool ok() const { return ok_; }
  std::size_t size() const { return pos_; }

 private:
  void le(std::uint64_t v, int n) {
    for (int i = 0; i < n; ++i) u8(static_cast<std::uint8_t>(v >> (8 * i)));
  }
  std::span<std::uint8_t> out_;
  std::size_t pos_ = 0;
  bool ok_ = true;
};

class Reader {
 public:
  explicit Reader(std::span<const std::uint8_t> in) : in_(in) {}
  std::uint8_t u8() {
    if (pos_ >= in_.size()) {
      ok_ = false;
      return 0;
    }
    return in_[pos_++];
  }
  std::uint16_t u16() { return static_cast<std::uint16_t>(le(2)); }
  std::uint32_t u32() { return static_cast<std::uint32_t>(le(4)); }
  std::uint64_t u64() { return le(8); }
  void fail() { ok_ = false; }
  void fail_value() { bad_value_ = true; }
  bool ok() const { return ok_; }
  bool bad_value() const { return bad_value_; }
  std::size_t remaining() const { return in_.size() - pos_; }

 private:
  std::uint64_t le(int n) {
    std::uint64_t v = 0;
    for (int i = 0; i < n; ++i) v |= std::uint64_t{u8()} << (8 * i);
    return v;
  }
  std::span<const std::uint8_t> in_;
  std::size_t pos_ = 0;
  bool ok_ = true;
  bool bad_value_ = false;
};

}  // namespace vigil::fwb
