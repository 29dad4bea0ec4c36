// Strong identifiers. A DoorId cannot be passed where a ZoneId is expected, and
// every id prints as the name the facilities engineer wrote in the site config.
#pragma once

#include <compare>
#include <functional>
#include <ostream>
#include <string>
#include <string_view>

namespace vigil::core {

template <class Tag>
class Id {
 public:
  Id() = default;
  explicit Id(std::string value) : value_(std::move(value)) {}
  const std::string& str() const { return value_; }
  bool empty() const { return value_.empty(); }
  auto operator<=>(const Id&) const = default;
  bool operator==(const Id&) const = default;

 private:
  std::string value_;
};

template <class Tag>
std::ostream& operator<<(std::ostream& os, const Id<Tag>& id) {
  return os << id.str();
}

using SiteId = Id<struct SiteTag>;
using GatewayId = Id<struct GatewayTag>;
using ZoneId = Id<struct ZoneTag>;
using DoorId = Id<struct DoorTag>;
using ReaderId = Id<struct ReaderTag>;
using DeviceId = Id<struct DeviceTag>;
using AccessLevelId = Id<struct AccessLevelTag>;
using PersonId = Id<struct PersonTag>;

}  // namespace vigil::core

template <class Tag>
struct std::hash<vigil::core::Id<Tag>> {
  std::size_t operator()(const vigil::core::Id<Tag>& id) const noexcept {
    return std::hash<std::string>{}(id.str());
  }
};
