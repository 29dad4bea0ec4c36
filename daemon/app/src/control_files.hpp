// Files an operator sent with a control request (a people CSV), written to
// a private folder (mode 0700) for the command to read as a path, and
// removed after the command. Their names are plain base names
// (ctl::parse_request refuses anything else), so nothing lands outside it.
#pragma once

#include <stdlib.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <ostream>
#include <string>

namespace vigil::app {

class ControlFiles {
 public:
  explicit ControlFiles(const std::map<std::string, std::string>& files) {
    if (files.empty()) return;
    std::string pattern = (std::filesystem::temp_directory_path() / "vigild-files-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) return;  // has_sent() reports it
    dir_ = pattern;
    for (const auto& [name, bytes] : files) {
      std::ofstream out(std::filesystem::path(dir_) / name, std::ios::binary);
      out << bytes;
    }
  }
  ~ControlFiles() {
    std::error_code ec;
    if (!dir_.empty()) std::filesystem::remove_all(dir_, ec);
  }
  ControlFiles(const ControlFiles&) = delete;
  ControlFiles& operator=(const ControlFiles&) = delete;

  // Where the sent files are; a path that does not exist when none were sent.
  std::string dir() const { return dir_.empty() ? kNone : dir_; }

  // A command that reads a file (person, trip, visit import) needs it sent:
  // true when it has it, or reads none (`path` empty).
  bool has_sent(const std::optional<std::string>& path, std::ostream& err) const {
    if (!path) return true;
    std::error_code ec;
    if (!dir_.empty() && std::filesystem::is_regular_file(*path, ec)) return true;
    err << "vigild: send the file's content with the request (vigilctl does); vigild does not "
           "read the operator's files\n";
    return false;
  }

  // The command's output as the operator should see it: file names without
  // the private folder.
  std::string hide_dir(std::string text) const {
    const std::string prefix = dir() + "/";
    for (auto at = text.find(prefix); at != std::string::npos; at = text.find(prefix, at)) {
      text.erase(at, prefix.size());
    }
    return text;
  }

 private:
  static constexpr const char* kNone = "/nonexistent/vigild-files";
  std::string dir_;
};

}  // namespace vigil::app
