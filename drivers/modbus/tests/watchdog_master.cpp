// Test-only Modbus master in a process of its own: drives one coil on through
// ModbusIoModule with the module's watchdog armed, says "ready" once the write
// is confirmed, then keeps polling until it is killed. It stands in for vigild
// in the kill -9 test until vigild itself is wired to the watchdog.
// Usage: modbus_watchdog_master PORT WATCHDOG_MS COIL
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <mutex>

#include "vigil/modbus/io_module.hpp"

int main(int argc, char** argv) {
  using namespace vigil::modbus;
  if (argc != 4) {
    std::fprintf(stderr, "usage: %s PORT WATCHDOG_MS COIL\n", argv[0]);
    return 2;
  }
  const int coil = std::atoi(argv[3]);
  ModbusIoOptions options;
  options.device = vigil::core::DeviceId{"master"};
  options.port = static_cast<std::uint16_t>(std::atoi(argv[1]));
  options.poll_period = std::chrono::milliseconds{10};
  options.timeout = std::chrono::milliseconds{200};
  options.watchdog = ModbusWatchdog{.timeout = std::chrono::milliseconds{std::atoi(argv[2])}};

  std::mutex mutex;
  std::condition_variable confirmed_cv;
  bool confirmed = false;
  ModbusIoCallbacks callbacks;
  callbacks.on_output = [&](int index, std::uint64_t, bool value, bool ok, const std::string&,
                            vigil::core::TimePoint, vigil::core::MonoTime) {
    if (index != coil || !value || !ok) return;
    {
      std::lock_guard lock(mutex);
      confirmed = true;
    }
    confirmed_cv.notify_one();
  };
  try {
    ModbusIoModule module(options, callbacks);
    module.set_coil(coil, true);
    std::unique_lock lock(mutex);
    if (!confirmed_cv.wait_for(lock, std::chrono::seconds{10}, [&] { return confirmed; })) {
      std::fprintf(stderr, "coil %d never confirmed\n", coil);
      return 1;
    }
    std::printf("ready\n");
    std::fflush(stdout);
    lock.unlock();
    for (;;) ::pause();  // until SIGKILL
  } catch (const std::exception& e) {
    std::fprintf(stderr, "%s\n", e.what());
    return 1;
  }
}
