// Element-wise SFPU unary compute: c_16[i] = OP(c_0[i]). The defines SFPU_OP_INCLUDE(_2) (headers),
// SFPU_OP_INIT and SFPU_OP (e.g. exp_tile_init() / exp_tile(0)) choose the op, as in tt-metal's
// eltwise_sfpu example. Runtime args: n tiles.
#include <cstdint>

#include "api/compute/cb_api.h"
#include "api/compute/compute_kernel_api.h"
#include "api/compute/compute_kernel_hw_startup.h"
#include "api/compute/pack.h"
#include "api/compute/reg_api.h"
#include "api/compute/tile_move_copy.h"
#ifdef SFPU_OP_INCLUDE
#include SFPU_OP_INCLUDE
#endif
#ifdef SFPU_OP_INCLUDE_2
#include SFPU_OP_INCLUDE_2
#endif

void kernel_main() {
    const uint32_t n_tiles = get_arg_val<uint32_t>(0);
    constexpr auto cb_in = tt::CBIndex::c_0;
    constexpr auto cb_out = tt::CBIndex::c_16;

    compute_kernel_hw_startup(cb_in, cb_out);
    copy_init(cb_in);
    SFPU_OP_INIT;

    for (uint32_t i = 0; i < n_tiles; ++i) {
        cb_wait_front(cb_in, 1);
        tile_regs_acquire();
        copy_tile(cb_in, 0, 0);
        SFPU_OP;
        tile_regs_commit();
        cb_pop_front(cb_in, 1);

        cb_reserve_back(cb_out, 1);
        tile_regs_wait();
        pack_tile(0, cb_out);
        tile_regs_release();
        cb_push_back(cb_out, 1);
    }
}
