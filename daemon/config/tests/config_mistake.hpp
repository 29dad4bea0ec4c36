#pragma once
// The site-file mistake tests of the config loader: a valid base file with
// one text replaced must fail to load with exactly the expected diagnostics,
// each naming the file, line and column.

#include <gtest/gtest.h>

#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "vigil/config/load.hpp"

namespace vigil::config::mistake {

struct Case {
  const char* name;
  const char* find;  // must occur in the base file; the first occurrence is replaced
  const char* replace;
  std::vector<std::string> expected;  // "line:col: message", file name added
};

inline void PrintTo(const Case& c, std::ostream* os) {
  *os << c.name;
}

// gtest names each instance after its case.
inline std::string case_name(const testing::TestParamInfo<Case>& info) {
  return info.param.name;
}

// Loads `base` with c.find replaced by c.replace as the file `path`, and
// checks it fails with c.expected's diagnostics, in order, each prefixed by
// the path.
inline void expect_reported(std::string_view base, const Case& c, const std::string& path) {
  std::string text{base};
  const auto at = text.find(c.find);
  ASSERT_NE(at, std::string::npos) << c.find;
  text.replace(at, std::string_view(c.find).size(), c.replace);
  auto result = load_site_config_from_string(text, path);
  ASSERT_FALSE(result.ok());
  std::vector<std::string> got;
  for (const auto& d : result.diagnostics()) got.push_back(to_string(d));
  std::vector<std::string> expected;
  for (const auto& e : c.expected) expected.push_back(path + ":" + e);
  EXPECT_EQ(got, expected);
}

}  // namespace vigil::config::mistake
