// Broken: unbounded recursion with a large frame overflows the kernel stack.
#include <cstdint>

uint32_t deep(uint32_t n) {
    volatile uint8_t frame[4096];
    frame[0] = static_cast<uint8_t>(n);
    return deep(n + 1) + frame[0];
}

void kernel_main() { deep(get_arg_val<uint32_t>(1)); }
