// SipHash-2-4 (Aumasson and Bernstein, "SipHash: a fast short-input PRF",
// 2012): a keyed 64-bit digest. Without the key, nobody can make two inputs
// with the same digest, so an import's check pass can keep 8 bytes a row
// and know each row read back later is the row it checked.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

namespace vigil::config {

using SipKey = std::array<std::uint8_t, 16>;

// The digest of the bytes given to update(), in pieces of any size.
class SipHasher {
 public:
  explicit SipHasher(const SipKey& key);
  SipHasher& update(std::string_view bytes);
  std::uint64_t finish() const;

 private:
  void absorb(std::uint64_t m);
  std::uint64_t v0_, v1_, v2_, v3_;
  std::uint64_t tail_ = 0;    // the bytes of a block not yet full, little-endian
  std::uint64_t length_ = 0;  // bytes given so far
};

std::uint64_t siphash24(const SipKey& key, std::string_view bytes);

}  // namespace vigil::config
