// Packs each tile twice into the same output page, the second time with L1 accumulation on:
// the page ends up holding twice the tile. Out-of-order packing names the page: in-order packing
// would advance to the next page. Runtime args: n tiles.
#include <cstdint>

#include "api/compute/common.h"
#include "api/compute/tile_move_copy.h"

void kernel_main() {
    const uint32_t n_tiles = get_arg_val<uint32_t>(0);
    compute_kernel_hw_startup(tt::CBIndex::c_0, tt::CBIndex::c_16);
    copy_init(tt::CBIndex::c_0);
    for (uint32_t i = 0; i < n_tiles; ++i) {
        cb_wait_front(tt::CBIndex::c_0, 1);
        tile_regs_acquire();
        copy_tile(tt::CBIndex::c_0, 0, 0);
        tile_regs_commit();
        cb_pop_front(tt::CBIndex::c_0, 1);
        cb_reserve_back(tt::CBIndex::c_16, 1);
        tile_regs_wait();
        pack_reconfig_l1_acc(0);
        pack_tile<true>(0, tt::CBIndex::c_16, 0);
        pack_reconfig_l1_acc(1);
        pack_tile<true>(0, tt::CBIndex::c_16, 0);
        tile_regs_release();
        cb_push_back(tt::CBIndex::c_16, 1);
    }
}
