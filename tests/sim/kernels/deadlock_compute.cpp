// Broken: waits on c_1, which no kernel ever fills, so reader (c_0 full) and writer (c_16 empty)
// block too: a deadlock.
#include <cstdint>

#include "api/compute/cb_api.h"

void kernel_main() {
    cb_wait_front(tt::CBIndex::c_1, 1);
}
