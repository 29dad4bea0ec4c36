// The vigilctl front's socket cache: it answers only for the very config
// file the full tool loaded, and only from a file the operator alone could
// have written.
#include <gtest/gtest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>

#include "vigil/ctl/control_client.hpp"
#include "vigil/ctl/socket_cache.hpp"

namespace vigil::ctl {
namespace {

namespace fs = std::filesystem;

// A private folder under /tmp, removed with its files.
class Folder {
 public:
  explicit Folder(const char* prefix = "vigil-socket-cache") {
    std::string name = (fs::temp_directory_path() / (std::string(prefix) + "-XXXXXX")).string();
    if (::mkdtemp(name.data()) == nullptr) throw std::runtime_error("mkdtemp");
    path_ = name;
  }
  ~Folder() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  Folder(const Folder&) = delete;
  Folder& operator=(const Folder&) = delete;
  const fs::path& path() const { return path_; }
  fs::path file(const char* name) const { return path_ / name; }

 private:
  fs::path path_;
};

// Points the cache at a private folder for one test and puts the
// environment back after it.
class CacheFolder {
 public:
  CacheFolder() {
    if (const char* old = std::getenv("XDG_RUNTIME_DIR")) saved_ = old;
    ::setenv("XDG_RUNTIME_DIR", dir_.path().c_str(), 1);
  }
  ~CacheFolder() {
    if (saved_) {
      ::setenv("XDG_RUNTIME_DIR", saved_->c_str(), 1);
    } else {
      ::unsetenv("XDG_RUNTIME_DIR");
    }
  }
  fs::path file() const { return dir_.file("vigilctl-sockets"); }

 private:
  Folder dir_;
  std::optional<std::string> saved_;
};

// A site config written an hour ago (as far as its mtime says): settled.
fs::path settled_config(const Folder& dir, const std::string& socket) {
  const auto path = dir.file("site.yaml");
  std::ofstream(path) << "site: { id: hq, gateway: gw1, time_zone: UTC }\n"
                      << "journal: { path: journal.db }\n"
                      << "control: { socket: " << socket << " }\n";
  fs::last_write_time(path, fs::file_time_type::clock::now() - std::chrono::hours(1));
  return path;
}

TEST(SocketCache, RemembersTheSocketOfTheConfigFileThatWasLoaded) {
  CacheFolder cache;
  Folder dir;
  const auto config = settled_config(dir, "run/vigild.sock");
  remember_socket(*config_identity(config.string()), "/srv/site/run/vigild.sock");
  EXPECT_EQ(cached_socket(config.string()), "/srv/site/run/vigild.sock");
  // The same file typed as another path is another entry (relative paths
  // in it resolve from where it was found).
  EXPECT_EQ(cached_socket(dir.path().string() + "/./site.yaml"), std::nullopt);
}

TEST(SocketCache, AnEditedConfigIsAMissEvenWithItsOldSizeAndTime) {
  CacheFolder cache;
  Folder dir;
  const auto config = settled_config(dir, "run/vigild.sock");
  remember_socket(*config_identity(config.string()), "/srv/site/run/vigild.sock");
  const auto mtime = fs::last_write_time(config);
  const auto size = fs::file_size(config);
  settled_config(dir, "run/vigilx.sock");  // the same length
  fs::last_write_time(config, mtime);      // and the old time put back
  ASSERT_EQ(fs::file_size(config), size);
  EXPECT_EQ(cached_socket(config.string()), std::nullopt);
}

TEST(SocketCache, AConfigWrittenJustNowIsNotRemembered) {
  // Two edits inside one tick of the kernel's file clock could share a
  // time and a size: only a file older than that is remembered.
  CacheFolder cache;
  Folder dir;
  const auto config = dir.file("site.yaml");
  std::ofstream(config) << "site: { id: hq, gateway: gw1, time_zone: UTC }\n";
  remember_socket(*config_identity(config.string()), "/run/vigild.sock");
  EXPECT_EQ(cached_socket(config.string()), std::nullopt);
}

TEST(SocketCache, OnlyTheTextItWritesMatchesNotAnEqualNumberSpelledAnotherWay) {
  // A line whose device reads "0<device>" names the same number, but the
  // cache was never written that way: it is a miss, and the full tool runs.
  CacheFolder cache;
  Folder dir;
  const auto config = settled_config(dir, "run/vigild.sock");
  const auto id = *config_identity(config.string());
  remember_socket(id, "/run/vigild.sock");
  ASSERT_EQ(cached_socket(config.string()), "/run/vigild.sock");
  std::stringstream text;
  text << std::ifstream(cache.file()).rdbuf();
  std::string edited = text.str();
  const std::string field = "\t" + std::to_string(id.device) + "\t";
  const auto at = edited.find(field);
  ASSERT_NE(at, std::string::npos);
  for (const char* spelling : {"\t0", "\t+", "\t "}) {
    std::string variant = edited;
    variant.replace(at, 1, spelling);
    std::ofstream(cache.file(), std::ios::trunc) << variant;
    EXPECT_EQ(cached_socket(config.string()), std::nullopt) << spelling;
  }
  std::ofstream(cache.file(), std::ios::trunc) << edited;
  EXPECT_EQ(cached_socket(config.string()), "/run/vigild.sock");
}

TEST(SocketCache, ACacheFileOthersCouldHaveWrittenIsIgnored) {
  // Another user's entry could aim an import's CSV at their own socket.
  CacheFolder cache;
  Folder dir;
  const auto config = settled_config(dir, "run/vigild.sock");
  remember_socket(*config_identity(config.string()), "/run/vigild.sock");
  ASSERT_EQ(cached_socket(config.string()), "/run/vigild.sock");
  ::chmod(cache.file().c_str(), 0620);
  EXPECT_EQ(cached_socket(config.string()), std::nullopt);
}

TEST(SocketCache, TheFullToolsLoadFillsItAndAMissSendsTheFrontToTheFullTool) {
  CacheFolder cache;
  Folder dir;
  const auto config = settled_config(dir, "vigild.sock");  // nobody listens there
  std::ostringstream out, err;
  // The front knows nothing yet: it hands the command to the full tool.
  EXPECT_EQ(run_through_daemon_cached({"log", "query", "--config", config.string()}, out, err),
            std::nullopt);
  EXPECT_FALSE(fs::exists(cache.file()));
  // The full tool loads the config (vigild is not running: it runs locally)
  // and remembers the socket the config names, resolved from its folder.
  EXPECT_EQ(run_through_daemon({"log", "query", "--config", config.string()}, out, err),
            std::nullopt);
  EXPECT_EQ(cached_socket(config.string()), (dir.path() / "vigild.sock").string());
  EXPECT_EQ(out.str(), "");
  EXPECT_EQ(err.str(), "");
}

TEST(SocketCache, AnUnreadableConfigIsNeitherLoadedNorRemembered) {
  CacheFolder cache;
  Folder dir;
  const auto config = dir.file("site.yaml");
  std::ofstream(config) << "site: [this is not a site\n";
  fs::last_write_time(config, fs::file_time_type::clock::now() - std::chrono::hours(1));
  std::ostringstream out, err;
  EXPECT_EQ(run_through_daemon({"log", "query", "--config", config.string()}, out, err),
            std::nullopt);
  EXPECT_FALSE(fs::exists(cache.file()));
}

}  // namespace
}  // namespace vigil::ctl
