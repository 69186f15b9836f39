// Emulated api/compute/eltwise_unary/trigonometry.h (sin and cos): fp32 with the C library.
#pragma once

#include "api/compute/common_globals.h"

namespace ckernel {

ALWI void sin_tile_init() { ttsim_sfpu_init(ttsim::SFPU_SIN); }

template <bool is_fp32_dest_acc_en = DST_ACCUM_MODE>
ALWI void sin_tile(uint32_t idst) {
    ttsim_sfpu(ttsim::SFPU_SIN, idst, 0.0f);
}

ALWI void cos_tile_init() { ttsim_sfpu_init(ttsim::SFPU_COS); }

template <bool is_fp32_dest_acc_en = DST_ACCUM_MODE>
ALWI void cos_tile(uint32_t idst) {
    ttsim_sfpu(ttsim::SFPU_COS, idst, 0.0f);
}

}  // namespace ckernel
