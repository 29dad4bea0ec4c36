// How a client proves itself to the broker and protects the link: TLS files
// and a user name with its password. Shared by vigild's publisher and command
// link, vigilctl and vigil-console (connect_options.hpp builds Paho's options
// from it), so every client of the broker honours the same settings.
#pragma once

#include <string>

namespace vigil::mqtt {

// TLS to the broker (docs/mqtt.md, "Broker security"). The server's
// certificate must chain to `ca_file`; with verify_hostname its name (or IP
// address) must match the host. A client certificate and key are optional
// (the broker decides whether it requires one). Files are PEM.
struct TlsConfig {
  std::string ca_file;  // empty: no TLS
  std::string cert_file;
  std::string key_file;
  bool verify_hostname = true;
  bool enabled() const { return !ca_file.empty(); }
};

struct BrokerLogin {
  std::string username;  // empty: none
  std::string password;  // sent only with a username
  TlsConfig tls;
};

}  // namespace vigil::mqtt
