// Boost 1.74 Asio does not compile under C++20 unless <utility> comes first.
#include <utility>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>

#include "vigil/modbus/io_module.hpp"

namespace vigil::modbus {

ModbusIoCallbacks post_callbacks_to(boost::asio::io_context& io, ModbusIoCallbacks callbacks) {
  ModbusIoCallbacks posted;
  if (callbacks.on_input) {
    posted.on_input = [&io, cb = std::move(callbacks.on_input)](int index, bool value, bool initial,
                                                                core::TimePoint time,
                                                                core::MonoTime mono) {
      boost::asio::post(
          io, [cb, index, value, initial, time, mono] { cb(index, value, initial, time, mono); });
    };
  }
  if (callbacks.on_register) {
    posted.on_register = [&io, cb = std::move(callbacks.on_register)](
                             int index, std::uint16_t raw, double value, bool initial,
                             core::TimePoint time, core::MonoTime mono) {
      boost::asio::post(io, [cb, index, raw, value, initial, time, mono] {
        cb(index, raw, value, initial, time, mono);
      });
    };
  }
  if (callbacks.on_status) {
    posted.on_status = [&io, cb = std::move(callbacks.on_status)](
                           bool online, const std::string& detail, core::TimePoint time,
                           core::MonoTime mono) {
      boost::asio::post(io, [cb, online, detail, time, mono] { cb(online, detail, time, mono); });
    };
  }
  if (callbacks.on_output) {
    posted.on_output = [&io, cb = std::move(callbacks.on_output)](
                           int index, std::uint64_t write_id, bool value, bool ok,
                           const std::string& error, core::TimePoint time, core::MonoTime mono) {
      boost::asio::post(io, [cb, index, write_id, value, ok, error, time, mono] {
        cb(index, write_id, value, ok, error, time, mono);
      });
    };
  }
  return posted;
}

ModbusIoModule::ModbusIoModule(ModbusIoOptions options, boost::asio::io_context& io,
                               ModbusIoCallbacks callbacks)
    : ModbusIoModule(std::move(options), post_callbacks_to(io, std::move(callbacks))) {}

}  // namespace vigil::modbus
