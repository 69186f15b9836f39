// Emulated api/compute/pack.h: pack a DST tile into the back of a CB, rounded to the CB format.
#pragma once

#include "api/compute/common_globals.h"

namespace ckernel {

ALWI void pack_init(std::uint32_t ocb, std::uint32_t call_line = __builtin_LINE()) {
    (void)ocb;
    (void)call_line;
}

template <bool out_of_order_output = false, bool is_fp32_dest_acc_en = DST_ACCUM_MODE>
ALWI void pack_tile(std::uint32_t ifrom_dst, std::uint32_t icb, std::uint32_t output_tile_index = 0, TTSIM_LINE) {
    ttsim_pack_tile(ifrom_dst, icb, out_of_order_output ? output_tile_index : TTSIM_PACK_IN_ORDER, ttsim_line);
}

// With L1 accumulation on, pack_tile adds the DST tile to what the CB page holds.
ALWI void pack_reconfig_l1_acc(const std::uint32_t l1_acc_en) { ttsim_pack_l1_acc(l1_acc_en); }

}  // namespace ckernel
