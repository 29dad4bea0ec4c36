#include "vigil/journal/latency_trace.hpp"

#include <sqlite3.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <mutex>

namespace vigil::journal {
namespace {

using Stage = LatencyTrace::Stage;
constexpr int kStages = static_cast<int>(Stage::count);

std::array<std::atomic<std::int64_t>, kStages> slots{};
std::FILE* out = nullptr;
std::mutex out_mutex;

std::int64_t now_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// The timing VFS: every call goes to the default VFS's file; a WAL file's
// xSync (SQLite's fdatasync at COMMIT under synchronous=FULL) is stamped.
struct TracedFile {
  sqlite3_file base;
  sqlite3_file* real;  // right after this struct, in the same allocation
  bool wal;
};

sqlite3_vfs* real_vfs = nullptr;
sqlite3_vfs traced_vfs{};
sqlite3_io_methods traced_methods{};

sqlite3_file* real_of(sqlite3_file* f) {
  return reinterpret_cast<TracedFile*>(f)->real;
}

int traced_sync(sqlite3_file* f, int flags) {
  auto* t = reinterpret_cast<TracedFile*>(f);
  if (t->wal) LatencyTrace::mark(Stage::sync_start);
  const int rc = t->real->pMethods->xSync(t->real, flags);
  if (t->wal) LatencyTrace::mark(Stage::sync_end);
  return rc;
}

int traced_close(sqlite3_file* f) {
  sqlite3_file* r = real_of(f);
  const int rc = r->pMethods ? r->pMethods->xClose(r) : SQLITE_OK;
  f->pMethods = nullptr;
  return rc;
}

// Forwarders for every other method, generated per signature.
template <auto Member, class R, class... A>
R forward(sqlite3_file* f, A... a) {
  sqlite3_file* r = real_of(f);
  return (r->pMethods->*Member)(r, a...);
}

template <class Sig>
struct Forward;
template <class R, class... A>
struct Forward<R (*)(sqlite3_file*, A...)> {
  template <auto Member>
  static R call(sqlite3_file* f, A... a) {
    return forward<Member, R, A...>(f, a...);
  }
};

#define VIGIL_FORWARD(name) \
  traced_methods.name =     \
      &Forward<decltype(sqlite3_io_methods::name)>::call<&sqlite3_io_methods::name>

int traced_open(sqlite3_vfs*, sqlite3_filename name, sqlite3_file* f, int flags, int* out_flags) {
  auto* t = reinterpret_cast<TracedFile*>(f);
  t->real = reinterpret_cast<sqlite3_file*>(t + 1);
  t->wal = (flags & SQLITE_OPEN_WAL) != 0;
  const int rc = real_vfs->xOpen(real_vfs, name, t->real, flags, out_flags);
  // No methods on failure: SQLite then does not call xClose.
  f->pMethods = (rc == SQLITE_OK && t->real->pMethods) ? &traced_methods : nullptr;
  return rc;
}

void install_vfs() {
  real_vfs = sqlite3_vfs_find(nullptr);
  traced_vfs = *real_vfs;
  traced_vfs.zName = "vigil-latency-trace";
  traced_vfs.szOsFile = static_cast<int>(sizeof(TracedFile)) + real_vfs->szOsFile;
  traced_vfs.pAppData = nullptr;
  traced_vfs.xOpen = &traced_open;
  // Every other VFS call (delete, access, full path, randomness, time) is
  // the default's own: they take the VFS but not a file.
  traced_methods.iVersion = 3;
  traced_methods.xClose = &traced_close;
  traced_methods.xSync = &traced_sync;
  VIGIL_FORWARD(xRead);
  VIGIL_FORWARD(xWrite);
  VIGIL_FORWARD(xTruncate);
  VIGIL_FORWARD(xFileSize);
  VIGIL_FORWARD(xLock);
  VIGIL_FORWARD(xUnlock);
  VIGIL_FORWARD(xCheckReservedLock);
  VIGIL_FORWARD(xFileControl);
  VIGIL_FORWARD(xSectorSize);
  VIGIL_FORWARD(xDeviceCharacteristics);
  VIGIL_FORWARD(xShmMap);
  VIGIL_FORWARD(xShmLock);
  VIGIL_FORWARD(xShmBarrier);
  VIGIL_FORWARD(xShmUnmap);
  VIGIL_FORWARD(xFetch);
  VIGIL_FORWARD(xUnfetch);
  sqlite3_vfs_register(&traced_vfs, 1);
}

#undef VIGIL_FORWARD

}  // namespace

std::atomic<bool> LatencyTrace::on_{false};

void LatencyTrace::start_from_env() {
  const char* path = std::getenv("VIGIL_LATENCY_TRACE");
  if (path == nullptr || *path == '\0' || on()) return;
  out = std::fopen(path, "a");
  if (out == nullptr) return;
  install_vfs();
  on_.store(true, std::memory_order_relaxed);
}

void LatencyTrace::stamp(Stage stage) {
  slots[static_cast<std::size_t>(stage)].store(now_us(), std::memory_order_relaxed);
}

void LatencyTrace::emit(std::uint64_t first, std::uint64_t last, int cache_miss, int cache_hit) {
  if (!on()) return;
  std::lock_guard lock(out_mutex);
  std::fprintf(out, "seqs %llu %llu miss %d hit %d stages", static_cast<unsigned long long>(first),
               static_cast<unsigned long long>(last), cache_miss, cache_hit);
  for (auto& slot : slots) std::fprintf(out, " %lld", static_cast<long long>(slot.exchange(0)));
  std::fputc('\n', out);
  std::fflush(out);
}

}  // namespace vigil::journal
