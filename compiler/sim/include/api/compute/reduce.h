// Emulated api/compute/reduce.h: SUM/AVG/MAX over rows, columns or the whole tile, times the
// scaler (row 0 of each face of the scaler tile, which must hold one value); accumulates into DST
// across reduce_tile calls. reduce_init also sets the packer's edge mask for ocb (packs zero every
// datum outside the result) until reduce_uninit.
#pragma once

#include "api/compute/common.h"

namespace ckernel {

template <PoolType reduce_type, ReduceDim reduce_dim, bool is_fp32_dest_acc_en = DST_ACCUM_MODE>
ALWI void reduce_init(
    std::uint32_t icb, std::uint32_t icb_scaler, std::uint32_t ocb, std::uint32_t call_line = __builtin_LINE()) {
    (void)call_line;
    ttsim_fpu_init(ttsim::FPU_REDUCE, reduce_type == MAX ? 2u : 0u, icb, icb_scaler, static_cast<uint32_t>(reduce_dim));
    ttsim_reduce_mask(1, static_cast<uint32_t>(reduce_dim), ocb);
}

ALWI void reduce_uninit(std::uint32_t icb = 0) {
    (void)icb;
    ttsim_reduce_mask(0, 0, 0);
}

template <PoolType reduce_type, ReduceDim reduce_dim, bool is_fp32_dest_acc_en = DST_ACCUM_MODE>
ALWI void reduce_tile(
    std::uint32_t icb, std::uint32_t icb_scaler, std::uint32_t itile, std::uint32_t itile_scaler, std::uint32_t idst, TTSIM_LINE) {
    ttsim_reduce_tile(reduce_type == MAX ? 2u : 0u, static_cast<uint32_t>(reduce_dim), icb, icb_scaler, itile,
                      itile_scaler, idst, ttsim_line);
}

}  // namespace ckernel
