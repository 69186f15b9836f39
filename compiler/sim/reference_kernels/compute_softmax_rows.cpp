// Row softmax of 32-wide tiles (after the structure of tt-metal's softmax kernels): per tile,
// the row max (reduce MAX, ROW) is subtracted with a column broadcast, exp is applied, the row
// sum (reduce SUM, ROW) is inverted with recip, and multiplied back with a column broadcast.
// CBs: c_0 input, c_2 scaler (1.0), c_24 row max, c_25 exp, c_26 1/sum, c_16 output.
// Runtime args: n tiles.
#include <cstdint>

#include "api/compute/bcast.h"
#include "api/compute/common.h"
#include "api/compute/eltwise_unary/exp.h"
#include "api/compute/eltwise_unary/recip.h"
#include "api/compute/reduce.h"

namespace {
constexpr auto cb_in = tt::CBIndex::c_0;
constexpr auto cb_scaler = tt::CBIndex::c_2;
constexpr auto cb_max = tt::CBIndex::c_24;
constexpr auto cb_exp = tt::CBIndex::c_25;
constexpr auto cb_inv_sum = tt::CBIndex::c_26;
constexpr auto cb_out = tt::CBIndex::c_16;

// Packs DST tile 0 into one new page of `cb` and ends the DST section.
void pack_to(uint32_t cb) {
    tile_regs_commit();
    cb_reserve_back(cb, 1);
    tile_regs_wait();
    pack_tile(0, cb);
    tile_regs_release();
    cb_push_back(cb, 1);
}
}  // namespace

void kernel_main() {
    const uint32_t n_tiles = get_arg_val<uint32_t>(0);
    compute_kernel_hw_startup(cb_in, cb_scaler, cb_out);
    exp_tile_init();
    recip_tile_init();
    cb_wait_front(cb_scaler, 1);

    for (uint32_t t = 0; t < n_tiles; ++t) {
        cb_wait_front(cb_in, 1);
        reduce_init<PoolType::MAX, ReduceDim::REDUCE_ROW>(cb_in, cb_scaler, cb_max);
        tile_regs_acquire();
        reduce_tile<PoolType::MAX, ReduceDim::REDUCE_ROW>(cb_in, cb_scaler, 0, 0, 0);
        pack_to(cb_max);

        cb_wait_front(cb_max, 1);
        sub_bcast_cols_init(cb_in, cb_max);
        tile_regs_acquire();
        sub_tiles_bcast_cols(cb_in, cb_max, 0, 0, 0);
        exp_tile(0);
        pack_to(cb_exp);
        cb_pop_front(cb_in, 1);
        cb_pop_front(cb_max, 1);

        cb_wait_front(cb_exp, 1);
        reduce_init<PoolType::SUM, ReduceDim::REDUCE_ROW>(cb_exp, cb_scaler, cb_inv_sum);
        tile_regs_acquire();
        reduce_tile<PoolType::SUM, ReduceDim::REDUCE_ROW>(cb_exp, cb_scaler, 0, 0, 0);
        recip_tile(0);
        pack_to(cb_inv_sum);

        cb_wait_front(cb_inv_sum, 1);
        mul_bcast_cols_init(cb_exp, cb_inv_sum);
        tile_regs_acquire();
        mul_tiles_bcast_cols(cb_exp, cb_inv_sum, 0, 0, 0);
        pack_to(cb_out);
        cb_pop_front(cb_exp, 1);
        cb_pop_front(cb_inv_sum, 1);
    }
    cb_pop_front(cb_scaler, 1);
}
