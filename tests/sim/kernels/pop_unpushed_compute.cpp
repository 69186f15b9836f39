// Broken: pops a page of c_1, which nobody pushes.
#include <cstdint>

#include "api/compute/cb_api.h"

void kernel_main() {
    cb_pop_front(tt::CBIndex::c_1, 1);
}
