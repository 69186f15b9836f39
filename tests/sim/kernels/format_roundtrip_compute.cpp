// Copies n tiles of c_0 (bf16) through the fp32 CB c_24 to c_16 (bf16). Each define leaves out a
// reconfiguration the hardware needs: NO_PACK_RECONFIG packs into c_24 with the packer still set
// for c_16; NO_SRCA_RECONFIG unpacks c_24 with SrcA still set for c_0; STALE_CLAIM names c_24 as
// the old operand, so the (old, new) form sees no format change and skips the reconfiguration.
#include <cstdint>

#include "api/compute/cb_api.h"
#include "api/compute/compute_kernel_hw_startup.h"
#include "api/compute/pack.h"
#include "api/compute/reconfig_data_format.h"
#include "api/compute/reg_api.h"
#include "api/compute/tile_move_copy.h"

constexpr uint32_t cb_in = tt::CBIndex::c_0;
constexpr uint32_t cb_out = tt::CBIndex::c_16;
constexpr uint32_t cb_fp32 = tt::CBIndex::c_24;

void kernel_main() {
    const uint32_t n_tiles = get_arg_val<uint32_t>(0);
    compute_kernel_hw_startup(cb_in, cb_out);
    for (uint32_t i = 0; i < n_tiles; ++i) {
        copy_init(cb_in);
        cb_wait_front(cb_in, 1);
        tile_regs_acquire();
        copy_tile(cb_in, 0, 0);
        tile_regs_commit();
        cb_pop_front(cb_in, 1);
        cb_reserve_back(cb_fp32, 1);
        tile_regs_wait();
#ifndef NO_PACK_RECONFIG
        pack_reconfig_data_format(cb_out, cb_fp32);
#endif
        pack_tile(0, cb_fp32);
        tile_regs_release();
        cb_push_back(cb_fp32, 1);

        cb_wait_front(cb_fp32, 1);
#if defined(STALE_CLAIM)
        reconfig_data_format_srca(cb_fp32, cb_fp32);
#elif !defined(NO_SRCA_RECONFIG)
        reconfig_data_format_srca(cb_in, cb_fp32);
#endif
        copy_init(cb_fp32);
        tile_regs_acquire();
        copy_tile(cb_fp32, 0, 0);
        tile_regs_commit();
        cb_pop_front(cb_fp32, 1);
        cb_reserve_back(cb_out, 1);
        tile_regs_wait();
        pack_reconfig_data_format(cb_fp32, cb_out);
        pack_tile(0, cb_out);
        tile_regs_release();
        cb_push_back(cb_out, 1);
        reconfig_data_format_srca(cb_fp32, cb_in);
    }
}
