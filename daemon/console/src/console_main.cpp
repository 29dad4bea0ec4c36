// vigil-console: the guards' console in the browser (docs/console.md).
//   vigil-console -c console.yaml [--check]
//   vigil-console passwd            reads a password on stdin, prints its hash line
//   vigil-console keygen --out FILE writes an operator key, prints its public key
#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <unistd.h>
#include <CLI/CLI.hpp>

#include <iostream>

#include "console_app.hpp"
#include "vigil/console/config.hpp"
#include "vigil/console/password.hpp"
#include "vigil/console/signed_command.hpp"
#include "web_server.hpp"

namespace {

using namespace vigil::console;

int run_passwd() {
  std::string password;
  if (isatty(STDIN_FILENO)) std::cerr << "password: " << std::flush;
  if (!std::getline(std::cin, password) || password.empty()) {
    std::cerr << "vigil-console: no password given on stdin\n";
    return 2;
  }
  std::cout << hash_password(password) << "\n";
  return 0;
}

int run_keygen(const std::string& out) {
  const auto key = OperatorKey::generate();
  const int fd = ::open(out.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0600);
  if (fd < 0) {
    std::cerr << "vigil-console: cannot create " << out << " (it must not exist yet)\n";
    return 1;
  }
  const auto line = key.seed_base64() + "\n";
  const bool written = ::write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size());
  ::close(fd);
  if (!written) {
    std::cerr << "vigil-console: cannot write " << out << "\n";
    return 1;
  }
  std::cout << "public_key: \"" << key.public_key_base64() << "\"\n";
  return 0;
}

int run_console(const std::string& config_file, bool check_only) {
  auto loaded = load_console_config(config_file);
  if (!loaded) {
    std::cerr << vigil::config::to_string(loaded.diagnostics());
    return 2;
  }
  auto config = std::move(loaded).value();
  std::map<std::string, OperatorKey> keys;
  for (const auto& op : config.operators) {
    std::string error;
    auto key = OperatorKey::load(op.key_file, error);
    if (!key) {
      std::cerr << config_file << ": operator '" << op.user << "': " << error << "\n";
      return 2;
    }
    keys.emplace(op.user, std::move(*key));
  }
  if (check_only) {
    std::cout << config_file << ": ok (" << config.operators.size() << " operators)\n";
    return 0;
  }
  boost::asio::io_context io;
  ConsoleHub hub(io, config, std::move(keys));
  WebServer server(io, hub, config.listen_host, config.listen_port,
                   OutgoingLimits{config.max_queue_messages, config.max_queue_bytes});
  server.start();
  hub.start();
  boost::asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&](const boost::system::error_code&, int) {
    spdlog::info("stopping");
    server.stop();
    hub.stop();
    io.stop();
  });
  std::cout << "vigil-console: listening on http://" << config.listen_host << ":" << server.port()
            << "/" << std::endl;
  io.run();
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"vigil-console: the guards' console in the browser"};
  std::string config_file;
  bool check = false;
  app.add_option("-c,--config", config_file, "console config (docs/console.md)");
  app.add_flag("--check", check, "check the config and keys, then exit");
  auto* passwd = app.add_subcommand("passwd", "read a password on stdin and print its hash line");
  std::string key_out;
  auto* keygen = app.add_subcommand("keygen", "write a new operator key; print its public key");
  keygen->add_option("--out", key_out, "key file to create (mode 0600)")->required();
  CLI11_PARSE(app, argc, argv);
  try {
    if (*passwd) return run_passwd();
    if (*keygen) return run_keygen(key_out);
    if (config_file.empty()) {
      std::cerr << "vigil-console: -c CONFIG is required\n";
      return 2;
    }
    return run_console(config_file, check);
  } catch (const std::exception& e) {
    std::cerr << "vigil-console: " << e.what() << "\n";
    return 1;
  }
}
