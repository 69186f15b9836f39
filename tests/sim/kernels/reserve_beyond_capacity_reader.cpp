// Broken: reserves 4 pages of a 2-page CB.
#include <cstdint>

void kernel_main() {
    cb_reserve_back(tt::CBIndex::c_0, 4);
}
