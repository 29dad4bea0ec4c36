// The harness other layers' integration tests stand on: if these fail, no
// broker-based test result means anything.
#include <gtest/gtest.h>
#include <mqtt/async_client.h>
#include <sys/wait.h>

#include <fstream>

#include "vigil/testing/child_process.hpp"
#include "vigil/testing/mosquitto.hpp"
#include "vigil/testing/mqtt_subscriber.hpp"
#include "vigil/testing/ports.hpp"
#include "vigil/testing/tcp_relay.hpp"
#include "vigil/testing/temp_dir.hpp"
#include "vigil/testing/wait.hpp"

namespace vigil::testing {
namespace {

using namespace std::chrono_literals;

void publish(const std::string& uri, const std::string& topic, const std::string& payload,
             bool retained) {
  ::mqtt::async_client client(uri, "harness-test-publisher");
  client.connect()->wait();
  client.publish(topic, payload, 1, retained)->wait();
  client.disconnect()->wait();
}

TEST(TempDir, CreatesADirectoryAndRemovesItWithItsFiles) {
  std::filesystem::path kept;
  {
    TempDir dir;
    kept = dir.path();
    ASSERT_TRUE(std::filesystem::is_directory(kept));
    std::ofstream(dir.file("a.txt")) << "x";
  }
  EXPECT_FALSE(std::filesystem::exists(kept));
}

TEST(Ports, FreePortIsOnLoopbackAndNotListening) {
  const auto port = free_tcp_port();
  EXPECT_NE(port, 0);
  EXPECT_FALSE(tcp_port_accepts(port));
}

TEST(ChildProcess, KillEndsTheChildAndReapsIt) {
  ChildProcess child({"/bin/sleep", "60"});
  EXPECT_TRUE(child.running());
  child.kill();
  EXPECT_FALSE(child.running());
  ASSERT_TRUE(child.wait_status());
  EXPECT_TRUE(WIFSIGNALED(*child.wait_status()));
}

TEST(ChildProcess, ExecFailureShowsAsExitCode127) {
  ChildProcess child({"/nonexistent/program"});
  ASSERT_TRUE(child.wait_exit(5s));
  EXPECT_EQ(WEXITSTATUS(*child.wait_status()), 127);
}

TEST(ChildProcess, WritesOutputToTheLog) {
  TempDir dir;
  ChildProcess child({"/bin/echo", "hello"}, dir.file("out.log"));
  ASSERT_TRUE(child.wait_exit(5s));
  std::ifstream in(dir.file("out.log"));
  std::string line;
  std::getline(in, line);
  EXPECT_EQ(line, "hello");
}

TEST(MosquittoProcess, AcceptsConnectionsOnItsPortAndNothingAfterDestruction) {
  std::uint16_t port = 0;
  {
    MosquittoProcess broker;
    port = broker.port();
    EXPECT_TRUE(broker.running());
    EXPECT_TRUE(tcp_port_accepts(port));
    EXPECT_EQ(broker.uri(), "tcp://127.0.0.1:" + std::to_string(port));
  }
  EXPECT_FALSE(tcp_port_accepts(port));
}

TEST(MosquittoProcess, RestartsOnTheSamePort) {
  MosquittoProcess broker;
  const auto port = broker.port();
  broker.stop();
  EXPECT_FALSE(broker.running());
  EXPECT_FALSE(tcp_port_accepts(port));
  broker.start();
  EXPECT_TRUE(broker.running());
  EXPECT_EQ(broker.port(), port);
  EXPECT_TRUE(tcp_port_accepts(port));
}

TEST(MqttTestSubscriber, CollectsMessagesInOrderWithTheirFlags) {
  MosquittoProcess broker;
  publish(broker.uri(), "t/retained", "r", true);
  MqttTestSubscriber sub(broker.uri(), "t/#");
  ASSERT_TRUE(sub.wait_for(1, 5s)) << broker.log();
  publish(broker.uri(), "t/live", "one", false);
  publish(broker.uri(), "t/live", "two", false);
  ASSERT_TRUE(sub.wait_for(3, 5s)) << broker.log();
  const auto got = sub.messages();
  EXPECT_EQ(got[0].topic, "t/retained");
  EXPECT_TRUE(got[0].retained);
  EXPECT_EQ(got[1].payload, "one");
  EXPECT_FALSE(got[1].retained);
  EXPECT_EQ(got[1].qos, 1);
  EXPECT_EQ(got[2].payload, "two");
}

TEST(MosquittoProcess, WithoutPersistenceARestartForgetsRetainedMessages) {
  MosquittoProcess broker;
  publish(broker.uri(), "t/retained", "r", true);
  broker.stop();
  broker.start();
  MqttTestSubscriber sub(broker.uri(), "t/#");
  publish(broker.uri(), "t/marker", "m", false);
  ASSERT_TRUE(sub.wait_for(1, 5s));
  EXPECT_EQ(sub.messages().front().topic, "t/marker");
}

TEST(MosquittoProcess, WithPersistenceAPersistentSessionKeepsQueuedMessagesAcrossARestart) {
  MosquittoProcess broker(MosquittoOptions{.persistence = true});
  MqttTestSubscriber sub(
      broker.uri(), "t/#",
      {.client_id = "persistent-sub", .clean_session = false, .auto_reconnect = true});
  broker.stop();
  broker.start();
  // Published before the subscriber is back: the broker queues it in the
  // session it reloaded from disk.
  publish(broker.uri(), "t/queued", "q", false);
  ASSERT_TRUE(sub.wait_for(1, 10s)) << broker.log();
  EXPECT_EQ(sub.messages().front().payload, "q");
}

TEST(TcpRelay, CutResetsEveryConnectionItCarriesAndKeepsAccepting) {
  MosquittoProcess broker;
  TcpRelay relay(broker.port());
  const auto via_relay = "tcp://127.0.0.1:" + std::to_string(relay.port());
  MqttTestSubscriber first(via_relay, "t/#");
  MqttTestSubscriber second(via_relay, "t/#");
  ASSERT_TRUE(first.connected() && second.connected());

  EXPECT_EQ(relay.cut(), 2) << relay.log();
  EXPECT_TRUE(eventually([&] { return !first.connected() && !second.connected(); }, 10s));
  MqttTestSubscriber after(via_relay, "t/#");  // the relay still accepts
  EXPECT_TRUE(after.connected());
  EXPECT_EQ(relay.cut(), 1);
}

TEST(TcpRelay, ClosesAClientAtOnceWhenItsUpstreamIsDown) {
  const auto nothing_there = free_tcp_port();
  TcpRelay relay(nothing_there);
  SubscriberOptions options;
  options.connect_timeout = 5s;
  EXPECT_THROW(
      MqttTestSubscriber("tcp://127.0.0.1:" + std::to_string(relay.port()), "t/#", options),
      std::exception);
}

}  // namespace
}  // namespace vigil::testing
