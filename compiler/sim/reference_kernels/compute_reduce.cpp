// Reduce compute (after tt-metal's reduce kernels): for each of n groups, reduce_tile folds the
// group's tiles from c_0 into one DST tile, with the scaler tile of c_2, and packs it to c_16.
// Defines REDUCE_OP (PoolType::SUM / PoolType::MAX) and REDUCE_DIM (ReduceDim::REDUCE_ROW / COL /
// SCALAR). Runtime args: n groups, tiles per group.
#include <cstdint>

#include "api/compute/cb_api.h"
#include "api/compute/compute_kernel_hw_startup.h"
#include "api/compute/pack.h"
#include "api/compute/reduce.h"
#include "api/compute/reg_api.h"

void kernel_main() {
    const uint32_t n_groups = get_arg_val<uint32_t>(0);
    const uint32_t group_size = get_arg_val<uint32_t>(1);
    constexpr auto cb_in = tt::CBIndex::c_0;
    constexpr auto cb_scaler = tt::CBIndex::c_2;
    constexpr auto cb_out = tt::CBIndex::c_16;

    compute_kernel_hw_startup(cb_in, cb_scaler, cb_out);
    reduce_init<REDUCE_OP, REDUCE_DIM>(cb_in, cb_scaler, cb_out);
    cb_wait_front(cb_scaler, 1);

    for (uint32_t g = 0; g < n_groups; ++g) {
        tile_regs_acquire();
        for (uint32_t i = 0; i < group_size; ++i) {
            cb_wait_front(cb_in, 1);
            reduce_tile<REDUCE_OP, REDUCE_DIM>(cb_in, cb_scaler, 0, 0, 0);
            cb_pop_front(cb_in, 1);
        }
        tile_regs_commit();

        cb_reserve_back(cb_out, 1);
        tile_regs_wait();
        pack_tile(0, cb_out);
        tile_regs_release();
        cb_push_back(cb_out, 1);
    }
    cb_pop_front(cb_scaler, 1);
}
