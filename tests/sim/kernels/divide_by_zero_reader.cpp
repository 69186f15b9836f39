// Broken: integer division by zero.
#include <cstdint>

void kernel_main() {
    volatile uint32_t zero = 0;
    volatile uint32_t q = get_arg_val<uint32_t>(1) / zero;
    (void)q;
}
