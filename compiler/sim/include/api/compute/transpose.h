// Emulated api/compute/transpose.h: DST[idst] = the CB tile transposed (32x32, across faces).
#pragma once

#include "api/compute/common_globals.h"

namespace ckernel {

template <bool is_fp32_dest_acc_en = DST_ACCUM_MODE>
ALWI void transpose_init(uint32_t icb, uint32_t call_line = __builtin_LINE()) {
    (void)call_line;
    ttsim_fpu_init(ttsim::FPU_TRANSPOSE, 0, icb, icb, 0);
}

template <bool is_fp32_dest_acc_en = DST_ACCUM_MODE>
ALWI void transpose_tile(uint32_t icb, uint32_t itile, uint32_t idst, TTSIM_LINE) {
    ttsim_transpose_tile(icb, itile, idst, ttsim_line);
}

}  // namespace ckernel
