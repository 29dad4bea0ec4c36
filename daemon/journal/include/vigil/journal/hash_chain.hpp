// The journal's hash chain. Each row's hash is SHA-256 over the row's
// canonical bytes, which include the previous row's hash, so editing,
// deleting or moving any stored row breaks every link after it. The byte
// layout is a published format (docs/journal.md) that an inspector can check
// with their own script; changing it needs a new magic string, never an edit.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "vigil/core/event.hpp"

struct evp_md_st;      // OpenSSL's EVP_MD, kept out of this header
struct evp_md_ctx_st;  // OpenSSL's EVP_MD_CTX

namespace vigil::journal {

using Hash = std::array<std::uint8_t, 32>;

// The prev_hash of row 1.
inline constexpr Hash kGenesisHash{};

// Starts every row's canonical bytes. Domain separation: a journal row hash
// can never equal the hash of some other Vigil structure, and a v2 layout will
// use a new tag rather than silently reinterpret v1 rows.
inline constexpr std::string_view kCanonicalMagic = "vigil.journal.v1";

// The stored text columns of one row, in canonical order. The journal hashes
// exactly what it stores, so the hash can be checked from the table alone.
struct RowText {
  std::string kind;
  std::string reason;
  std::optional<std::string> door;
  std::optional<std::string> reader;
  std::optional<std::string> zone;
  std::optional<std::string> person;
  std::optional<std::string> device;
  std::optional<std::string> card;  // "facility:number"
  std::string detail;
};

RowText to_row_text(const core::Event& event);

// magic || seq (u64 BE) || ts_us (i64 BE) || 9 text fields || prev_hash, where
// a text field is 0x00 when absent and 0x01 || u32 BE length || bytes when
// present. Appends to `out` so the append path can reuse one buffer.
void append_canonical_bytes(std::vector<std::uint8_t>& out, std::uint64_t seq, std::int64_t ts_us,
                            const RowText& row, std::span<const std::uint8_t> prev_hash);

// Reusable SHA-256 (one OpenSSL context, fetched once: per-row EVP fetches
// cost more than the hash itself on the append path). Not thread-safe.
class RowHasher {
 public:
  RowHasher();
  RowHasher(const RowHasher&) = delete;
  RowHasher& operator=(const RowHasher&) = delete;
  ~RowHasher();

  Hash hash_row(std::uint64_t seq, std::int64_t ts_us, const RowText& row,
                std::span<const std::uint8_t> prev_hash);
  Hash sha256(std::span<const std::uint8_t> bytes);

 private:
  evp_md_st* sha256_;
  evp_md_ctx_st* context_;
  std::vector<std::uint8_t> buffer_;
};

std::string to_hex(std::span<const std::uint8_t> bytes);

}  // namespace vigil::journal
