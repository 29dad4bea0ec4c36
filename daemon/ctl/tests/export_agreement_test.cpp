// Signed exports (issue 10, item 4): vigilctl log verify-export and the
// Python verifier (scripts/verify_export.py) pass the good exports and name
// the same failed checks for each tampering.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "vigil/ctl/commands.hpp"
#include "vigil/journal/checkpoint.hpp"
#include "vigil/journal/journal.hpp"

namespace vigil::ctl {
namespace {

namespace fs = std::filesystem;

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}
void spit(const fs::path& p, const std::string& text) {
  std::ofstream(p, std::ios::binary | std::ios::trunc) << text;
}

// The check names of "DATA: fail CHECK: ..." lines.
std::set<std::string> failed_checks(const std::string& err) {
  std::set<std::string> out;
  std::istringstream lines(err);
  for (std::string line; std::getline(lines, line);) {
    auto at = line.find(": fail ");
    if (at == std::string::npos) continue;
    auto name = line.substr(at + 7);
    out.insert(name.substr(0, name.find(':')));
  }
  return out;
}

class ExportAgreement : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("vigil-export-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    auto key = journal::GatewayKey::load_or_create(journal::private_key_path(db()),
                                                   journal::public_key_path(db()));
    journal::Journal j(db());
    std::vector<core::Event> events(12);
    for (std::size_t i = 0; i < events.size(); ++i) {
      auto& e = events[i];
      e.time = core::from_unix_micros(1'790'000'000'000'000 + static_cast<std::int64_t>(i) * 1000);
      e.kind = i % 3 == 2 ? core::EventKind::access_denied : core::EventKind::access_granted;
      e.reason = i % 3 == 2 ? core::DenyReason::no_access_level : core::DenyReason::none;
      e.person = core::PersonId{i % 2 ? "alice" : "bob"};
      e.door = core::DoorId{"lab-door"};
      e.zone = core::ZoneId{"lab"};
      e.card = core::CardNumber{.facility = 12, .number = 1000 + i % 2};
      e.detail = i == 4 ? "a \"quoted\", multi\r\nline detail" : "";
      if (i == 5) e.attrs = {{"level", std::string{"staff"}}};
    }
    j.append(events);
    journal::write_checkpoint_file(
        journal::checkpoint_path(db()),
        journal::sign_checkpoint(key, j.journal_id(), 6, *j.hash_at(6), 1'790'000'100'000'000));
    journal::GatewayKey::load_or_create(dir_ / "other.key", dir_ / "other.pub");
  }
  void TearDown() override { fs::remove_all(dir_); }

  fs::path db() const { return dir_ / "j.db"; }

  fs::path export_rows(const std::string& name, const std::string& format,
                       void (*filter)(QueryArgs&)) {
    ExportArgs args;
    args.query.journal_path = db().string();
    if (filter) filter(args.query);
    args.format = format;
    args.out_path = (dir_ / name).string();
    args.operator_name = "inspector";
    args.now = core::from_unix_micros(1'790'000'200'000'000);
    std::ostringstream out, err;
    EXPECT_EQ(log_export(args, out, err), 0) << err.str();
    return dir_ / name;
  }

  struct Verdict {
    int rc = -1;
    std::set<std::string> failed;
  };
  Verdict vigilctl(const fs::path& data, const fs::path& pub) {
    std::ostringstream out, err;
    const int rc =
        log_verify_export(data.string(), data.string() + ".manifest.json", pub.string(), out, err);
    return {rc, failed_checks(err.str())};
  }
  std::optional<Verdict> python(const fs::path& data, const fs::path& pub) {
#ifndef VIGIL_PYTHON3
    return std::nullopt;
#else
    if (std::system(VIGIL_PYTHON3 " -c 'import cryptography' 2>/dev/null") != 0) return {};
    const auto err_file = dir_ / "py.err";
    const std::string cmd = std::string(VIGIL_PYTHON3) + " " + VIGIL_SOURCE_DIR +
                            "/scripts/verify_export.py '" + data.string() + "' '" + data.string() +
                            ".manifest.json' --key '" + pub.string() + "' >/dev/null 2>'" +
                            err_file.string() + "'";
    const int status = std::system(cmd.c_str());
    return Verdict{WIFEXITED(status) ? WEXITSTATUS(status) : -1, failed_checks(slurp(err_file))};
#endif
  }
  // Both verifiers, which must agree; returns vigilctl's verdict.
  Verdict both(const fs::path& data, const fs::path& pub) {
    auto ours = vigilctl(data, pub);
    if (auto theirs = python(data, pub)) {
      EXPECT_EQ(ours.rc, theirs->rc) << data;
      EXPECT_EQ(ours.failed, theirs->failed) << data;
    }
    return ours;
  }
  fs::path pub() const {
    return journal::public_key_path(db());
  }

  fs::path dir_;
};

using Checks = std::set<std::string>;

TEST_F(ExportAgreement, GoodExportsPassInBothFormatsWholeRangedAndFiltered) {
  for (const char* format : {"csv", "json"}) {
    auto whole = export_rows(std::string{"all."} + format, format, nullptr);
    EXPECT_EQ(both(whole, pub()).rc, 0) << format;
    auto filtered = export_rows(std::string{"alice."} + format, format,
                                [](QueryArgs& q) { q.person = "alice"; });
    EXPECT_EQ(both(filtered, pub()).rc, 0) << format;
    EXPECT_NE(slurp(filtered.string() + ".manifest.json").find("\"selection\": \"filtered\""),
              std::string::npos);
  }
  auto ranged = export_rows("range.csv", "csv", [](QueryArgs& q) { q.after_seq = 3; });
  EXPECT_EQ(both(ranged, pub()).rc, 0);
  EXPECT_NE(slurp(ranged.string() + ".manifest.json").find("\"selection\": \"contiguous\""),
            std::string::npos);
}

TEST_F(ExportAgreement, EveryTamperingIsFoundAndBothVerifiersNameTheSameChecks) {
  const auto data = export_rows("all.csv", "csv", nullptr);
  const auto manifest = data.string() + ".manifest.json";
  const std::string good = slurp(data), good_manifest = slurp(manifest);
  auto lines = [&] {
    std::vector<std::string> out;
    std::size_t pos = 0;
    while (pos < good.size()) {
      // Records end in CRLF outside quotes; the quoted detail of row 5 holds one.
      auto end = good.find("\r\n", pos);
      while (std::count(good.begin() + static_cast<long>(pos),
                        good.begin() + static_cast<long>(end), '"') %
             2)
        end = good.find("\r\n", end + 2);
      out.push_back(good.substr(pos, end + 2 - pos));
      pos = end + 2;
    }
    return out;
  }();
  ASSERT_EQ(lines.size(), 13u);  // header + 12 rows

  // An edited row: its own hash no longer matches (and the digest changes).
  std::string edited = good;
  edited.replace(edited.find(",bob,"), 5, ",eve,");
  spit(data, edited);
  EXPECT_EQ(both(data, pub()).failed, (Checks{"digest", "row_hash"}));

  // A row dropped from the middle of a contiguous export breaks the chain.
  std::string dropped;
  for (std::size_t i = 0; i < lines.size(); ++i)
    if (i != 7) dropped += lines[i];
  spit(data, dropped);
  EXPECT_EQ(both(data, pub()).failed, (Checks{"digest", "rows", "chain"}));

  // Truncated data: the last record is cut.
  spit(data, good.substr(0, good.size() - 40));
  EXPECT_EQ(both(data, pub()).failed, (Checks{"digest", "rows"}));

  // An edited manifest: the signature no longer verifies.
  spit(data, good);
  std::string m = good_manifest;
  m.replace(m.find("\"inspector\""), 11, "\"someone-else\"");
  spit(manifest, m);
  EXPECT_EQ(both(data, pub()).failed, (Checks{"signature"}));

  // The right files, checked with another gateway's key.
  spit(manifest, good_manifest);
  EXPECT_EQ(both(data, dir_ / "other.pub").failed, (Checks{"key", "signature", "checkpoint"}));

  // Untouched again: passes.
  EXPECT_EQ(both(data, pub()).rc, 0);
}

}  // namespace
}  // namespace vigil::ctl
