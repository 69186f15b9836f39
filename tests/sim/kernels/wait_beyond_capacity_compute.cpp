// Broken: waits for 3 pages of a 2-page CB, which can never arrive.
#include <cstdint>

#include "api/compute/cb_api.h"

void kernel_main() {
    cb_wait_front(tt::CBIndex::c_0, 3);
}
