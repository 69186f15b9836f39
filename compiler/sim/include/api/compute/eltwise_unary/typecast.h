// Emulated api/compute/eltwise_unary/typecast.h: IN_DTYPE/OUT_DTYPE are DataFormat codes.
#pragma once

#include "api/compute/common_globals.h"

namespace ckernel {

template <uint32_t IN_DTYPE, uint32_t OUT_DTYPE, bool is_fp32_dest_acc_en = DST_ACCUM_MODE>
ALWI void typecast_tile(uint32_t idst, TTSIM_LINE) {
    ttsim_typecast(IN_DTYPE, OUT_DTYPE, idst, ttsim_line);
}

template <uint32_t IN_DTYPE, uint32_t OUT_DTYPE>
ALWI void typecast_tile_init() {
    ttsim_sfpu_init(ttsim::SFPU_TYPECAST);
}

}  // namespace ckernel
