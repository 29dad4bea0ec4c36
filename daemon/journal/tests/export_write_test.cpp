// write_export hands rows from the reading thread to the writing one in
// batches of 512 (export_write.cpp): exports of several batches come out
// whole, in order and verifiable, times print as format_utc prints them
// across midnights, and a data file that cannot be written fails the export
// without hanging the reader.
#include <gtest/gtest.h>

#include <sstream>
#include <streambuf>
#include <string>
#include <vector>

#include "journal_test_support.hpp"
#include "vigil/core/time.hpp"
#include "vigil/journal/export.hpp"
#include "vigil/journal/gateway_key.hpp"
#include "vigil/journal/journal.hpp"

namespace vigil::journal {
namespace {

using testing::TempDir;

constexpr std::size_t kRows = 5'000;  // nine full batches and a partial one; > 1 MiB of CSV
// 2026-12-31 23:00:00 UTC: the rows cross into 2027 at the 900th.
constexpr std::int64_t kStartUs = 1'798'758'000'000'000;

std::int64_t time_of(std::size_t n) {
  return kStartUs + static_cast<std::int64_t>(n) * 4'000'123;  // ~4 s apart, odd micros
}

void fill(const std::filesystem::path& db) {
  Journal j(db);
  std::vector<core::Event> batch(kRows);
  for (std::size_t n = 0; n < kRows; ++n) {
    auto& e = batch[n];
    e.time = core::from_unix_micros(time_of(n));
    e.kind = n % 3 == 0 ? core::EventKind::access_denied : core::EventKind::access_granted;
    e.reason = n % 3 == 0 ? core::DenyReason::no_access_level : core::DenyReason::none;
    e.person = core::PersonId{"p-" + std::to_string(n % 70)};
    e.door = core::DoorId{"door-" + std::to_string(n % 5)};
    e.detail = n % 7 == 0 ? "a note, with \"quotes\"" : "";
  }
  j.append(batch);
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::size_t from = 0;
  for (std::size_t at; (at = text.find("\r\n", from)) != std::string::npos; from = at + 2)
    out.push_back(text.substr(from, at - from));
  return out;
}

TEST(ExportWrite, SeveralBatchesComeOutWholeInOrderAndVerify) {
  TempDir dir;
  fill(dir.file("j.db"));
  Journal j(dir.file("j.db"));
  const auto key = GatewayKey::load_or_create(dir.file("k.key"), dir.file("k.pub"));
  for (const auto format : {ExportFormat::csv, ExportFormat::json}) {
    std::ostringstream data;
    auto manifest = write_export(j, {.format = format}, data);
    EXPECT_EQ(manifest.rows, kRows);
    EXPECT_EQ(manifest.first_seq, 1u);
    EXPECT_EQ(manifest.last_seq, kRows);
    EXPECT_TRUE(manifest.contiguous);
    sign_manifest(manifest, key);
    const auto verdict = verify_export(data.str(), manifest_to_json(manifest), key.public_key());
    EXPECT_TRUE(verdict.ok()) << to_string(format) << ": "
                              << (verdict.problems.empty() ? "" : verdict.problems[0].message);
  }
}

TEST(ExportWrite, CsvTimesAreFormatUtcsTextAcrossMidnightAndTheNewYear) {
  TempDir dir;
  fill(dir.file("j.db"));
  Journal j(dir.file("j.db"));
  std::ostringstream data;
  write_export(j, {.format = ExportFormat::csv}, data);
  const auto lines = lines_of(data.str());
  ASSERT_EQ(lines.size(), kRows + 1);  // the header, then one line a row
  bool saw_2026 = false, saw_2027 = false;
  for (std::size_t n = 0; n < kRows; ++n) {
    const auto& line = lines[n + 1];
    const auto first = line.find(',');
    const auto second = line.find(',', first + 1);
    const auto third = line.find(',', second + 1);
    ASSERT_EQ(line.substr(0, first), std::to_string(n + 1)) << "row " << n << " out of order";
    const auto text = line.substr(second + 1, third - second - 1);
    ASSERT_EQ(text, core::format_utc(core::from_unix_micros(time_of(n)))) << "row " << n;
    saw_2026 = saw_2026 || text.rfind("2026-12-31T23:", 0) == 0;
    saw_2027 = saw_2027 || text.rfind("2027-01-01T00:", 0) == 0;
  }
  EXPECT_TRUE(saw_2026 && saw_2027);
}

// A stream buffer that refuses everything after `limit` bytes.
class FullDisk : public std::streambuf {
 public:
  explicit FullDisk(std::size_t limit) : limit_(limit) {}

 protected:
  std::streamsize xsputn(const char*, std::streamsize n) override {
    if (written_ + static_cast<std::size_t>(n) > limit_) return 0;
    written_ += static_cast<std::size_t>(n);
    return n;
  }
  int_type overflow(int_type c) override {
    return xsputn(nullptr, 1) == 1 ? c : traits_type::eof();
  }

 private:
  std::size_t limit_;
  std::size_t written_ = 0;
};

TEST(ExportWrite, ADataFileThatCannotBeWrittenFailsTheExportWithoutHanging) {
  TempDir dir;
  fill(dir.file("j.db"));
  Journal j(dir.file("j.db"));
  for (const auto format : {ExportFormat::csv, ExportFormat::json}) {
    FullDisk full(1000);  // the first 1 MiB flush already fails
    std::ostream data(&full);
    try {
      write_export(j, {.format = format}, data);
      ADD_FAILURE() << "an export to a full disk succeeded";
    } catch (const std::runtime_error& e) {
      EXPECT_STREQ(e.what(), "cannot write the export data");
    }
  }
}

}  // namespace
}  // namespace vigil::journal
