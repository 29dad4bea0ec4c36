#include "vigil/core/attr.hpp"

#include <algorithm>

namespace vigil::core {

void set_attr(Attrs& attrs, std::string_view key, AttrValue value) {
  auto it = std::lower_bound(attrs.begin(), attrs.end(), key,
                             [](const Attr& a, std::string_view k) { return a.key < k; });
  if (it != attrs.end() && it->key == key) {
    it->value = std::move(value);
    return;
  }
  attrs.insert(it, Attr{std::string(key), std::move(value)});
}

const AttrValue* find_attr(const Attrs& attrs, std::string_view key) {
  auto it = std::lower_bound(attrs.begin(), attrs.end(), key,
                             [](const Attr& a, std::string_view k) { return a.key < k; });
  if (it == attrs.end() || it->key != key) return nullptr;
  return &it->value;
}

std::optional<std::int64_t> attr_int(const Attrs& attrs, std::string_view key) {
  const AttrValue* v = find_attr(attrs, key);
  if (v == nullptr || !std::holds_alternative<std::int64_t>(*v)) return std::nullopt;
  return std::get<std::int64_t>(*v);
}

std::optional<bool> attr_bool(const Attrs& attrs, std::string_view key) {
  const AttrValue* v = find_attr(attrs, key);
  if (v == nullptr || !std::holds_alternative<bool>(*v)) return std::nullopt;
  return std::get<bool>(*v);
}

std::optional<std::string> attr_text(const Attrs& attrs, std::string_view key) {
  const AttrValue* v = find_attr(attrs, key);
  if (v == nullptr || !std::holds_alternative<std::string>(*v)) return std::nullopt;
  return std::get<std::string>(*v);
}

std::string describe(const Attrs& attrs) {
  std::string out;
  for (const auto& a : attrs) {
    if (!out.empty()) out += ' ';
    out += a.key;
    out += '=';
    if (const auto* i = std::get_if<std::int64_t>(&a.value)) {
      out += std::to_string(*i);
    } else if (const auto* b = std::get_if<bool>(&a.value)) {
      out += *b ? "true" : "false";
    } else {
      const auto& s = std::get<std::string>(a.value);
      if (s.find(' ') == std::string::npos && !s.empty()) {
        out += s;
      } else {
        out += '"' + s + '"';
      }
    }
  }
  return out;
}

}  // namespace vigil::core
