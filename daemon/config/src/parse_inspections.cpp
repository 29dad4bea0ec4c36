// The `inspections` section (issue 9 item 6, docs/inspections.md):
//   inspections:
//     read_errors: { count: 5, window: 1h }   # more than 5 within 1 h is a deficiency
#include "draft.hpp"

namespace vigil::config {

void parse_inspections(const YAML::Node& node, Draft& draft, Diagnostics& diag) {
  MapReader m(node, "inspections", {"read_errors"}, diag);
  if (!m.ok()) return;
  const YAML::Node rate = m.get("read_errors");
  if (!rate.IsDefined()) return;
  MapReader r(rate, "read_errors", {"count", "window"}, diag);
  if (!r.ok()) return;
  if (auto v = r.integer("count", Need::optional, 1, 100000))
    draft.read_error_rate.count = static_cast<int>(v->value);
  if (auto v = r.duration("window", Need::optional)) {
    if (v->value < std::chrono::seconds(1) || v->value > std::chrono::hours(24 * 31)) {
      diag.error(v->pos, "'window': must be between 1s and 31 days");
    } else {
      draft.read_error_rate.window = v->value;
    }
  }
}

}  // namespace vigil::config
