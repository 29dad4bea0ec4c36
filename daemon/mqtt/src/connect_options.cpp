#include "vigil/mqtt/connect_options.hpp"

namespace vigil::mqtt {

::mqtt::connect_options connect_options(const BrokerLogin& login, std::chrono::seconds keepalive,
                                        std::chrono::milliseconds connect_timeout,
                                        int mqtt_version) {
  auto builder = ::mqtt::connect_options_builder()
                     .mqtt_version(mqtt_version)
                     .keep_alive_interval(keepalive)
                     .connect_timeout(connect_timeout);
  if (mqtt_version == MQTTVERSION_5) {
    builder.clean_start(true);  // session expiry stays 0: the session ends with the connection
  } else {
    builder.clean_session(true);
  }
  auto options = builder.finalize();
  if (!login.username.empty()) {
    options.set_user_name(login.username);
    options.set_password(login.password);
  }
  if (login.tls.enabled()) {
    auto ssl = ::mqtt::ssl_options_builder()
                   .trust_store(login.tls.ca_file)
                   .enable_server_cert_auth(true)
                   .verify(login.tls.verify_hostname)
                   .ssl_version(MQTT_SSL_VERSION_TLS_1_2)
                   .finalize();
    if (!login.tls.cert_file.empty()) ssl.set_key_store(login.tls.cert_file);
    if (!login.tls.key_file.empty()) ssl.set_private_key(login.tls.key_file);
    options.set_ssl(std::move(ssl));
  }
  return options;
}

std::string server_uri(const std::string& host, std::uint16_t port, bool tls) {
  const bool ipv6 = host.find(':') != std::string::npos;
  return std::string{tls ? "ssl://" : "tcp://"} + (ipv6 ? "[" + host + "]" : host) + ":" +
         std::to_string(port);
}

}  // namespace vigil::mqtt
