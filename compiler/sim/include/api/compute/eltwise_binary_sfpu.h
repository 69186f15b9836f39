// Emulated api/compute/eltwise_binary_sfpu.h: SFPU element-wise ops of two DST tiles into a third,
// computed in fp32 and rounded to DST's format; comparisons give 1.0 where they hold, else 0.0.
#pragma once

#include "api/compute/common_globals.h"

namespace ckernel {

enum class DstRoundingMode : uint8_t { Default = 0 };

template <
    ckernel::DstRoundingMode dst_rounding_mode = ckernel::DstRoundingMode::Default,
    bool is_fp32_dest_acc_en = DST_ACCUM_MODE>
ALWI void add_binary_tile(uint32_t idst0, uint32_t idst1, uint32_t odst) {
    ttsim_sfpu_binary(ttsim::SFPU_ADD_BINARY, idst0, idst1, odst);
}

template <
    ckernel::DstRoundingMode dst_rounding_mode = ckernel::DstRoundingMode::Default,
    bool is_fp32_dest_acc_en = DST_ACCUM_MODE>
ALWI void sub_binary_tile(uint32_t idst0, uint32_t idst1, uint32_t odst) {
    ttsim_sfpu_binary(ttsim::SFPU_SUB_BINARY, idst0, idst1, odst);
}

template <bool is_fp32_dest_acc_en = DST_ACCUM_MODE>
ALWI void mul_binary_tile(uint32_t idst0, uint32_t idst1, uint32_t odst) {
    ttsim_sfpu_binary(ttsim::SFPU_MUL_BINARY, idst0, idst1, odst);
}

template <bool is_fp32_dest_acc_en = DST_ACCUM_MODE>
ALWI void div_binary_tile(uint32_t idst0, uint32_t idst1, uint32_t odst) {
    ttsim_sfpu_binary(ttsim::SFPU_DIV_BINARY, idst0, idst1, odst);
}

ALWI void eq_binary_tile(uint32_t idst0, uint32_t idst1, uint32_t odst) {
    ttsim_sfpu_binary(ttsim::SFPU_EQ_BINARY, idst0, idst1, odst);
}

ALWI void ne_binary_tile(uint32_t idst0, uint32_t idst1, uint32_t odst) {
    ttsim_sfpu_binary(ttsim::SFPU_NE_BINARY, idst0, idst1, odst);
}

ALWI void lt_binary_tile(uint32_t idst0, uint32_t idst1, uint32_t odst) {
    ttsim_sfpu_binary(ttsim::SFPU_LT_BINARY, idst0, idst1, odst);
}

ALWI void le_binary_tile(uint32_t idst0, uint32_t idst1, uint32_t odst) {
    ttsim_sfpu_binary(ttsim::SFPU_LE_BINARY, idst0, idst1, odst);
}

ALWI void gt_binary_tile(uint32_t idst0, uint32_t idst1, uint32_t odst) {
    ttsim_sfpu_binary(ttsim::SFPU_GT_BINARY, idst0, idst1, odst);
}

ALWI void ge_binary_tile(uint32_t idst0, uint32_t idst1, uint32_t odst) {
    ttsim_sfpu_binary(ttsim::SFPU_GE_BINARY, idst0, idst1, odst);
}

ALWI void div_binary_tile_init() { ttsim_sfpu_init(ttsim::SFPU_DIV_BINARY); }

ALWI void mul_binary_tile_init() { ttsim_sfpu_init(ttsim::SFPU_MUL_BINARY); }

ALWI void add_binary_tile_init() { ttsim_sfpu_init(ttsim::SFPU_ADD_BINARY); }

ALWI void sub_binary_tile_init() { ttsim_sfpu_init(ttsim::SFPU_SUB_BINARY); }

ALWI void eq_binary_tile_init() { ttsim_sfpu_init(ttsim::SFPU_EQ_BINARY); }

ALWI void ne_binary_tile_init() { ttsim_sfpu_init(ttsim::SFPU_NE_BINARY); }

ALWI void lt_binary_tile_init() { ttsim_sfpu_init(ttsim::SFPU_LT_BINARY); }

ALWI void le_binary_tile_init() { ttsim_sfpu_init(ttsim::SFPU_LE_BINARY); }

ALWI void gt_binary_tile_init() { ttsim_sfpu_init(ttsim::SFPU_GT_BINARY); }

ALWI void ge_binary_tile_init() { ttsim_sfpu_init(ttsim::SFPU_GE_BINARY); }

}  // namespace ckernel
