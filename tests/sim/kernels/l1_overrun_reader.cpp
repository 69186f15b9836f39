// Broken: writes through a pointer just past the end of this core's 1.5 MB L1.
#include <cstdint>

void kernel_main() {
    const uint32_t end = get_write_ptr(tt::CBIndex::c_0) + 1536 * 1024;
    *reinterpret_cast<volatile uint32_t*>(end) = 1;
}
