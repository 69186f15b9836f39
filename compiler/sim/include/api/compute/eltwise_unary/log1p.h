// Emulated api/compute/eltwise_unary/log1p.h: ln(1 + x) in fp32 with the C library.
#pragma once

#include "api/compute/common_globals.h"

namespace ckernel {

template <bool fast_and_approx = false, bool is_fp32_dest_acc_en = DST_ACCUM_MODE>
ALWI void log1p_tile_init() {
    ttsim_sfpu_init(ttsim::SFPU_LOG1P);
}

template <bool fast_and_approx = false, bool is_fp32_dest_acc_en = DST_ACCUM_MODE>
ALWI void log1p_tile(uint32_t idst) {
    ttsim_sfpu(ttsim::SFPU_LOG1P, idst, 0.0f);
}

}  // namespace ckernel
