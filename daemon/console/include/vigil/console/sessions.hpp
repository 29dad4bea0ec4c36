// Logged-in browsers: a random token per session (the cookie), an idle-free
// lifetime, and a bound on failed passwords per user name so a guessing
// attack stalls. Times are given by the caller (steady clock), so tests
// pass them explicitly.
#pragma once

#include <chrono>
#include <cstddef>
#include <map>
#include <optional>
#include <string>

namespace vigil::console {

class Sessions {
 public:
  using Time = std::chrono::steady_clock::time_point;

  Sessions(int max_failures, std::chrono::seconds lockout, std::chrono::seconds ttl);

  // True while `user` may not try again (too many failures lately).
  bool locked(const std::string& user, Time now) const;
  void record_failure(const std::string& user, Time now);
  // A good password: clears the failures and opens a session; returns its token.
  std::string open(const std::string& user, Time now);
  // The user of a live session, nullopt for an unknown or expired token.
  std::optional<std::string> user_of(const std::string& token, Time now) const;
  void close(const std::string& token);
  std::size_t size() const { return sessions_.size(); }

 private:
  struct Failures {
    int count = 0;
    Time last{};
  };
  struct Session {
    std::string user;
    Time expires{};
  };
  int max_failures_;
  std::chrono::seconds lockout_;
  std::chrono::seconds ttl_;
  std::map<std::string, Failures> failures_;
  std::map<std::string, Session> sessions_;
};

}  // namespace vigil::console
