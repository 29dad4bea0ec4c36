// A real broker, a temp database and a publisher config pointing at both,
// for the MQTT integration tests.
#pragma once

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "vigil/mqtt/publisher.hpp"
#include "vigil/testing/mosquitto.hpp"
#include "vigil/testing/mqtt_subscriber.hpp"
#include "vigil/testing/temp_dir.hpp"
#include "vigil/testing/wait.hpp"

namespace vigil::mqtt::testing {

using namespace std::chrono_literals;
using vigil::testing::eventually;
using vigil::testing::MosquittoOptions;
using vigil::testing::MosquittoProcess;
using vigil::testing::MqttTestSubscriber;
using vigil::testing::ReceivedMessage;
using vigil::testing::TempDir;

// Generous: a loaded CI machine is slow, never wrong. Paho C needs up to
// about a second to notice a new socket while another client is connected.
inline constexpr auto kWait = 20s;

class BrokerTest : public ::testing::Test {
 protected:
  explicit BrokerTest(MosquittoOptions options = {}) : broker_(options) {}

  PublisherConfig config() const {
    PublisherConfig c;
    c.host = broker_.host();
    c.port = broker_.port();
    c.site = core::SiteId("hq");
    c.gateway = core::GatewayId("gw1");
    c.reconnect_min = 20ms;  // quick retries keep outage tests short
    c.reconnect_max = 300ms;
    return c;
  }

  static nlohmann::json json_of(const ReceivedMessage& m) {
    return nlohmann::json::parse(m.payload);
  }

  // Payload "seq" of every message, in arrival order.
  static std::vector<std::uint64_t> seqs(const std::vector<ReceivedMessage>& messages) {
    std::vector<std::uint64_t> out;
    for (const auto& m : messages) out.push_back(json_of(m)["seq"].get<std::uint64_t>());
    return out;
  }

  std::string incidents_filter() const { return "vigil/v1/hq/gw1/incident/#"; }
  std::string status_topic() const { return "vigil/v1/hq/gw1/status"; }

  MosquittoProcess broker_;
  TempDir dir_;
  std::filesystem::path db_ = dir_.file("vigil.db");
};

}  // namespace vigil::mqtt::testing
