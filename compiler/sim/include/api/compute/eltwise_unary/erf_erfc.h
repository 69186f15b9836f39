// Emulated api/compute/eltwise_unary/erf_erfc.h: erf in fp32 with the C library, whatever the mode.
#pragma once

#include "api/compute/common_globals.h"

namespace ckernel {

template <bool fast_and_approx = true>
ALWI void erf_tile_init() {
    ttsim_sfpu_init(ttsim::SFPU_ERF);
}

template <bool fast_and_approx = true>
ALWI void erf_tile(uint32_t idst) {
    ttsim_sfpu(ttsim::SFPU_ERF, idst, 0.0f);
}

}  // namespace ckernel
