// Typed attributes of an event: the structured fields of kinds that carry
// more than the common columns (an output failure's error, a clock jump's
// delta, a roster change's before/after values). Kept sorted by key so the
// journal can hash them in one canonical order; the journal encodes each
// value with its type, so a value cannot change type unnoticed.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace vigil::core {

using AttrValue = std::variant<std::int64_t, bool, std::string>;

struct Attr {
  std::string key;
  AttrValue value;
  bool operator==(const Attr&) const = default;
};

using Attrs = std::vector<Attr>;  // sorted by key, keys unique

// Inserts or replaces `key`, keeping the list sorted.
void set_attr(Attrs& attrs, std::string_view key, AttrValue value);
const AttrValue* find_attr(const Attrs& attrs, std::string_view key);
std::optional<std::int64_t> attr_int(const Attrs& attrs, std::string_view key);
std::optional<bool> attr_bool(const Attrs& attrs, std::string_view key);
std::optional<std::string> attr_text(const Attrs& attrs, std::string_view key);

// "key=value key2=value2", text quoted only when it holds a space.
std::string describe(const Attrs& attrs);

}  // namespace vigil::core
