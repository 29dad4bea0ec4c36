// Reset and the vector table for QEMU's mps2-an385 (Cortex-M3): copy .data,
// zero .bss, run the static constructors, call main. Every fault spins (a
// debugger or QEMU's monitor shows where).
#include <cstdint>

extern "C" {
extern std::uint32_t __data_load, __data_start, __data_end, __bss_start, __bss_end, __stack_top;
extern void (*__init_array_start[])();
extern void (*__init_array_end[])();
int main();
[[noreturn]] void Reset_Handler();
[[noreturn]] void Fault_Handler();
}

void Reset_Handler() {
  const std::uint32_t* src = &__data_load;
  for (std::uint32_t* dst = &__data_start; dst < &__data_end;) *dst++ = *src++;
  for (std::uint32_t* dst = &__bss_start; dst < &__bss_end;) *dst++ = 0;
  for (auto** f = __init_array_start; f < __init_array_end; ++f) (*f)();
  main();
  for (;;) {
  }
}

// The core's only way out (a failed std::variant access): stop here rather
// than pull in newlib's signal machinery, which allocates.
extern "C" [[noreturn]] void abort() {
  for (;;) {
  }
}

void Fault_Handler() {
  for (;;) {
  }
}

using Vector = void (*)();

// Entry 0 is the initial stack pointer, then the Cortex-M3 exceptions up to
// SysTick (15). No interrupt is used: the board layer polls.
extern "C" __attribute__((section(".isr_vector"), used)) const Vector vector_table[16] = {
    reinterpret_cast<Vector>(&__stack_top),
    Reset_Handler,
    Fault_Handler,  // NMI
    Fault_Handler,  // HardFault
    Fault_Handler,  // MemManage
    Fault_Handler,  // BusFault
    Fault_Handler,  // UsageFault
    nullptr,
    nullptr,
    nullptr,
    nullptr,
    Fault_Handler,  // SVCall
    Fault_Handler,  // DebugMonitor
    nullptr,
    Fault_Handler,  // PendSV
    Fault_Handler,  // SysTick
};
