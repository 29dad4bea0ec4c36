#include "command_cli.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>

#include "vigil/config/load.hpp"
#include "vigil/core/base64.hpp"
#include "vigil/core/time.hpp"
#include "vigil/ctl/broker_config.hpp"
#include "vigil/mqtt/command_link.hpp"
#include "vigil/mqtt/signed_command.hpp"
#include "vigil/mqtt/topics.hpp"

namespace vigil::ctl {
namespace {

struct SendArgs {
  std::string name;
  std::string operator_name;
  std::string key_file;
  std::vector<std::string> args;
  std::string config;
  std::string id;
  int timeout_s = 10;
};

std::string random_hex(std::size_t bytes) {
  const std::string raw = mqtt::ed25519_new_seed().substr(0, bytes);  // RAND_bytes
  static const char* kHex = "0123456789abcdef";
  std::string out;
  for (unsigned char c : raw) {
    out.push_back(kHex[c >> 4]);
    out.push_back(kHex[c & 15]);
  }
  return out;
}

int keygen(const std::string& out_path, std::ostream& out, std::ostream& err) {
  try {
    const std::string seed = mqtt::ed25519_new_seed();
    // O_EXCL: never overwrite a key someone's config already trusts.
    const int fd = ::open(out_path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) {
      err << "vigilctl: cannot create " << out_path << ": " << std::strerror(errno) << "\n";
      return 1;
    }
    const std::string line = core::base64_encode(seed) + "\n";
    const bool written = ::write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size());
    ::fchmod(fd, 0600);
    ::close(fd);
    if (!written) {
      err << "vigilctl: cannot write " << out_path << "\n";
      return 1;
    }
    out << "public_key: \"" << core::base64_encode(mqtt::ed25519_public_key(seed)) << "\"\n";
  } catch (const std::exception& e) {
    err << "vigilctl: " << e.what() << "\n";
    return 1;
  }
  return 0;
}

std::optional<std::string> read_seed(const std::string& path, std::ostream& err) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    err << "vigilctl: cannot read " << path << "\n";
    return std::nullopt;
  }
  if ((st.st_mode & 077) != 0) {
    err << "vigilctl: " << path << " is readable by others (chmod 600 it)\n";
    return std::nullopt;
  }
  std::ifstream in(path);
  std::string text;
  std::getline(in, text);
  const auto seed = core::base64_decode(text);
  if (!seed || seed->size() != mqtt::kEd25519KeyBytes) {
    err << "vigilctl: " << path << " does not hold a base64 32-byte Ed25519 seed\n";
    return std::nullopt;
  }
  return seed;
}

int send(const SendArgs& a, std::ostream& out, std::ostream& err) {
  auto loaded = config::load_site_config(a.config);
  if (!loaded) {
    err << config::to_string(loaded.diagnostics());
    return 2;
  }
  const auto& c = loaded.value();
  const auto seed = read_seed(a.key_file, err);
  if (!seed) return 2;
  mqtt::CommandBody b;
  b.id = a.id.empty() ? "vigilctl-" + random_hex(8) : a.id;
  b.operator_name = a.operator_name;
  b.cmd = a.name;
  b.site = c.site.id.str();
  b.gateway = c.site.gateway.str();
  b.ts_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                std::chrono::system_clock::now().time_since_epoch())
                .count();
  b.nonce = random_hex(16);
  for (const auto& kv : a.args) {
    const auto eq = kv.find('=');
    if (eq == std::string::npos) {
      err << "vigilctl: --arg wants key=value, got '" << kv << "'\n";
      return 2;
    }
    const std::string key = kv.substr(0, eq), value = kv.substr(eq + 1);
    if (key == "incident") {
      b.incident = value;
    } else if (key == "note") {
      b.note = value;
    } else if (key == "zone") {
      b.zone = value;
    } else if (key == "door") {
      b.door = value;
    } else if (key == "seconds") {
      b.seconds = std::atoll(value.c_str());
    } else {
      err << "vigilctl: unknown --arg '" << key << "' (incident, note, zone, door, seconds)\n";
      return 2;
    }
  }
  const std::string payload = mqtt::format_signed_command(mqtt::format_command_body(b), *seed);
  const mqtt::PublisherConfig broker = ctl::publisher_config(c);
  const mqtt::TopicTree topics(c.broker.topic_root, c.site.id, c.site.gateway);
  std::string why;
  const auto reply = mqtt::request_reply(broker, topics.prefix() + "/cmd/" + a.name, payload,
                                         topics.prefix() + "/reply/" + b.id,
                                         std::chrono::seconds(a.timeout_s), &why);
  if (!reply) {
    err << "vigilctl: " << why << "\n";
    return 1;
  }
  out << *reply << "\n";
  const auto parsed = nlohmann::json::parse(*reply, nullptr, false);
  return parsed.is_object() && parsed.value("ok", false) ? 0 : 1;
}

}  // namespace

void add_command_cli(CLI::App& cli, int& rc) {
  auto* op = cli.add_subcommand("operator", "operator keys for signed MQTT commands")
                 ->require_subcommand(1);
  auto out_path = std::make_shared<std::string>();
  auto* keygen_cmd =
      op->add_subcommand("keygen", "write a new Ed25519 private key; print its public_key line");
  keygen_cmd->add_option("--out", *out_path, "private key file to create (mode 0600)")->required();
  keygen_cmd->callback([&rc, out_path] { rc = keygen(*out_path, std::cout, std::cerr); });

  auto args = std::make_shared<SendArgs>();
  auto* command = cli.add_subcommand("command", "signed MQTT commands")->require_subcommand(1);
  auto* send_cmd = command->add_subcommand("send", "sign one command, publish it, print the reply");
  send_cmd->add_option("name", args->name, "incident-ack, lockdown-set, door-unlock, ...")
      ->required();
  send_cmd->add_option("--operator", args->operator_name, "operator user (site config)")
      ->required();
  send_cmd->add_option("--key", args->key_file, "private key file (operator keygen)")->required();
  send_cmd->add_option("--arg", args->args, "an argument, key=value (repeat)");
  send_cmd->add_option("--id", args->id, "the command's id (default: random)");
  send_cmd->add_option("--timeout", args->timeout_s, "seconds to wait for the reply")
      ->default_val(10);
  send_cmd->add_option("-c,--config", args->config, "site config (broker, site, gateway)")
      ->required();
  send_cmd->callback([&rc, args] { rc = send(*args, std::cout, std::cerr); });
}

}  // namespace vigil::ctl
