// Diagnostics: what is wrong in a config or import file, and exactly where.
// Loaders collect every mistake they find (never just the first) and hand them
// back as values; callers that prefer exceptions throw ConfigError, which is
// what vigild does to refuse to start. Printed as `file:line:col: message`,
// the form editors and CI annotators jump to.
#pragma once

#include <stdexcept>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace vigil::config {

struct Diagnostic {
  std::string file;
  int line = 0;  // 1-based; 0 = the whole file
  int col = 0;   // 1-based; 0 = the whole line
  std::string message;
  bool operator==(const Diagnostic&) const = default;
};

// "site.yaml:14:9: 'to': unknown zone 'lobbby' (did you mean 'lobby'?)"
std::string to_string(const Diagnostic& d);
// One diagnostic per line, each ending in '\n', ready to write to stderr.
// Diagnostics come sorted by position.
std::string to_string(const std::vector<Diagnostic>& diagnostics);

class ConfigError : public std::runtime_error {
 public:
  explicit ConfigError(std::vector<Diagnostic> diagnostics);
  const std::vector<Diagnostic>& diagnostics() const { return diagnostics_; }

 private:
  std::vector<Diagnostic> diagnostics_;
};

// Either a value or the diagnostics that prevented it (never both: a file with
// one mistake imports nothing).
template <class T>
class Result {
 public:
  Result(T value) : state_(std::move(value)) {}  // NOLINT(google-explicit-constructor)
  Result(std::vector<Diagnostic> diagnostics)    // NOLINT(google-explicit-constructor)
      : state_(std::move(diagnostics)) {}

  bool ok() const { return std::holds_alternative<T>(state_); }
  explicit operator bool() const { return ok(); }

  // Throws ConfigError when the load failed.
  const T& value() const& {
    throw_if_failed();
    return std::get<T>(state_);
  }
  T&& value() && {
    throw_if_failed();
    return std::get<T>(std::move(state_));
  }
  // Empty when ok().
  const std::vector<Diagnostic>& diagnostics() const {
    static const std::vector<Diagnostic> kNone;
    return ok() ? kNone : std::get<std::vector<Diagnostic>>(state_);
  }

 private:
  void throw_if_failed() const {
    if (!ok()) throw ConfigError(std::get<std::vector<Diagnostic>>(state_));
  }
  std::variant<T, std::vector<Diagnostic>> state_;
};

}  // namespace vigil::config
