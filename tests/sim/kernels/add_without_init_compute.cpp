// Broken: add_tiles after copy_init, without add_init.
#include <cstdint>

#include "api/compute/cb_api.h"
#include "api/compute/compute_kernel_hw_startup.h"
#include "api/compute/eltwise_binary.h"
#include "api/compute/reg_api.h"
#include "api/compute/tile_move_copy.h"

void kernel_main() {
    compute_kernel_hw_startup(tt::CBIndex::c_0, tt::CBIndex::c_16);
    copy_init(tt::CBIndex::c_0);
    cb_wait_front(tt::CBIndex::c_0, 1);
    tile_regs_acquire();
    add_tiles(tt::CBIndex::c_0, tt::CBIndex::c_0, 0, 0, 0);
}
