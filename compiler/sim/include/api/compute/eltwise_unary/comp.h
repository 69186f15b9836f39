// Emulated api/compute/eltwise_unary/comp.h: a DST tile compared with a scalar (the fp32 bits of
// param0), 1.0 where the comparison holds and 0.0 elsewhere.
#pragma once

#include "api/compute/common_globals.h"

namespace ckernel {

ALWI void unary_eq_tile(uint32_t idst, uint32_t param0) {
    ttsim_sfpu(ttsim::SFPU_UNARY_EQ, idst, __builtin_bit_cast(float, param0));
}

ALWI void unary_eq_tile_init() { ttsim_sfpu_init(ttsim::SFPU_UNARY_EQ); }

ALWI void unary_ne_tile(uint32_t idst, uint32_t param0) {
    ttsim_sfpu(ttsim::SFPU_UNARY_NE, idst, __builtin_bit_cast(float, param0));
}

ALWI void unary_ne_tile_init() { ttsim_sfpu_init(ttsim::SFPU_UNARY_NE); }

ALWI void unary_lt_tile(uint32_t idst, uint32_t param0) {
    ttsim_sfpu(ttsim::SFPU_UNARY_LT, idst, __builtin_bit_cast(float, param0));
}

ALWI void unary_lt_tile_init() { ttsim_sfpu_init(ttsim::SFPU_UNARY_LT); }

ALWI void unary_le_tile(uint32_t idst, uint32_t param0) {
    ttsim_sfpu(ttsim::SFPU_UNARY_LE, idst, __builtin_bit_cast(float, param0));
}

ALWI void unary_le_tile_init() { ttsim_sfpu_init(ttsim::SFPU_UNARY_LE); }

ALWI void unary_gt_tile(uint32_t idst, uint32_t param0) {
    ttsim_sfpu(ttsim::SFPU_UNARY_GT, idst, __builtin_bit_cast(float, param0));
}

ALWI void unary_gt_tile_init() { ttsim_sfpu_init(ttsim::SFPU_UNARY_GT); }

ALWI void unary_ge_tile(uint32_t idst, uint32_t param0) {
    ttsim_sfpu(ttsim::SFPU_UNARY_GE, idst, __builtin_bit_cast(float, param0));
}

ALWI void unary_ge_tile_init() { ttsim_sfpu_init(ttsim::SFPU_UNARY_GE); }

}  // namespace ckernel
