// Broken: reads runtime arg 5 when fewer were set.
#include <cstdint>

void kernel_main() {
    const uint32_t value = get_arg_val<uint32_t>(5);
    (void)value;
}
