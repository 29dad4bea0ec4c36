#include "vigil/journal/hash_chain.hpp"

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <algorithm>
#include <bit>
#include <cstring>
#include <stdexcept>

namespace vigil::journal {
namespace {

// std::byteswap is C++23.
constexpr std::uint32_t byteswap(std::uint32_t v) {
  return __builtin_bswap32(v);
}
constexpr std::uint64_t byteswap(std::uint64_t v) {
  return __builtin_bswap64(v);
}

// Big-endian writes straight into the buffer's tail: the verify walk builds
// one hash input per row, and byte-wise push_back showed in its profile.
template <class Unsigned>
void put_be(std::vector<std::uint8_t>& out, Unsigned v) {
  if constexpr (std::endian::native == std::endian::little) v = byteswap(v);
  std::uint8_t bytes[sizeof v];
  std::memcpy(bytes, &v, sizeof v);
  out.insert(out.end(), bytes, bytes + sizeof v);
}

void put_bytes(std::vector<std::uint8_t>& out, std::uint8_t type, const std::uint8_t* data,
               std::size_t size) {
  if (size > 0xffffffffu) throw std::length_error("journal field over 4 GiB");
  out.push_back(type);
  put_be(out, static_cast<std::uint32_t>(size));
  if (size > 0) out.insert(out.end(), data, data + size);
}

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

void CanonicalBytes::start() {
  buffer_.reserve(512);
  buffer_.assign(kCanonicalMagic.begin(), kCanonicalMagic.end());
}

void CanonicalBytes::put_integer(std::int64_t value) {
  buffer_.push_back(tag::integer);
  put_be(buffer_, static_cast<std::uint64_t>(value));  // two's complement
}

void CanonicalBytes::put_real(double value) {
  buffer_.push_back(tag::real);
  put_be(buffer_, std::bit_cast<std::uint64_t>(value));
}

void CanonicalBytes::put_text(std::string_view text) {
  put_bytes(buffer_, tag::text, reinterpret_cast<const std::uint8_t*>(text.data()), text.size());
}

void CanonicalBytes::put_blob(std::span<const std::uint8_t> bytes) {
  put_bytes(buffer_, tag::blob, bytes.data(), bytes.size());
}

void CanonicalBytes::put_null() {
  buffer_.push_back(tag::null);
}

void CanonicalBytes::put_name(std::int64_t id, std::string_view text) {
  put_integer(id);
  put_text(text);
}

RowHasher::RowHasher()
    : sha256_(EVP_MD_fetch(nullptr, "SHA256", nullptr)), context_(EVP_MD_CTX_new()) {
  if (sha256_ == nullptr || context_ == nullptr) {
    EVP_MD_free(sha256_);
    EVP_MD_CTX_free(context_);
    throw std::runtime_error("OpenSSL: SHA-256 unavailable");
  }
}

RowHasher::~RowHasher() {
  EVP_MD_CTX_free(context_);
  EVP_MD_free(sha256_);
}

Hash RowHasher::sha256(std::span<const std::uint8_t> bytes) {
  Hash out{};
  unsigned int size = 0;
  if (EVP_DigestInit_ex2(context_, sha256_, nullptr) != 1 ||
      EVP_DigestUpdate(context_, bytes.data(), bytes.size()) != 1 ||
      EVP_DigestFinal_ex(context_, out.data(), &size) != 1 || size != out.size()) {
    throw std::runtime_error("OpenSSL: SHA-256 failed");
  }
  return out;
}

Hash genesis_hash(const JournalIdBytes& journal_id) {
  std::array<std::uint8_t, kGenesisMagic.size() + JournalIdBytes{}.size()> input{};
  std::copy(kGenesisMagic.begin(), kGenesisMagic.end(), input.begin());
  std::copy(journal_id.begin(), journal_id.end(), input.begin() + kGenesisMagic.size());
  return RowHasher{}.sha256(input);
}

JournalIdBytes random_journal_id() {
  JournalIdBytes id{};
  if (RAND_bytes(id.data(), static_cast<int>(id.size())) != 1) {
    throw std::runtime_error("OpenSSL: RAND_bytes failed; no journal id");
  }
  return id;
}

std::string to_hex(std::span<const std::uint8_t> bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (auto b : bytes) {
    out.push_back(kDigits[b >> 4]);
    out.push_back(kDigits[b & 0x0f]);
  }
  return out;
}

bool from_hex(std::string_view hex, std::span<std::uint8_t> out) {
  if (hex.size() != out.size() * 2) return false;
  for (std::size_t i = 0; i < out.size(); ++i) {
    int high = hex_digit(hex[2 * i]);
    int low = hex_digit(hex[2 * i + 1]);
    if (high < 0 || low < 0) return false;
    out[i] = static_cast<std::uint8_t>(high << 4 | low);
  }
  return true;
}

}  // namespace vigil::journal
