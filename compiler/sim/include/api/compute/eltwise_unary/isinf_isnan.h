// Emulated api/compute/eltwise_unary/isinf_isnan.h: 1.0 where a DST element is NaN (inf), else 0.0.
#pragma once

#include "api/compute/common_globals.h"

namespace ckernel {

ALWI void isinf_tile(uint32_t idst) { ttsim_sfpu(ttsim::SFPU_ISINF, idst, 0.0f); }

ALWI void isinf_tile_init() { ttsim_sfpu_init(ttsim::SFPU_ISINF); }

ALWI void isnan_tile(uint32_t idst) { ttsim_sfpu(ttsim::SFPU_ISNAN, idst, 0.0f); }

ALWI void isnan_tile_init() { ttsim_sfpu_init(ttsim::SFPU_ISNAN); }

}  // namespace ckernel
