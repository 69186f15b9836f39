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

}  // namespace ckernel
