// The canonical encoding of an event's typed attributes (core::Attrs), stored
// in the events.attrs BLOB column and hashed exactly as stored. Canonical:
// one encoding per attribute set (keys in byte order, unique), so the same
// facts always hash alike and a decoder can refuse anything else.
//
//   0x01 (encoding version) || u32 BE count || count times:
//     u32 BE key length || key bytes || value
//   value: 0x01 || i64 BE            (integer)
//          0x03 || u32 BE len || bytes (text)
//          0x06 || 0x00 or 0x01       (boolean)
//
// An event without attributes stores NULL, not an empty encoding.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "vigil/core/attr.hpp"

namespace vigil::journal {

inline constexpr std::uint8_t kAttrsEncodingVersion = 0x01;

// Sorts by key first; of duplicate keys the last one wins, as with
// core::set_attr. A malformed list must not poison a journal batch forever.
std::vector<std::uint8_t> encode_attrs(const core::Attrs& attrs);
// The same encoding into `out` (replacing its contents, keeping its
// capacity): the journal's row binding reuses one buffer for every row.
void encode_attrs_into(const core::Attrs& attrs, std::vector<std::uint8_t>& out);

// nullopt for anything encode_attrs would not have produced: unknown version
// or tag, keys out of order or repeated, a boolean byte other than 0 or 1,
// truncated or trailing bytes.
std::optional<core::Attrs> decode_attrs(std::span<const std::uint8_t> bytes);

}  // namespace vigil::journal
