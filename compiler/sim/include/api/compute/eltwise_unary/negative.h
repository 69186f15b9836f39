// Emulated api/compute/eltwise_unary/negative.h.
#pragma once

#include "api/compute/common_globals.h"

namespace ckernel {

ALWI void negative_tile_init() { ttsim_sfpu_init(ttsim::SFPU_NEGATIVE); }

ALWI void negative_tile(uint32_t idst) { ttsim_sfpu(ttsim::SFPU_NEGATIVE, idst, 0.0f); }

}  // namespace ckernel
