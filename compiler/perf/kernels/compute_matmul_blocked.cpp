// Blocked matmul compute (after tt-metal's bmm_large_block_zm): per output block and K block,
// each output subblock (sub_h x sub_w tiles, at most the DST capacity) reloads its partial sums
// from c_24 (after the first K block), accumulates bk matmul_tiles per tile in DST, and packs to
// c_24 — or, on the last K block, straight to the output CB c_16.
// Runtime args: bm, bn, bk, Kt, sub_h, sub_w, number of blocks.
#include <cstdint>

#include "api/compute/cb_api.h"
#include "api/compute/compute_kernel_hw_startup.h"
#include "api/compute/matmul.h"
#include "api/compute/pack.h"
#include "api/compute/reg_api.h"
#include "api/compute/tile_move_copy.h"

void kernel_main() {
    const uint32_t bm = get_arg_val<uint32_t>(0);
    const uint32_t bn = get_arg_val<uint32_t>(1);
    const uint32_t bk = get_arg_val<uint32_t>(2);
    const uint32_t Kt = get_arg_val<uint32_t>(3);
    const uint32_t sub_h = get_arg_val<uint32_t>(4);
    const uint32_t sub_w = get_arg_val<uint32_t>(5);
    const uint32_t n_blocks = get_arg_val<uint32_t>(6);
    constexpr auto cb_a = tt::CBIndex::c_0;
    constexpr auto cb_b = tt::CBIndex::c_1;
    constexpr auto cb_out = tt::CBIndex::c_16;
    constexpr auto cb_partial = tt::CBIndex::c_24;
    const uint32_t sub_tiles = sub_h * sub_w;
    const uint32_t k_blocks = Kt / bk;

    compute_kernel_hw_startup(cb_a, cb_b, cb_out);
    matmul_init(cb_a, cb_b);
    for (uint32_t block = 0; block < n_blocks; ++block) {
        for (uint32_t kb = 0; kb < k_blocks; ++kb) {
            const bool last = kb + 1 == k_blocks;
            cb_wait_front(cb_a, bm * bk);
            cb_wait_front(cb_b, bk * bn);
            for (uint32_t sh = 0; sh < bm / sub_h; ++sh) {
                for (uint32_t sw = 0; sw < bn / sub_w; ++sw) {
                    tile_regs_acquire();
                    if (kb > 0) {
                        cb_wait_front(cb_partial, sub_tiles);
                        reconfig_data_format_srca(cb_b, cb_partial);
                        copy_tile_init(cb_partial);
                        for (uint32_t i = 0; i < sub_tiles; ++i) {
                            copy_tile(cb_partial, i, i);
                        }
                        cb_pop_front(cb_partial, sub_tiles);
                        reconfig_data_format_srca(cb_partial, cb_b);  // matmul's in1 feeds SrcA
                        matmul_init(cb_a, cb_b);
                    }
                    uint32_t dst = 0;
                    for (uint32_t h = 0; h < sub_h; ++h) {
                        for (uint32_t w = 0; w < sub_w; ++w) {
                            for (uint32_t k = 0; k < bk; ++k) {
                                matmul_tiles(cb_a, cb_b, (sh * sub_h + h) * bk + k, k * bn + sw * sub_w + w, dst);
                            }
                            ++dst;
                        }
                    }
                    tile_regs_commit();
                    const uint32_t to = last ? static_cast<uint32_t>(cb_out) : static_cast<uint32_t>(cb_partial);
                    cb_reserve_back(to, sub_tiles);
                    tile_regs_wait();
                    pack_reconfig_data_format(to);
                    for (uint32_t i = 0; i < sub_tiles; ++i) {
                        pack_tile(i, to, i);
                    }
                    tile_regs_release();
                    cb_push_back(to, sub_tiles);
                }
            }
            cb_pop_front(cb_a, bm * bk);
            cb_pop_front(cb_b, bk * bn);
        }
    }
}
