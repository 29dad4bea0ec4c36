// The one builder of Paho connect options for every client Vigil opens to the
// broker (the publisher, the command link, vigilctl's short-lived clients and
// watch, vigil-console's link): clean session, the login's user name and
// password, and TLS 1.2 with the server's certificate checked against the CA.
// Clients differ only in MQTT version, keep-alive and connect timeout.
// Needs Paho MQTT C++ (target vigil_mqtt_connect).
#pragma once

#include <mqtt/connect_options.h>

#include <chrono>
#include <cstdint>
#include <string>

#include "vigil/mqtt/broker_login.hpp"

namespace vigil::mqtt {

// MQTTVERSION_3_1_1 or MQTTVERSION_5. Clean in both: a clean session (3.1.1)
// or a clean start with no session kept after the connection (5): nothing
// queued for us while away is wanted (the outbox resends what matters).
::mqtt::connect_options connect_options(const BrokerLogin& login, std::chrono::seconds keepalive,
                                        std::chrono::milliseconds connect_timeout,
                                        int mqtt_version = MQTTVERSION_3_1_1);

// "tcp://host:port" or "ssl://host:port"; an IPv6 address goes in brackets.
std::string server_uri(const std::string& host, std::uint16_t port, bool tls);

}  // namespace vigil::mqtt
