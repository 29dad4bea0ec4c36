// IncidentCursor: the highest journal seq whose incidents are safely in the
// MQTT outbox. On start, vigild replays the journal after the cursor through
// the incident rules, so an incident whose event was committed just before a
// crash (SIGKILL, power loss) still reaches the console. Consoles drop the
// rare duplicate by the incident id (site/gateway/seq).
#pragma once

#include <cstdint>
#include <filesystem>

struct sqlite3;

namespace vigil::app {

class IncidentCursor {
 public:
  explicit IncidentCursor(const std::filesystem::path& db_path);
  ~IncidentCursor();
  IncidentCursor(const IncidentCursor&) = delete;
  IncidentCursor& operator=(const IncidentCursor&) = delete;

  std::uint64_t load() const;
  void store(std::uint64_t seq);

 private:
  void exec(const char* sql);
  sqlite3* db_ = nullptr;
};

}  // namespace vigil::app
