#include "vigil/config/diagnostic.hpp"

namespace vigil::config {

std::string to_string(const Diagnostic& d) {
  std::string out = d.file;
  if (d.line > 0) {
    out += ':' + std::to_string(d.line);
    if (d.col > 0) out += ':' + std::to_string(d.col);
  }
  out += ": ";
  out += d.message;
  return out;
}

std::string to_string(const std::vector<Diagnostic>& diagnostics) {
  std::string out;
  for (const auto& d : diagnostics) out += to_string(d) + '\n';
  return out;
}

namespace {

std::string without_last_newline(std::string s) {
  if (!s.empty() && s.back() == '\n') s.pop_back();
  return s;
}

}  // namespace

ConfigError::ConfigError(std::vector<Diagnostic> diagnostics)
    : std::runtime_error(without_last_newline(to_string(diagnostics))),
      diagnostics_(std::move(diagnostics)) {}

}  // namespace vigil::config
