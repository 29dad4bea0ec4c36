// Linked into every bench. A bench compiled without optimisation (a tree
// configured with VIGIL_TEST_OPT=-O0, as CI's are) measures slower code than
// vigild runs: the linker may give the -O2 libraries the bench's -O0 copies
// of shared inline functions (s22-export found std::string's in the export's
// hot loop). So such a bench says so before it prints a figure.
#include <cstdio>

namespace {
#ifndef __OPTIMIZE__
[[maybe_unused]] const bool warned_unoptimised = [] {
  std::fputs(
      "warning: this bench was compiled without optimisation; its figures are "
      "pessimistic. Measure from a tree configured with VIGIL_TEST_OPT=-O2 (the default).\n",
      stderr);
  return true;
}();
#endif
}  // namespace
