// Emulated api/compute/eltwise_unary/rounding.h: floor, ceil, trunc and round (half to even,
// to `decimals` decimal places) of a DST tile.
#pragma once

#include "api/compute/common_globals.h"

namespace ckernel {

ALWI void rounding_op_tile_init() { ttsim_sfpu_init(ttsim::SFPU_FLOOR); }

ALWI void ceil_tile(uint32_t idst) { ttsim_sfpu(ttsim::SFPU_CEIL, idst, 0.0f); }

ALWI void floor_tile(uint32_t idst) { ttsim_sfpu(ttsim::SFPU_FLOOR, idst, 0.0f); }

ALWI void trunc_tile(uint32_t idst) { ttsim_sfpu(ttsim::SFPU_TRUNC, idst, 0.0f); }

ALWI void round_tile(uint32_t idst, int32_t decimals) {
    ttsim_sfpu(ttsim::SFPU_ROUND, idst, static_cast<float>(decimals));
}

}  // namespace ckernel
