#include "vigil/console/sessions.hpp"

#include <iterator>

#include "vigil/console/signed_command.hpp"

namespace vigil::console {
namespace {

// Failure records are kept per name tried, so unknown names are bounded too.
constexpr std::size_t kMaxFailureRecords = 10000;

}  // namespace

Sessions::Sessions(int max_failures, std::chrono::seconds lockout, std::chrono::seconds ttl)
    : max_failures_(max_failures), lockout_(lockout), ttl_(ttl) {}

bool Sessions::locked(const std::string& user, Time now) const {
  const auto it = failures_.find(user);
  return it != failures_.end() && it->second.count >= max_failures_ &&
         now - it->second.last < lockout_;
}

void Sessions::record_failure(const std::string& user, Time now) {
  if (failures_.size() >= kMaxFailureRecords && !failures_.contains(user)) {
    std::erase_if(failures_, [&](const auto& kv) { return now - kv.second.last >= lockout_; });
    if (failures_.size() >= kMaxFailureRecords) failures_.erase(failures_.begin());
  }
  auto& f = failures_[user];
  if (f.count >= max_failures_ && now - f.last >= lockout_) f.count = 0;  // lockout over
  ++f.count;
  f.last = now;
}

std::string Sessions::open(const std::string& user, Time now) {
  failures_.erase(user);
  std::erase_if(sessions_, [&](const auto& kv) { return kv.second.expires <= now; });
  auto token = random_hex(32);
  sessions_[token] = Session{user, now + ttl_};
  return token;
}

std::optional<std::string> Sessions::user_of(const std::string& token, Time now) const {
  const auto it = sessions_.find(token);
  if (it == sessions_.end() || it->second.expires <= now) return std::nullopt;
  return it->second.user;
}

void Sessions::close(const std::string& token) {
  sessions_.erase(token);
}

}  // namespace vigil::console
