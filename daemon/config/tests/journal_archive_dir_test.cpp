// journal.archive_dir: where the per-month archive files go (docs/config.md).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "vigil/config/load.hpp"

namespace vigil::config {
namespace archive_dir_config {

std::string journal_section(const std::string& archive_line) {
  return "site: { id: hq, gateway: gw1, time_zone: UTC }\njournal:\n  path: run/j.db\n" +
         archive_line;
}

TEST(JournalArchiveDir, DefaultsToAFolderBesideTheJournal) {
  auto r = load_site_config_from_string(journal_section(""), "/etc/vigil/s.yaml");
  ASSERT_TRUE(r.ok()) << to_string(r.diagnostics());
  EXPECT_EQ(r.value().journal_archive_dir, "");
  EXPECT_EQ(r.value().archive_dir(), "/etc/vigil/run/j.db.archive");
}

TEST(JournalArchiveDir, IsResolvedAgainstTheConfigFolderLikeThePath) {
  auto relative = load_site_config_from_string(journal_section("  archive_dir: old/months\n"),
                                               "/etc/vigil/s.yaml");
  ASSERT_TRUE(relative.ok()) << to_string(relative.diagnostics());
  EXPECT_EQ(relative.value().archive_dir(), "/etc/vigil/old/months");
  auto absolute = load_site_config_from_string(
      journal_section("  archive_dir: /srv/vigil-archive\n"), "/etc/vigil/s.yaml");
  ASSERT_TRUE(absolute.ok()) << to_string(absolute.diagnostics());
  EXPECT_EQ(absolute.value().archive_dir(), "/srv/vigil-archive");
}

TEST(JournalArchiveDir, ABadOneIsRefusedWithItsPosition) {
  const auto dir =
      std::filesystem::temp_directory_path() /
      ("vigil-archive-dir-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()));
  std::filesystem::create_directories(dir);
  const auto file = dir / "a-file";
  std::ofstream(file) << "x";
  const struct {
    std::string line;
    const char* expected;
  } bad[] = {
      {"  archive_dir: \"\"\n", "/etc/vigil/s.yaml:4:16: 'archive_dir': must not be empty"},
      {"  archive_dir: run/j.db\n", "/etc/vigil/s.yaml:4:16: 'archive_dir': must be a folder"},
      {"  archive_dir: " + file.string() + "\n", "exists and is not a folder"},
      {"  archive_dir: [a, b]\n", "/etc/vigil/s.yaml:4:16:"},
      {"  archive_dir: { x: 1 }\n", "/etc/vigil/s.yaml:4:16:"},
  };
  for (const auto& b : bad) {
    auto r = load_site_config_from_string(journal_section(b.line), "/etc/vigil/s.yaml");
    ASSERT_FALSE(r.ok()) << b.line;
    EXPECT_NE(to_string(r.diagnostics()).find(b.expected), std::string::npos)
        << b.line << ": " << to_string(r.diagnostics());
  }
  std::filesystem::remove_all(dir);
}

}  // namespace archive_dir_config
}  // namespace vigil::config
