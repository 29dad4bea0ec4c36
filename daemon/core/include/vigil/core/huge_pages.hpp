// Huge pages for the tables decide() reads at random (issue 8: 2,000,000
// people). With 4 KiB pages a random read into a 30 MiB table misses the
// TLB nearly every time, and on a virtual machine the page walk that follows
// crosses the guest's and the host's tables. Transparent huge pages run in
// `madvise` mode on the gateways (and on this VM), so a table gets 2 MiB
// pages only when it asks before its memory is first touched: advising a
// vector after it was filled (as s21 did for the card slots) leaves its
// 4 KiB pages as they are until khugepaged gets round to them, if ever.
//
// HugePageAllocator gives a vector of 4 MiB or more its own mapping, aligned
// to 2 MiB and advised MADV_HUGEPAGE before the vector writes to it; smaller
// ones come from the ordinary heap. Stateless, so containers using it copy,
// move and swap as with std::allocator.
#pragma once

#include <sys/mman.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <new>

namespace vigil::core {

inline constexpr std::size_t kHugePageBytes = std::size_t{2} << 20;
// Below this a table takes a page or two of 2 MiB at most: the heap is fine.
inline constexpr std::size_t kHugeTableMinBytes = std::size_t{4} << 20;

// Asks the kernel to back [p, p + bytes) with 2 MiB pages where it can. Only
// the whole 2 MiB pages inside are advised, and pages already touched stay
// 4 KiB: call it before the memory is written (HugePageAllocator does).
inline void advise_huge_pages(const void* p, std::size_t bytes) {
  if (bytes < 2 * kHugePageBytes) return;
  const auto begin = (reinterpret_cast<std::uintptr_t>(p) + kHugePageBytes - 1) &
                     ~(std::uintptr_t{kHugePageBytes} - 1);
  const auto end =
      (reinterpret_cast<std::uintptr_t>(p) + bytes) & ~(std::uintptr_t{kHugePageBytes} - 1);
  // NOLINTNEXTLINE(performance-no-int-to-ptr): the address of the table itself
  if (end > begin) ::madvise(reinterpret_cast<void*>(begin), end - begin, MADV_HUGEPAGE);
}

// A fresh mapping of `bytes` (rounded up to 2 MiB), aligned to 2 MiB and
// advised for huge pages; std::bad_alloc when the kernel has no memory.
void* map_huge_table(std::size_t bytes);
void unmap_huge_table(void* p, std::size_t bytes);
// The bytes mapped by map_huge_table and not yet unmapped, process-wide:
// the heap the malloc statistics (mallinfo2) no longer see.
std::size_t mapped_huge_table_bytes();

template <class T>
struct HugePageAllocator {
  using value_type = T;
  HugePageAllocator() = default;
  template <class U>
  HugePageAllocator(const HugePageAllocator<U>& /*other*/) noexcept {}  // NOLINT: rebind

  T* allocate(std::size_t n) {
    if (n * sizeof(T) >= kHugeTableMinBytes) return static_cast<T*>(map_huge_table(n * sizeof(T)));
    return std::allocator<T>{}.allocate(n);
  }
  void deallocate(T* p, std::size_t n) noexcept {
    if (n * sizeof(T) >= kHugeTableMinBytes) {
      unmap_huge_table(p, n * sizeof(T));
    } else {
      std::allocator<T>{}.deallocate(p, n);
    }
  }
  template <class U>
  bool operator==(const HugePageAllocator<U>& /*other*/) const noexcept {
    return true;
  }
};

}  // namespace vigil::core
