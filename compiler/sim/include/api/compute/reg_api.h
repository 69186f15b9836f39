// Emulated api/compute/reg_api.h: the DST lifecycle acquire -> commit -> wait -> release.
#pragma once

#include "api/compute/common_globals.h"

namespace ckernel {

ALWI void acquire_dst(TTSIM_LINE) { ttsim_dst(4, ttsim_line); }

ALWI void tile_regs_acquire(TTSIM_LINE) { ttsim_dst(0, ttsim_line); }

ALWI void tile_regs_wait(TTSIM_LINE) { ttsim_dst(2, ttsim_line); }

template <bool is_fp32_dest_acc_en = DST_ACCUM_MODE>
ALWI void release_dst(TTSIM_LINE) {
    ttsim_dst(5, ttsim_line);
}

template <bool is_fp32_dest_acc_en = DST_ACCUM_MODE>
ALWI void tile_regs_commit(TTSIM_LINE) {
    ttsim_dst(1, ttsim_line);
}

template <bool is_fp32_dest_acc_en = DST_ACCUM_MODE>
ALWI void tile_regs_release(TTSIM_LINE) {
    ttsim_dst(3, ttsim_line);
}

}  // namespace ckernel
