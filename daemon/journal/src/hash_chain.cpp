#include "vigil/journal/hash_chain.hpp"

#include <openssl/evp.h>

#include <stdexcept>

namespace vigil::journal {
namespace {

void put_u32(std::vector<std::uint8_t>& out, std::uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<std::uint8_t>(v >> shift));
}

void put_u64(std::vector<std::uint8_t>& out, std::uint64_t v) {
  for (int shift = 56; shift >= 0; shift -= 8) out.push_back(static_cast<std::uint8_t>(v >> shift));
}

// Absent (SQL NULL) and empty are different facts: "no card was read" is not
// "a card with an empty number", so they must not hash alike.
void put_text(std::vector<std::uint8_t>& out, const std::optional<std::string>& text) {
  if (!text) {
    out.push_back(0x00);
    return;
  }
  if (text->size() > 0xffffffffu) throw std::length_error("journal text field over 4 GiB");
  out.push_back(0x01);
  put_u32(out, static_cast<std::uint32_t>(text->size()));
  out.insert(out.end(), text->begin(), text->end());
}

template <class IdType>
std::optional<std::string> id_text(const std::optional<IdType>& id) {
  return id ? std::optional<std::string>{id->str()} : std::nullopt;
}

}  // namespace

RowText to_row_text(const core::Event& event) {
  return RowText{
      .kind = core::to_string(event.kind),
      .reason = core::to_string(event.reason),
      .door = id_text(event.door),
      .reader = id_text(event.reader),
      .zone = id_text(event.zone),
      .person = id_text(event.person),
      .device = id_text(event.device),
      .card = event.card ? std::optional<std::string>{core::to_string(*event.card)} : std::nullopt,
      .detail = event.detail,
  };
}

void append_canonical_bytes(std::vector<std::uint8_t>& out, std::uint64_t seq, std::int64_t ts_us,
                            const RowText& row, std::span<const std::uint8_t> prev_hash) {
  out.insert(out.end(), kCanonicalMagic.begin(), kCanonicalMagic.end());
  put_u64(out, seq);
  put_u64(out, static_cast<std::uint64_t>(ts_us));  // two's complement, as Python's signed=True
  put_text(out, row.kind);
  put_text(out, row.reason);
  put_text(out, row.door);
  put_text(out, row.reader);
  put_text(out, row.zone);
  put_text(out, row.person);
  put_text(out, row.device);
  put_text(out, row.card);
  put_text(out, row.detail);
  out.insert(out.end(), prev_hash.begin(), prev_hash.end());
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

Hash RowHasher::hash_row(std::uint64_t seq, std::int64_t ts_us, const RowText& row,
                         std::span<const std::uint8_t> prev_hash) {
  buffer_.clear();
  append_canonical_bytes(buffer_, seq, ts_us, row, prev_hash);
  return sha256(buffer_);
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

}  // namespace vigil::journal
