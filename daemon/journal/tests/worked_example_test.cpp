// docs/journal.md walks through one row byte by byte. This test writes that
// row with the real append path and checks the document's bytes, genesis and
// hash against it, so the worked example cannot drift from the code.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <sstream>

#include "journal_test_support.hpp"
#include "vigil/journal/journal.hpp"

namespace vigil::journal {
namespace {

using testing::RawSql;
using testing::TempDir;

constexpr const char* kExampleId = "00112233445566778899aabbccddeeff";

// The example row: a grant to p02 at the server room door with one typed
// attribute, the first row of its journal.
core::Event example_event() {
  core::Event event;
  event.time = core::from_unix_micros(1'772'438'400'123'456);  // 2026-03-02T08:00:00.123456Z
  event.kind = core::EventKind::access_granted;
  event.door = core::DoorId{"server-door"};
  event.reader = core::ReaderId{"server-in"};
  event.zone = core::ZoneId{"server-room"};
  event.person = core::PersonId{"p02"};
  event.card = core::CardNumber{.facility = 12, .number = 1002};
  core::set_attr(event.attrs, "pin", true);
  return event;
}

// The ```text block after the "worked example" marker: "key hex..." lines,
// where a line starting with spaces continues the previous key.
std::map<std::string, std::string> doc_example() {
  std::ifstream in{std::string{VIGIL_SOURCE_DIR} + "/docs/journal.md"};
  std::stringstream text;
  text << in.rdbuf();
  auto doc = text.str();
  auto marker = doc.find("<!-- worked example -->");
  if (marker == std::string::npos) return {};
  auto begin = doc.find("```text\n", marker);
  auto end = doc.find("```", begin + 8);
  std::istringstream block{doc.substr(begin + 8, end - begin - 8)};
  std::map<std::string, std::string> out;
  std::string line, key;
  while (std::getline(block, line)) {
    std::istringstream words{line};
    std::string word;
    if (line.empty()) continue;
    if (line[0] != ' ') words >> key;
    while (words >> word) out[key] += word;
  }
  return out;
}

TEST(WorkedExample, DocumentMatchesTheBytesTheJournalWrites) {
  TempDir dir;
  { Journal created{dir.file("j.db")}; }
  RawSql{dir.file("j.db")}.exec("UPDATE journal_meta SET value = '" + std::string{kExampleId} +
                                "' WHERE key = 'journal_id'");
  Journal journal{dir.file("j.db")};
  std::vector<core::Event> events{example_event()};
  journal.append(events);
  ASSERT_TRUE(journal.verify().ok);

  RawSql raw{dir.file("j.db")};
  auto canonical = testing::canonical_bytes_of(raw, 1);
  std::string actual_canonical = to_hex(canonical);
  std::string actual_hash = to_hex(*journal.hash_at(1));
  std::string actual_attrs = raw.text("SELECT lower(hex(attrs)) FROM events WHERE seq = 1");
  EXPECT_EQ(to_hex(RowHasher{}.sha256(canonical)), actual_hash);  // the spec reading agrees

  auto doc = doc_example();
  EXPECT_EQ(doc["journal_id"], kExampleId);
  EXPECT_EQ(doc["genesis"], to_hex(journal.genesis_hash()));
  EXPECT_EQ(doc["attrs"], actual_attrs);
  EXPECT_EQ(doc["canonical"], actual_canonical);
  EXPECT_EQ(doc["hash"], actual_hash);
  if (HasFailure()) {
    std::cout << "journal_id  " << kExampleId << "\ngenesis     " << to_hex(journal.genesis_hash())
              << "\nattrs       " << actual_attrs << "\ncanonical   ";
    for (std::size_t i = 0; i < actual_canonical.size(); i += 64) {
      std::cout << (i ? "            " : "") << actual_canonical.substr(i, 64) << "\n";
    }
    std::cout << "hash        " << actual_hash << "\n";
  }
}

}  // namespace
}  // namespace vigil::journal
