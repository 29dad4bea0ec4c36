# Build-time measures (docs/design.md, "CI build time"): a faster linker, one
# precompiled gtest header shared by every test executable, unity batches for
# test executables, and -g1 on request. None changes a warning or a sanitizer
# flag: only how fast the same build runs.
include(CheckLinkerFlag)

# VIGIL_LINKER: auto picks lld, then gold (binutils, always there), else the
# compiler's default (bfd). Links of the -g test executables are 2-4x faster.
set(VIGIL_LINKER auto CACHE STRING "Linker for -fuse-ld= (auto, lld, mold, gold, bfd, default)")
if(VIGIL_LINKER STREQUAL "auto")
  foreach(candidate lld gold)
    check_linker_flag(CXX -fuse-ld=${candidate} VIGIL_HAVE_LD_${candidate})
    if(VIGIL_HAVE_LD_${candidate})
      set(vigil_linker ${candidate})
      break()
    endif()
  endforeach()
elseif(NOT VIGIL_LINKER STREQUAL "default")
  set(vigil_linker ${VIGIL_LINKER})
endif()
if(vigil_linker)
  message(STATUS "Linking with -fuse-ld=${vigil_linker}")
  add_link_options(-fuse-ld=${vigil_linker})
endif()

# VIGIL_DEBUG_INFO=lines: -g1 (functions and line tables, no variables) for
# RelWithDebInfo and Debug. CI's normal and ASan builds use it: -g was a
# quarter of every -O2 compile and a tenth of an ASan one, and nobody opens
# CI's binaries in a debugger; backtraces and sanitizer reports keep function
# names and lines. Developers' builds keep full -g.
set(VIGIL_DEBUG_INFO full CACHE STRING "Debug info of RelWithDebInfo and Debug builds: full (-g) or lines (-g1)")
set_property(CACHE VIGIL_DEBUG_INFO PROPERTY STRINGS full lines)
if(VIGIL_DEBUG_INFO STREQUAL "lines")
  add_compile_options($<$<OR:$<CONFIG:RelWithDebInfo>,$<CONFIG:Debug>>:-g1>)
elseif(NOT VIGIL_DEBUG_INFO STREQUAL "full")
  message(FATAL_ERROR "VIGIL_DEBUG_INFO must be full or lines, not ${VIGIL_DEBUG_INFO}")
endif()

# VIGIL_TEST_OPT: optimisation of test code in RelWithDebInfo builds. Test
# TUs spent ~60% of their compile in -O2 code generation for gtest macros;
# the libraries under test keep -O2 (and the ASan build is -O0 throughout).
set(VIGIL_TEST_OPT -O2 CACHE STRING "Optimisation flag for test executables in RelWithDebInfo")
set(vigil_test_opt $<$<CONFIG:RelWithDebInfo>:${VIGIL_TEST_OPT}>)

# VIGIL_PCH: every test TU parses gtest (and gmock, <filesystem>, ...) again,
# about 2 s each; one precompiled header, built once per build tree and reused
# by all test executables, parses it once. Off by default under ccache, which
# does not cache TUs that use a PCH unless its sloppiness is loosened.
set(vigil_pch_default ON)
if("${CMAKE_CXX_COMPILER_LAUNCHER}" MATCHES "ccache")
  set(vigil_pch_default OFF)
endif()
option(VIGIL_PCH "Precompile gtest/gmock once for all test executables" ${vigil_pch_default})

if(VIGIL_PCH)
  file(CONFIGURE OUTPUT ${PROJECT_BINARY_DIR}/vigil_test_pch.cpp
       CONTENT "// The target that owns the test executables' precompiled header.\n")
  add_library(vigil_test_pch OBJECT ${PROJECT_BINARY_DIR}/vigil_test_pch.cpp)
  # Same usage requirements as a test executable, so GCC accepts the PCH there
  # (-Winvalid-pch stays quiet; a mismatch would only fall back to parsing).
  target_link_libraries(vigil_test_pch PRIVATE GTest::gtest GTest::gmock)
  target_compile_options(vigil_test_pch PRIVATE ${vigil_test_opt})
  target_compile_definitions(vigil_test_pch PRIVATE
    VIGIL_SOURCE_DIR="${PROJECT_SOURCE_DIR}"
    VIGIL_BINARY_DIR="${PROJECT_BINARY_DIR}")
  target_precompile_headers(vigil_test_pch PRIVATE
    <gtest/gtest.h> <gmock/gmock.h>
    <algorithm> <chrono> <filesystem> <fstream> <map> <optional> <sstream> <string>
    <thread> <vector>)
endif()

# VIGIL_UNITY_TESTS: a test executable's sources are compiled in batches of
# up to 8 files per TU (CMake unity build). At -O2 each test TU generated and
# optimized its own copy of every gtest template and inline function it used;
# a batch does it once: vigil_core_tests' 11 TUs took 57 s of CPU apart and 24 s
# as one. Test files must therefore not define two different things by the
# same name at file scope (anonymous namespaces included) nor leave macros or
# using-directives behind; a clash is a compile error. Every test executable
# is built this way: a file whose helpers would clash with another file's
# wraps them in a namespace named after the file (namespace decoder_test
# instead of namespace {), and a file that cannot join at all can be left out
# with the source property SKIP_UNITY_BUILD_INCLUSION. Libraries: below.
option(VIGIL_UNITY_TESTS "Compile each test executable's sources in unity batches" ON)

# VIGIL_UNITY_LIBS: every other target with C++ sources (libraries, vigild,
# vigilctl, vigil-sim, benches, helper executables) is compiled in unity
# batches of VIGIL_UNITY_LIBS_BATCH files too. Their TUs each parsed and
# instantiated the same heavy headers (nlohmann/json, spdlog/fmt, Boost.Asio,
# SQLite wrappers, CLI11) again; a batch does it once. Library sources follow
# the test files' rule: file-scope helpers with a name another file of the
# same target also uses go into a namespace named after the file
# (namespace <file stem>_impl {). Set by a deferred call at the end of the
# top-level CMakeLists.txt, so no folder's CMakeLists.txt needs to know.
option(VIGIL_UNITY_LIBS "Compile libraries and executables in unity batches" ON)
set(VIGIL_UNITY_LIBS_BATCH 8 CACHE STRING "Files per unity batch of a library or executable")

function(vigil_unity_targets_in dir)
  get_property(targets DIRECTORY ${dir} PROPERTY BUILDSYSTEM_TARGETS)
  foreach(target ${targets})
    get_target_property(type ${target} TYPE)
    get_target_property(unity ${target} UNITY_BUILD)
    if(type MATCHES "^(STATIC_LIBRARY|SHARED_LIBRARY|OBJECT_LIBRARY|EXECUTABLE)$" AND NOT unity
       AND NOT target STREQUAL "vigil_test_pch")
      set_target_properties(${target} PROPERTIES UNITY_BUILD ON
                                                 UNITY_BUILD_BATCH_SIZE ${VIGIL_UNITY_LIBS_BATCH})
    endif()
    # Benches are compiled (with -Werror) but never run in CI: their own code
    # gets the test code's optimisation (-O0 in CI); the libraries they
    # measure keep -O2. Run benches from a default build (VIGIL_TEST_OPT=-O2).
    if(dir STREQUAL "${PROJECT_SOURCE_DIR}/bench" AND type STREQUAL "EXECUTABLE")
      set_property(TARGET ${target} APPEND PROPERTY COMPILE_OPTIONS ${vigil_test_opt})
    endif()
  endforeach()
  get_property(subdirs DIRECTORY ${dir} PROPERTY SUBDIRECTORIES)
  foreach(subdir ${subdirs})
    vigil_unity_targets_in(${subdir})
  endforeach()
endfunction()

if(VIGIL_UNITY_LIBS)
  cmake_language(DEFER DIRECTORY ${PROJECT_SOURCE_DIR} CALL vigil_unity_targets_in ${PROJECT_SOURCE_DIR})
endif()

# Called by vigil_add_tests() for each test executable.
function(vigil_speed_up_tests name)
  target_compile_options(${name} PRIVATE ${vigil_test_opt})
  if(VIGIL_PCH)
    target_precompile_headers(${name} REUSE_FROM vigil_test_pch)
    # GCC 12 misreports std::string concatenations of literals as
    # -Warray-bounds / -Wstringop-overflow / -Wstringop-overread errors when std headers come from
    # the PCH, depending on the literals' lengths (so on the checkout's path
    # through VIGIL_SOURCE_DIR). Test code only; the libraries keep them.
    if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
      target_compile_options(${name} PRIVATE -Wno-array-bounds -Wno-stringop-overflow
                                             -Wno-stringop-overread)
    endif()
  endif()
  if(VIGIL_UNITY_TESTS)
    set_target_properties(${name} PROPERTIES UNITY_BUILD ON UNITY_BUILD_BATCH_SIZE 8)
  endif()
endfunction()
