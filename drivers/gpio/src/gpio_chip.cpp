#include "vigil/gpio/gpio_chip.hpp"

#include <stdexcept>

#include "vigil/gpio/gpiod_chip.hpp"
#include "vigil/gpio/sim_gpio_chip.hpp"

namespace vigil::gpio {

const char* to_string(Bias b) {
  switch (b) {
    case Bias::as_is:
      return "as_is";
    case Bias::disabled:
      return "disabled";
    case Bias::pull_up:
      return "pull_up";
    case Bias::pull_down:
      return "pull_down";
  }
  return "unknown";
}

const char* to_string(SetStatus s) {
  switch (s) {
    case SetStatus::applied:
      return "applied";
    case SetStatus::pending:
      return "pending";
    case SetStatus::not_an_output:
      return "not_an_output";
    case SetStatus::failed:
      return "failed";
  }
  return "unknown";
}

std::unique_ptr<GpioChip> make_gpio_chip(std::string_view backend, const std::string& path,
                                         const std::string& consumer) {
  if (backend == "sim") return std::make_unique<SimGpioChip>(SimGpioChip::Options{path});
  if (backend == "gpiod") return std::make_unique<GpiodChip>(GpiodChip::Options{path, consumer});
  throw std::invalid_argument("unknown gpio backend '" + std::string(backend) +
                              "' (expected \"sim\" or \"gpiod\")");
}

}  // namespace vigil::gpio
