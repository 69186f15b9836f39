// Emulated api/compute/eltwise_unary/relu.h.
#pragma once

#include "api/compute/common_globals.h"

namespace ckernel {

ALWI void relu_tile_init() { ttsim_sfpu_init(ttsim::SFPU_RELU); }

ALWI void relu_tile(uint32_t idst) { ttsim_sfpu(ttsim::SFPU_RELU, idst, 0.0f); }

}  // namespace ckernel
