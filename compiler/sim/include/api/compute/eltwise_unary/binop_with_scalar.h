// Emulated api/compute/eltwise_unary/binop_with_scalar.h: DST tile op a scalar, the scalar given
// as the bits of an fp32 value (param1).
#pragma once

#include "api/compute/common_globals.h"

namespace ckernel {

enum { ADD_UNARY = 0, SUB_UNARY = 1, MUL_UNARY = 2, DIV_UNARY = 3, RSUB_UNARY = 4 };


template <bool is_fp32_dest_acc_en = DST_ACCUM_MODE>
ALWI void add_unary_tile(uint32_t idst, uint32_t param1) {
    ttsim_sfpu(ttsim::SFPU_ADD_SCALAR, idst, __builtin_bit_cast(float, param1));
}

template <bool is_fp32_dest_acc_en = DST_ACCUM_MODE>
ALWI void sub_unary_tile(uint32_t idst, uint32_t param1) {
    ttsim_sfpu(ttsim::SFPU_SUB_SCALAR, idst, __builtin_bit_cast(float, param1));
}

template <bool is_fp32_dest_acc_en = DST_ACCUM_MODE>
ALWI void mul_unary_tile(uint32_t idst, uint32_t param1) {
    ttsim_sfpu(ttsim::SFPU_MUL_SCALAR, idst, __builtin_bit_cast(float, param1));
}

template <bool is_fp32_dest_acc_en = DST_ACCUM_MODE>
ALWI void div_unary_tile(uint32_t idst, uint32_t param1) {
    ttsim_sfpu(ttsim::SFPU_DIV_SCALAR, idst, __builtin_bit_cast(float, param1));
}

template <bool is_fp32_dest_acc_en = DST_ACCUM_MODE>
ALWI void rsub_unary_tile(uint32_t idst, uint32_t param1) {
    ttsim_sfpu(ttsim::SFPU_RSUB_SCALAR, idst, __builtin_bit_cast(float, param1));
}

ALWI void binop_with_scalar_tile_init() { ttsim_sfpu_init(ttsim::SFPU_ADD_SCALAR); }

}  // namespace ckernel
