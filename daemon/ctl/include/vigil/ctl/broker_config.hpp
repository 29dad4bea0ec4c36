// The site's broker section as the MQTT clients take it: one translation of
// config::BrokerConfig into mqtt::PublisherConfig for vigild's publisher and
// command link and for vigilctl's short-lived clients (command send, log
// verify --broker), so they all reach the broker the same way.
#pragma once

#include "vigil/config/site_config.hpp"
#include "vigil/mqtt/publisher.hpp"

namespace vigil::ctl {

// Host, port, client id (default "vigild-<site>-<gateway>"), keep-alive,
// topic root, TLS, user name and password, protocol, state expiry, site and
// gateway. The caller adds what only it knows (the journal segment,
// backoff).
mqtt::PublisherConfig publisher_config(const config::SiteConfig& c);

}  // namespace vigil::ctl
