// Emulated api/compute/binary_max_min.h: SFPU element-wise max/min of two DST tiles.
#pragma once

#include "api/compute/common_globals.h"

namespace ckernel {

ALWI void binary_max_tile(uint32_t idst0, uint32_t idst1, uint32_t odst, VectorMode vector_mode = VectorMode::RC) {
    (void)vector_mode;
    ttsim_sfpu_binary(ttsim::SFPU_MAX, idst0, idst1, odst);
}

ALWI void binary_max_tile_init() { ttsim_sfpu_init(ttsim::SFPU_MAX); }

ALWI void binary_min_tile(uint32_t idst0, uint32_t idst1, uint32_t odst, VectorMode vector_mode = VectorMode::RC) {
    (void)vector_mode;
    ttsim_sfpu_binary(ttsim::SFPU_MIN, idst0, idst1, odst);
}

ALWI void binary_min_tile_init() { ttsim_sfpu_init(ttsim::SFPU_MIN); }

}  // namespace ckernel
