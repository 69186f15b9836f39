// Emulated api/compute/matmul.h: matmul_tiles accumulates in0[i0] x in1[i1] into DST[idst].
#pragma once

#include "api/compute/common.h"

namespace ckernel {

ALWI void matmul_init(
    std::uint32_t in0_cb_id,
    std::uint32_t in1_cb_id,
    const std::uint32_t transpose = 0,
    std::uint32_t call_line = __builtin_LINE()) {
    (void)call_line;
    ttsim_fpu_init(ttsim::FPU_MATMUL, 0, in0_cb_id, in1_cb_id, transpose);
}

ALWI void matmul_tiles(
    std::uint32_t in0_cb_id,
    std::uint32_t in1_cb_id,
    std::uint32_t in0_tile_index,
    std::uint32_t in1_tile_index,
    std::uint32_t idst,
    TTSIM_LINE) {
    ttsim_matmul_tiles(in0_cb_id, in1_cb_id, in0_tile_index, in1_tile_index, idst, ttsim_line);
}

}  // namespace ckernel
