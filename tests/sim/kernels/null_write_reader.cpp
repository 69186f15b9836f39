// Broken: writes through a null pointer.
#include <cstdint>

void kernel_main() {
    volatile uint32_t* p = reinterpret_cast<volatile uint32_t*>(get_arg_val<uint32_t>(0));
    *p = 1;
}
