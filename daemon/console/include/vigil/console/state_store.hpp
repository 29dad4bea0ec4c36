// What the console knows of every gateway: the newest retained status, door
// and zone states, muster lists, meeting digest (its summary, meeting_report.hpp), and the
// incidents with their lifecycle states, fed from the broker message by message. apply() answers
// with the update to push to the browsers (or nothing when the message changed nothing or was not
// for us); snapshot() is what a browser gets when it connects. Pure: no I/O, no clock.
#pragma once

#include <chrono>
#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace vigil::console {

// One incident in the guards' queue.
struct QueueEntry {
  std::string id;  // "<site>/<gateway>/<segment>/<seq>" as published
  std::string site, gateway;
  std::uint64_t seq = 0;  // the number a command names it by
  std::string severity;  // info, warning, major, critical, or "" before the incident itself arrived
  std::string kind;
  std::string state;   // open, acknowledged (resolved ones leave the queue)
  std::string opened;  // ISO 8601 UTC, for age
  std::string zone, door, summary;
  std::string acknowledged_by;
};

// critical 4, major 3, warning 2, info 1; an incident known only from its
// state (the console started after it was raised) ranks as major: a guard
// must see it, and it cannot be known to be critical.
int severity_rank(std::string_view severity);

// What one broker message changed, named without building the browsers'
// update (that costs the whole queue or gateway; see UpdateBatch).
struct StoreChange {
  // digest: a gateway's meeting digest changed; rare (daily), so it is sent
  // at once rather than batched.
  enum class Kind { gateway, queue, digest };
  Kind kind = Kind::queue;
  std::string gateway_key;  // "site/gateway", for Kind::gateway and Kind::digest
  // For Kind::queue when an incident not resolved was just raised: {"id","severity"}.
  std::optional<nlohmann::json> raised;
};

class StateStore {
 public:
  explicit StateStore(std::string topic_root);

  // A message from the broker (topic under <root>/v1/). An empty payload
  // clears a retained slot. Never throws: a payload that is not what the v1
  // schema says is ignored (and counted).
  std::optional<nlohmann::json> apply(std::string_view topic, std::string_view payload);
  // The same, naming what changed instead of building the update.
  std::optional<StoreChange> change(std::string_view topic, std::string_view payload);
  // The updates apply() answers with: {"type":"gateway","gateway":{...}}
  // (null for a gateway not known) and {"type":"queue","queue":[...]}.
  nlohmann::json gateway_update(const std::string& key) const;
  // {"type":"digest","site","gateway","digest":summary or null}.
  nlohmann::json digest_update(const std::string& key) const;
  nlohmann::json queue_update() const;

  // {"type":"snapshot","gateways":[{site,gateway,status,reason,doors,zones,musters}],"queue":[...],
  //  "digests":[digest_summary()...]}
  nlohmann::json snapshot() const;
  // Open and acknowledged incidents: most severe first, then oldest first.
  std::vector<QueueEntry> queue() const;
  std::size_t ignored() const { return ignored_; }
  // The newest digest summary of every gateway that published one.
  std::vector<nlohmann::json> digests() const;

  // The gateway named by `site`/`gateway` is known (a command may go there).
  bool knows_gateway(const std::string& site, const std::string& gateway) const;

 private:
  struct Incident {
    nlohmann::json raised;  // the incident message, null until seen
    nlohmann::json state;   // the newest incident-state, null until seen
  };
  struct Gateway {
    std::string site, gateway;
    nlohmann::json status;  // null until seen
    std::map<std::string, nlohmann::json> doors, zones;
    std::map<std::string, nlohmann::json> musters;  // muster_list(), by zone
    nlohmann::json digest;                          // digest_summary(), null until seen
  };

  Gateway& gateway(const std::string& site, const std::string& gw);
  nlohmann::json gateway_json(const Gateway& g) const;
  nlohmann::json queue_json() const;
  void prune_resolved();

  std::string prefix_;                         // "<root>/v1/"
  std::map<std::string, Gateway> gateways_;    // by "site/gateway"
  std::map<std::string, Incident> incidents_;  // by id
  std::vector<std::string> resolved_order_;    // oldest first, bounded
  std::size_t ignored_ = 0;
};

nlohmann::json to_json(const QueueEntry& e);

// A gateway's muster/<zone> message (docs/schema/muster.schema.json) as the
// page shows it: {"zone","count","truncated","personal_data","people":[{"person",
// "name","since"}]}, the people sorted by time of entry (oldest first) and at
// most kMusterShown of them (truncated then); nothing when the message is not
// a muster list.
inline constexpr std::size_t kMusterShown = 100;
std::optional<nlohmann::json> muster_list(const nlohmann::json& message);

// Changes collected while the console is busy, sent to the browsers as one
// update each: a burst of broker messages (a campus of gateways, an outbox
// replay) costs one queue and one gateway message per changed gateway, not
// one whole queue per incident.
class UpdateBatch {
 public:
  void add(const StoreChange& change);
  bool empty() const { return gateways_.empty() && !queue_; }
  // One "gateway" update per changed gateway (by site/gateway), then one
  // "queue" update when the queue changed, its "raised" the most severe
  // incident raised in the batch (the first of equals). Empties the batch.
  std::vector<nlohmann::json> take(const StateStore& store);
  // Only the gateway updates (the queue change, if any, stays batched), or
  // only the queue update: the console paces the queue (costly: every open
  // incident), not the door and zone states.
  std::vector<nlohmann::json> take_gateways(const StateStore& store);
  std::optional<nlohmann::json> take_queue(const StateStore& store);

 private:
  std::vector<std::string> gateways_;  // sorted, unique
  bool queue_ = false;
  std::optional<nlohmann::json> raised_;
};

// When a queue update goes out: at once when the last one went out at least
// `gap` ago (a lone incident is not delayed), else `gap` after the last, so a
// busy campus costs each browser at most one queue per gap, not one per
// incident.
class FlushPacer {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;
  explicit FlushPacer(std::chrono::milliseconds gap) : gap_(gap) {}
  TimePoint due(TimePoint now) const { return sent_ && *sent_ + gap_ > now ? *sent_ + gap_ : now; }
  void flushed(TimePoint now) { sent_ = now; }

 private:
  std::chrono::milliseconds gap_;
  std::optional<TimePoint> sent_;
};

}  // namespace vigil::console
