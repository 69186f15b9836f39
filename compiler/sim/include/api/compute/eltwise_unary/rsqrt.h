// Emulated api/compute/eltwise_unary/rsqrt.h.
#pragma once

#include "api/compute/common_globals.h"

namespace ckernel {

enum class RsqrtMode { Default, Fast };

ALWI void rsqrt_tile_init() { ttsim_sfpu_init(ttsim::SFPU_RSQRT); }

template <RsqrtMode mode = RsqrtMode::Default, bool is_fp32_dest_acc_en = DST_ACCUM_MODE>
ALWI void rsqrt_tile(uint32_t idst) {
    ttsim_sfpu(ttsim::SFPU_RSQRT, idst, 0.0f);
}

}  // namespace ckernel
