// A private directory under /tmp for one test: created with mkdtemp, so two
// tests running in parallel never share files, and removed with everything in
// it when the TempDir goes out of scope.
#pragma once

#include <filesystem>
#include <string_view>

namespace vigil::testing {

class TempDir {
 public:
  // Creates /tmp/<prefix>-XXXXXX. Throws std::system_error if it cannot.
  explicit TempDir(std::string_view prefix = "vigil-test");
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }
  // path() / name, for files the test wants to create.
  std::filesystem::path file(std::string_view name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

}  // namespace vigil::testing
