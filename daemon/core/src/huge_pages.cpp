#include "vigil/core/huge_pages.hpp"

#include <atomic>

namespace vigil::core {
namespace {

std::size_t whole_pages(std::size_t bytes) {
  return (bytes + kHugePageBytes - 1) & ~(kHugePageBytes - 1);
}

// Atomic: the roster watch builds directories on its own thread.
std::atomic<std::size_t> mapped_bytes{0};

}  // namespace

void* map_huge_table(std::size_t bytes) {
  const std::size_t size = whole_pages(bytes);
  // One huge page more than needed, so an aligned start lies inside; the
  // ends either side of it go back at once.
  void* raw = ::mmap(nullptr, size + kHugePageBytes, PROT_READ | PROT_WRITE,
                     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (raw == MAP_FAILED) throw std::bad_alloc();
  const auto start = reinterpret_cast<std::uintptr_t>(raw);
  const auto aligned = (start + kHugePageBytes - 1) & ~(std::uintptr_t{kHugePageBytes} - 1);
  // NOLINTBEGIN(performance-no-int-to-ptr): addresses inside the mapping
  if (aligned > start) ::munmap(raw, aligned - start);
  const std::uintptr_t tail = start + size + kHugePageBytes - (aligned + size);
  if (tail > 0) ::munmap(reinterpret_cast<void*>(aligned + size), tail);
  auto* table = reinterpret_cast<void*>(aligned);
  // NOLINTEND(performance-no-int-to-ptr)
  // Before the first write: the pages are then faulted in 2 MiB at a time
  // (where the kernel finds them; otherwise 4 KiB, as without the advice).
  ::madvise(table, size, MADV_HUGEPAGE);
  mapped_bytes.fetch_add(size, std::memory_order_relaxed);
  return table;
}

void unmap_huge_table(void* p, std::size_t bytes) {
  ::munmap(p, whole_pages(bytes));
  mapped_bytes.fetch_sub(whole_pages(bytes), std::memory_order_relaxed);
}

std::size_t mapped_huge_table_bytes() {
  return mapped_bytes.load(std::memory_order_relaxed);
}

}  // namespace vigil::core
