// The journal's hash chain, format v2 (docs/journal.md, "Hash input"). Each
// row's hash is SHA-256 over the row's canonical bytes: the magic, then every
// stored field as a typed value (a type tag, then the value), then the
// previous row's hash. The tag is SQLite's own datatype code, so a value whose
// stored type changes (an id cast to BLOB that still compares equal as text)
// hashes differently. Row 1 chains from the genesis hash, which is derived
// from the journal's random id: two journals never share a chain.
//
// The byte layout is a published format that an inspector checks with their
// own script; changing it needs a new magic string, never an edit.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

struct evp_md_st;      // OpenSSL's EVP_MD, kept out of this header
struct evp_md_ctx_st;  // OpenSSL's EVP_MD_CTX

namespace vigil::journal {

using Hash = std::array<std::uint8_t, 32>;
using JournalIdBytes = std::array<std::uint8_t, 16>;

// Starts every row's canonical bytes. Domain separation: a row hash can never
// equal the hash of another Vigil structure, and v1 rows cannot be replayed
// as v2 rows.
inline constexpr std::string_view kCanonicalMagic = "vigil.journal.v2";
// genesis = SHA-256(kGenesisMagic || 16 journal id bytes): the prev_hash of row 1.
inline constexpr std::string_view kGenesisMagic = "vigil.journal.v2.genesis";

// Type tags of the canonical bytes: SQLite's datatype codes, plus one for the
// booleans of typed attributes (which SQLite has no type for).
namespace tag {
inline constexpr std::uint8_t integer = 0x01;  // then i64, big-endian two's complement
inline constexpr std::uint8_t real = 0x02;     // then IEEE 754 binary64, big-endian
inline constexpr std::uint8_t text = 0x03;     // then u32 BE length, then the bytes
inline constexpr std::uint8_t blob = 0x04;     // then u32 BE length, then the bytes
inline constexpr std::uint8_t null = 0x05;     // nothing follows
inline constexpr std::uint8_t boolean = 0x06;  // then 0x00 or 0x01 (attrs only)
}  // namespace tag

// Builds one row's canonical bytes into a reused buffer. The append path and
// verify() both go through it, field by field, so they cannot disagree.
class CanonicalBytes {
 public:
  // Clears the buffer and writes the magic.
  void start();
  void put_integer(std::int64_t value);
  void put_real(double value);
  void put_text(std::string_view text);
  void put_blob(std::span<const std::uint8_t> bytes);
  void put_null();
  // An interned id column: the stored id (an integer) followed by the name it
  // refers to, so neither a renamed name nor a repointed id goes unnoticed.
  void put_name(std::int64_t id, std::string_view text);

  std::span<const std::uint8_t> bytes() const { return buffer_; }
  std::vector<std::uint8_t>& buffer() { return buffer_; }

 private:
  std::vector<std::uint8_t> buffer_;
};

// Where seq's 8 value bytes sit in the canonical bytes (after magic and tag):
// verify() rewrites them in place to find where a moved row belongs.
inline constexpr std::size_t kSeqValueOffset = kCanonicalMagic.size() + 1;

// Reusable SHA-256 (one OpenSSL context, fetched once: per-row EVP fetches
// cost more than the hash itself on the append path). Not thread-safe.
class RowHasher {
 public:
  RowHasher();
  RowHasher(const RowHasher&) = delete;
  RowHasher& operator=(const RowHasher&) = delete;
  ~RowHasher();

  Hash sha256(std::span<const std::uint8_t> bytes);

 private:
  evp_md_st* sha256_;
  evp_md_ctx_st* context_;
};

Hash genesis_hash(const JournalIdBytes& journal_id);

// 16 bytes from OpenSSL's RAND_bytes; throws std::runtime_error if the
// generator is not seeded.
JournalIdBytes random_journal_id();

std::string to_hex(std::span<const std::uint8_t> bytes);
// Exactly 2*N lowercase or uppercase hex digits; false otherwise.
bool from_hex(std::string_view hex, std::span<std::uint8_t> out);

}  // namespace vigil::journal
