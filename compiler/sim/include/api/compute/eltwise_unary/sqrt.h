// Emulated api/compute/eltwise_unary/sqrt.h.
#pragma once

#include "api/compute/common_globals.h"

namespace ckernel {

ALWI void sqrt_tile_init() { ttsim_sfpu_init(ttsim::SFPU_SQRT); }

template <bool FAST_APPROX = false, bool is_fp32_dest_acc_en = DST_ACCUM_MODE>
ALWI void sqrt_tile(uint32_t idst) {
    ttsim_sfpu(ttsim::SFPU_SQRT, idst, 0.0f);
}

}  // namespace ckernel
