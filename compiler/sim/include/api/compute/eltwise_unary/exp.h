// Emulated api/compute/eltwise_unary/exp.h (SFPU, on a DST tile).
#pragma once

#include "api/compute/common_globals.h"

namespace ckernel {

enum class InputClamping : uint8_t {
    ClampToNegative = 1,
    None = 0,
};

namespace p_sfpu {
constexpr uint16_t kCONST_1_FP16B = 0x3F80;
}

template <
    bool approx = false,
    uint32_t scale = 0x3F800000,
    InputClamping input_clamping = InputClamping::ClampToNegative,
    bool is_fp32_dest_acc_en = DST_ACCUM_MODE>
ALWI void exp_tile_init() {
    ttsim_sfpu_init(ttsim::SFPU_EXP);
}

template <
    bool approx = false,
    bool scale_en = false,
    InputClamping input_clamping = InputClamping::ClampToNegative,
    int iterations = 8,
    bool is_fp32_dest_acc_en = DST_ACCUM_MODE>
ALWI void exp_tile(uint32_t idst, VectorMode vector_mode = VectorMode::RC, uint16_t scale = p_sfpu::kCONST_1_FP16B) {
    (void)vector_mode;
    if (scale_en && scale != p_sfpu::kCONST_1_FP16B) ttsim_fail("exp_tile: a scale other than 1.0 is not emulated");
    ttsim_sfpu(ttsim::SFPU_EXP, idst, 0.0f);
}

}  // namespace ckernel
