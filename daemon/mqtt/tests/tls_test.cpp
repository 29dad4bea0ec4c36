// The publisher against a TLS-only mosquitto that wants a client certificate
// and a password, with a CA generated at test time (docs/mqtt.md, "Broker
// security"): incidents arrive; a broker certified by another CA, a wrong
// password and a plain-TCP client are all refused.
#include <gtest/gtest.h>

#include "broker_fixture.hpp"
#include "incident_fixture.hpp"
#include "vigil/testing/test_pki.hpp"

namespace vigil::mqtt::testing {
namespace {

using vigil::testing::SubscriberOptions;
using vigil::testing::TestPki;

MosquittoOptions tls_only(const TestPki& pki) {
  MosquittoOptions o;
  o.tls_ca_file = pki.ca_cert();
  o.tls_cert_file = pki.server_cert();
  o.tls_key_file = pki.server_key();
  o.require_certificate = true;
  o.users = {{"gw1", "s3cret gateway"}, {"console", "console pass"}};
  return o;
}

class TlsBroker : public ::testing::Test {
 protected:
  PublisherConfig config(const TestPki& trust) const {
    PublisherConfig c;
    c.host = "127.0.0.1";
    c.port = broker_.port();
    c.site = core::SiteId("hq");
    c.gateway = core::GatewayId("gw1");
    c.reconnect_min = 20ms;
    c.reconnect_max = 300ms;
    c.tls.ca_file = trust.ca_cert().string();
    c.tls.cert_file = pki_.client_cert().string();
    c.tls.key_file = pki_.client_key().string();
    c.username = "gw1";
    c.password = "s3cret gateway";
    return c;
  }
  SubscriberOptions console() const {
    SubscriberOptions o;
    o.ca_file = pki_.ca_cert().string();
    o.cert_file = pki_.client_cert().string();
    o.key_file = pki_.client_key().string();
    o.username = "console";
    o.password = "console pass";
    return o;
  }
  // Waits for the publisher's first failed attempt; then it must never have
  // connected, and says why.
  static void expect_refused(Publisher& publisher, const std::string& why) {
    ASSERT_TRUE(eventually([&] { return publisher.stats().connect_failures >= 2; }, kWait));
    const auto stats = publisher.stats();
    EXPECT_EQ(stats.connects, 0u);
    EXPECT_FALSE(stats.connected);
    EXPECT_FALSE(stats.last_connect_error.empty()) << why;
  }

  TestPki pki_;
  MosquittoProcess broker_{tls_only(pki_)};
  TempDir dir_;
  std::filesystem::path db_ = dir_.file("vigil.db");
};

TEST_F(TlsBroker, IncidentReachesAConsoleOverTlsWithClientCertificateAndPassword) {
  MqttTestSubscriber subscriber(broker_.uri(), "vigil/v1/hq/gw1/#", console());
  Outbox outbox(db_);
  Publisher publisher(config(pki_), outbox);
  publisher.start();
  ASSERT_TRUE(publisher.publish_incident(door_forced(17)));
  ASSERT_TRUE(eventually(
      [&] {
        for (const auto& m : subscriber.messages()) {
          if (m.topic.find("/incident/") != std::string::npos) return true;
        }
        return false;
      },
      kWait))
      << broker_.log();
  EXPECT_TRUE(publisher.stats().connected);
  EXPECT_EQ(publisher.stats().connect_failures, 0u);
}

TEST_F(TlsBroker, ABrokerCertifiedByAnotherCaIsRefused) {
  TestPki rogue{"Rogue CA"};
  Outbox outbox(db_);
  Publisher publisher(config(rogue), outbox);
  publisher.start();
  expect_refused(publisher, "the server's certificate does not chain to the configured CA");
}

TEST_F(TlsBroker, AWrongPasswordIsRefused) {
  Outbox outbox(db_);
  auto c = config(pki_);
  c.password = "guess";
  Publisher publisher(c, outbox);
  publisher.start();
  expect_refused(publisher, "bad credentials");
}

TEST_F(TlsBroker, APlainTcpClientGetsNowhere) {
  Outbox outbox(db_);
  auto c = config(pki_);
  c.tls = {};
  c.connect_timeout = 2s;
  Publisher publisher(c, outbox);
  publisher.start();
  expect_refused(publisher, "TLS-only listener");
}

TEST(TlsConfig, AClientCertificateWithoutItsKeyOrWithoutACaIsAConfigError) {
  PublisherConfig c;
  c.site = core::SiteId("hq");
  c.gateway = core::GatewayId("gw1");
  TempDir dir;
  Outbox outbox(dir.file("x.db"));
  c.tls.ca_file = "ca.pem";
  c.tls.cert_file = "gw1.crt";
  EXPECT_THROW(Publisher(c, outbox), std::invalid_argument);
  c.tls = {};
  c.tls.cert_file = "gw1.crt";
  c.tls.key_file = "gw1.key";
  EXPECT_THROW(Publisher(c, outbox), std::invalid_argument);
  c.tls = {};
  c.password = "no user";
  EXPECT_THROW(Publisher(c, outbox), std::invalid_argument);
}

}  // namespace
}  // namespace vigil::mqtt::testing
