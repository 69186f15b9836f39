// Emulated api/compute/eltwise_unary/gelu.h: the exact (erf) GELU in fp32, whatever the mode.
#pragma once

#include "api/compute/common_globals.h"

namespace ckernel {

template <bool fast_and_approx = true, bool is_fp32_dest_acc_en = DST_ACCUM_MODE>
ALWI void gelu_tile_init() {
    ttsim_sfpu_init(ttsim::SFPU_GELU);
}

template <bool fast_and_approx = true, bool is_fp32_dest_acc_en = DST_ACCUM_MODE>
ALWI void gelu_tile(uint32_t idst) {
    ttsim_sfpu(ttsim::SFPU_GELU, idst, 0.0f);
}

}  // namespace ckernel
