// Cost of a signed checkpoint (docs/benchmarks.md, "Checkpoints"): the
// Ed25519 signature over the 83-byte message, its verification, the atomic
// checkpoint file (fsync, rename, fsync of the directory), and the retained
// MQTT publish to a real mosquitto on loopback until the broker's PUBACK.
#include <benchmark/benchmark.h>

#include <thread>

#include "vigil/journal/checkpoint.hpp"
#include "vigil/mqtt/outbox.hpp"
#include "vigil/mqtt/publisher.hpp"
#include "vigil/testing/mosquitto.hpp"
#include "vigil/testing/temp_dir.hpp"

namespace {

using namespace vigil;

constexpr const char* kJournalId = "00112233445566778899aabbccddeeff";

journal::GatewayKey make_key(const testing::TempDir& dir) {
  return journal::GatewayKey::load_or_create(dir.file("k.key"), dir.file("k.pub"));
}

void BM_Sign(benchmark::State& state) {
  testing::TempDir dir{"vigil-bench-cp"};
  auto key = make_key(dir);
  journal::Hash head{};
  std::uint64_t seq = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(journal::sign_checkpoint(key, kJournalId, ++seq, head, 1));
  }
}
BENCHMARK(BM_Sign);

void BM_Verify(benchmark::State& state) {
  testing::TempDir dir{"vigil-bench-cp"};
  auto key = make_key(dir);
  const auto cp = journal::sign_checkpoint(key, kJournalId, 1, journal::Hash{}, 1);
  for (auto _ : state) benchmark::DoNotOptimize(journal::signature_valid(cp, key.public_key()));
}
BENCHMARK(BM_Verify);

void BM_WriteCheckpointFile(benchmark::State& state) {
  testing::TempDir dir{"vigil-bench-cp"};
  auto key = make_key(dir);
  const auto cp = journal::sign_checkpoint(key, kJournalId, 1, journal::Hash{}, 1);
  for (auto _ : state) journal::write_checkpoint_file(dir.file("j.db.checkpoint"), cp);
}
BENCHMARK(BM_WriteCheckpointFile)->Unit(benchmark::kMicrosecond);

void BM_PublishRetained(benchmark::State& state) {
  testing::MosquittoProcess broker;
  testing::TempDir dir{"vigil-bench-cp"};
  auto key = make_key(dir);
  mqtt::Outbox outbox(dir.file("outbox.db"));
  mqtt::PublisherConfig config;
  config.host = broker.host();
  config.port = broker.port();
  config.site = core::SiteId("bench");
  config.gateway = core::GatewayId("gw1");
  mqtt::Publisher publisher(config, outbox);
  publisher.start();
  while (!publisher.connected()) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  std::uint64_t seq = 0;
  for (auto _ : state) {
    const auto cp = journal::sign_checkpoint(key, kJournalId, ++seq, journal::Hash{}, 1);
    const auto before = publisher.checkpoints_published();
    publisher.publish_checkpoint(journal::checkpoint_to_json(cp));
    while (publisher.checkpoints_published() == before) std::this_thread::yield();
  }
  publisher.stop();
}
BENCHMARK(BM_PublishRetained)->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
