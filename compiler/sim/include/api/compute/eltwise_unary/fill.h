// Emulated api/compute/eltwise_unary/fill.h: every element of a DST tile set to a value.
#pragma once

#include "api/compute/common_globals.h"

namespace ckernel {

ALWI void fill_tile(uint32_t idst, float param0) { ttsim_sfpu(ttsim::SFPU_FILL, idst, param0); }

ALWI void fill_tile_init() { ttsim_sfpu_init(ttsim::SFPU_FILL); }

}  // namespace ckernel
