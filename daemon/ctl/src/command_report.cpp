#include "vigil/ctl/command_report.hpp"

namespace vigil::ctl {
namespace {

thread_local CommandReport current;
thread_local std::optional<std::string> acting;

}  // namespace

void report_rows(std::size_t rows) {
  current.rows = rows;
}

void report_attr(std::string key, std::string value) {
  current.attrs.emplace_back(std::move(key), std::move(value));
}

CommandReport take_command_report() {
  CommandReport out = std::move(current);
  current = {};
  return out;
}

ActingOperator::ActingOperator(std::string name) {
  acting = std::move(name);
}

ActingOperator::~ActingOperator() {
  acting.reset();
}

const std::optional<std::string>& acting_operator() {
  return acting;
}

}  // namespace vigil::ctl
