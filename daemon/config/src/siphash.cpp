#include "siphash.hpp"

#include <bit>

namespace vigil::config {
namespace {

std::uint64_t load_le64(const unsigned char* p) {
  std::uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | p[i];
  return v;
}

[[gnu::always_inline]] inline void sip_round(std::uint64_t& v0, std::uint64_t& v1,
                                             std::uint64_t& v2, std::uint64_t& v3) {
  v0 += v1;
  v1 = std::rotl(v1, 13);
  v1 ^= v0;
  v0 = std::rotl(v0, 32);
  v2 += v3;
  v3 = std::rotl(v3, 16);
  v3 ^= v2;
  v0 += v3;
  v3 = std::rotl(v3, 21);
  v3 ^= v0;
  v2 += v1;
  v1 = std::rotl(v1, 17);
  v1 ^= v2;
  v2 = std::rotl(v2, 32);
}

}  // namespace

SipHasher::SipHasher(const SipKey& key) {
  const std::uint64_t k0 = load_le64(key.data());
  const std::uint64_t k1 = load_le64(key.data() + 8);
  v0_ = k0 ^ 0x736f6d6570736575ULL;
  v1_ = k1 ^ 0x646f72616e646f6dULL;
  v2_ = k0 ^ 0x6c7967656e657261ULL;
  v3_ = k1 ^ 0x7465646279746573ULL;
}

void SipHasher::absorb(std::uint64_t m) {
  v3_ ^= m;
  sip_round(v0_, v1_, v2_, v3_);
  sip_round(v0_, v1_, v2_, v3_);
  v0_ ^= m;
}

SipHasher& SipHasher::update(std::string_view bytes) {
  const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
  std::size_t n = bytes.size();
  std::size_t have = length_ % 8;
  length_ += n;
  // Fill a block begun by an earlier piece.
  while (have != 0 && n != 0) {
    tail_ |= static_cast<std::uint64_t>(*p++) << (8 * have);
    --n;
    if (++have == 8) {
      absorb(tail_);
      tail_ = 0;
      have = 0;
    }
  }
  for (; n >= 8; n -= 8, p += 8) absorb(load_le64(p));
  for (std::size_t i = 0; i < n; ++i) tail_ |= static_cast<std::uint64_t>(p[i]) << (8 * i);
  return *this;
}

std::uint64_t SipHasher::finish() const {
  std::uint64_t v0 = v0_, v1 = v1_, v2 = v2_, v3 = v3_;
  // The last block: the bytes left over, and the length's low byte on top.
  const std::uint64_t m = tail_ | (length_ << 56);
  v3 ^= m;
  sip_round(v0, v1, v2, v3);
  sip_round(v0, v1, v2, v3);
  v0 ^= m;
  v2 ^= 0xff;
  for (int i = 0; i < 4; ++i) sip_round(v0, v1, v2, v3);
  return v0 ^ v1 ^ v2 ^ v3;
}

std::uint64_t siphash24(const SipKey& key, std::string_view bytes) {
  return SipHasher(key).update(bytes).finish();
}

}  // namespace vigil::config
