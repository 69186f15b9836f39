// Copies tiles two at a time and packs both into one reservation with the default (in-order)
// pack_tile, passing no page index, as tt-metal kernels do: the tiles must land on consecutive
// pages. Runtime args: n tiles (even).
#include <cstdint>

#include "api/compute/common.h"
#include "api/compute/tile_move_copy.h"

void kernel_main() {
    const uint32_t n_tiles = get_arg_val<uint32_t>(0);
    compute_kernel_hw_startup(tt::CBIndex::c_0, tt::CBIndex::c_16);
    copy_init(tt::CBIndex::c_0);
    for (uint32_t i = 0; i < n_tiles; i += 2) {
        cb_wait_front(tt::CBIndex::c_0, 2);
        tile_regs_acquire();
        copy_tile(tt::CBIndex::c_0, 0, 0);
        copy_tile(tt::CBIndex::c_0, 1, 1);
        tile_regs_commit();
        cb_pop_front(tt::CBIndex::c_0, 2);
        cb_reserve_back(tt::CBIndex::c_16, 2);
        tile_regs_wait();
        pack_tile(0, tt::CBIndex::c_16);
        pack_tile(1, tt::CBIndex::c_16);
        tile_regs_release();
        cb_push_back(tt::CBIndex::c_16, 2);
    }
}
