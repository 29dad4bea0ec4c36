// Who may use vigild's control socket and sign its MQTT commands: the
// site's `operators`, shared by the control server's thread and the command
// link's, and replaced whole by a config reload (docs/config.md "Reloading
// the config"). A request takes a snapshot at its start and decides on it to
// its end, so an operator removed by a reload is refused from the next
// request on, and no request ever sees half a list.
#pragma once

#include <memory>
#include <mutex>
#include <utility>
#include <vector>

#include "vigil/config/operators.hpp"

namespace vigil::app {

class OperatorList {
 public:
  using List = std::vector<config::OperatorConfig>;
  explicit OperatorList(List operators)
      : operators_(std::make_shared<const List>(std::move(operators))) {}

  std::shared_ptr<const List> snapshot() const {
    std::lock_guard lock(mutex_);
    return operators_;
  }
  void replace(List operators) {
    auto next = std::make_shared<const List>(std::move(operators));
    std::lock_guard lock(mutex_);
    operators_ = std::move(next);
  }

 private:
  mutable std::mutex mutex_;
  std::shared_ptr<const List> operators_;
};

}  // namespace vigil::app
