// vigil_mqtt_will_probe <port> <database> <site> <gateway>
//
// Runs a Publisher against 127.0.0.1:<port> until it is killed. The will test
// SIGKILLs it to watch the broker publish the last will: a Paho client inside
// the test process cannot die without closing its connection cleanly.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <string>
#include <thread>

#include "vigil/mqtt/publisher.hpp"

int main(int argc, char** argv) {
  if (argc != 5) {
    std::fprintf(stderr, "usage: %s <port> <database> <site> <gateway>\n", argv[0]);
    return 2;
  }
  vigil::mqtt::Outbox outbox(argv[2]);
  vigil::mqtt::PublisherConfig config;
  config.port = static_cast<std::uint16_t>(std::stoi(argv[1]));
  config.site = vigil::core::SiteId(argv[3]);
  config.gateway = vigil::core::GatewayId(argv[4]);
  config.keepalive = std::chrono::seconds(60);  // the will must come from the socket closing
  vigil::mqtt::Publisher publisher(config, outbox);
  publisher.start();
  while (!publisher.connected()) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  std::printf("connected\n");
  std::fflush(stdout);
  for (;;) ::pause();
}
