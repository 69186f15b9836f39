// Emulated api/compute/compute_kernel_api.h: the SFPU ops that live in this header in 0.81.1,
// plus the headers it pulls in.
#pragma once

#include "api/compute/cb_api.h"
#include "api/compute/common.h"
#include "api/compute/compute_kernel_hw_startup.h"
#include "api/compute/reg_api.h"

namespace ckernel {

template <bool fast_and_approx = false>
ALWI void sigmoid_tile_init() {
    ttsim_sfpu_init(ttsim::SFPU_SIGMOID);
}

template <VectorMode vec_mode = VectorMode::RC, bool fast_and_approx = false, bool is_fp32_dest_acc_en = DST_ACCUM_MODE>
ALWI void sigmoid_tile(uint32_t idst) {
    ttsim_sfpu(ttsim::SFPU_SIGMOID, idst, 0.0f);
}

template <bool is_fp32_dest_acc_en = DST_ACCUM_MODE>
ALWI void silu_tile(uint32_t idst) {
    ttsim_sfpu(ttsim::SFPU_SILU, idst, 0.0f);
}

ALWI void silu_tile_init() { ttsim_sfpu_init(ttsim::SFPU_SILU); }

template <bool fast_and_approx = false, bool is_fp32_dest_acc_en = DST_ACCUM_MODE>
ALWI void tanh_tile_init() {
    ttsim_sfpu_init(ttsim::SFPU_TANH);
}

template <bool fast_and_approx = false, bool is_fp32_dest_acc_en = DST_ACCUM_MODE>
ALWI void tanh_tile(uint32_t idst) {
    ttsim_sfpu(ttsim::SFPU_TANH, idst, 0.0f);
}

template <bool is_fp32_dest_acc_en = DST_ACCUM_MODE>
ALWI void square_tile(uint32_t idst) {
    ttsim_sfpu(ttsim::SFPU_SQUARE, idst, 0.0f);
}

ALWI void square_tile_init() { ttsim_sfpu_init(ttsim::SFPU_SQUARE); }

template <bool fast_and_approx = false, bool is_fp32_dest_acc_en = DST_ACCUM_MODE>
ALWI void log_tile_init() {
    ttsim_sfpu_init(ttsim::SFPU_LOG);
}

template <bool fast_and_approx = false, bool is_fp32_dest_acc_en = DST_ACCUM_MODE>
ALWI void log_tile(uint32_t idst) {
    ttsim_sfpu(ttsim::SFPU_LOG, idst, 0.0f);
}

ALWI void abs_tile(uint32_t idst) { ttsim_sfpu(ttsim::SFPU_ABS, idst, 0.0f); }

ALWI void abs_tile_init() { ttsim_sfpu_init(ttsim::SFPU_ABS); }

template <bool is_fp32_dest_acc_en = DST_ACCUM_MODE>
ALWI void exp2_tile(uint32_t idst) {
    ttsim_sfpu(ttsim::SFPU_EXP2, idst, 0.0f);
}

template <bool is_fp32_dest_acc_en = DST_ACCUM_MODE>
ALWI void exp2_tile_init() {
    ttsim_sfpu_init(ttsim::SFPU_EXP2);
}

template <bool fast_and_approx = false, bool is_fp32_dest_acc_en = DST_ACCUM_MODE>
ALWI void log_with_base_tile_init() {
    ttsim_sfpu_init(ttsim::SFPU_LOG_BASE);
}

// base_scale: the fp32 bits of 1 / ln(base) (0x3fb8aa3b for log2).
template <bool fast_and_approx = false, bool base_is_two = false, bool is_fp32_dest_acc_en = DST_ACCUM_MODE>
ALWI void log_with_base_tile(uint32_t idst, uint32_t base_scale) {
    ttsim_sfpu(ttsim::SFPU_LOG_BASE, idst, __builtin_bit_cast(float, base_scale));
}

// param0: a non-negative integer exponent (not float bits).
ALWI void power_iterative_tile(uint32_t idst, uint32_t param0) {
    ttsim_sfpu(ttsim::SFPU_POWER_ITER, idst, static_cast<float>(param0));
}

ALWI void power_iterative_tile_init() { ttsim_sfpu_init(ttsim::SFPU_POWER_ITER); }

// param0: the fp32 bits of the value compared with.
ALWI void unary_max_tile(uint32_t idst, uint32_t param0) {
    ttsim_sfpu(ttsim::SFPU_UNARY_MAX, idst, __builtin_bit_cast(float, param0));
}

ALWI void unary_max_tile_init() { ttsim_sfpu_init(ttsim::SFPU_UNARY_MAX); }

ALWI void unary_min_tile(uint32_t idst, uint32_t param0) {
    ttsim_sfpu(ttsim::SFPU_UNARY_MIN, idst, __builtin_bit_cast(float, param0));
}

ALWI void unary_min_tile_init() { ttsim_sfpu_init(ttsim::SFPU_UNARY_MIN); }

}  // namespace ckernel
