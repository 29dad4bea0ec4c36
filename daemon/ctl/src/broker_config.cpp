#include "vigil/ctl/broker_config.hpp"

namespace vigil::ctl {

mqtt::PublisherConfig publisher_config(const config::SiteConfig& c) {
  const config::BrokerConfig& b = c.broker;
  mqtt::PublisherConfig p;
  p.host = b.host;
  p.port = b.port;
  p.client_id =
      b.client_id.empty() ? "vigild-" + c.site.id.str() + "-" + c.site.gateway.str() : b.client_id;
  p.keepalive = b.keepalive;
  p.topic_root = b.topic_root;
  p.tls = {b.tls_ca_file, b.tls_cert_file, b.tls_key_file, b.tls_verify_hostname};
  p.username = b.username;
  p.password = b.password;
  p.protocol = b.protocol;
  p.state_expiry = b.state_expiry;
  p.site = c.site.id;
  p.gateway = c.site.gateway;
  return p;
}

}  // namespace vigil::ctl
