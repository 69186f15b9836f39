// Emulated api/compute/eltwise_binary.h: DST[idst] = A op B (+ DST when acc_to_dest).
#pragma once

#include "api/compute/common.h"

namespace ckernel {

ALWI void add_init(
    std::uint32_t icb0, std::uint32_t icb1, bool acc_to_dest = false, std::uint32_t call_line = __builtin_LINE()) {
    (void)call_line;
    ttsim_fpu_init(ttsim::FPU_ELTWISE, ttsim::BIN_ADD, icb0, icb1, acc_to_dest);
}

ALWI void sub_init(
    std::uint32_t icb0, std::uint32_t icb1, bool acc_to_dest = false, std::uint32_t call_line = __builtin_LINE()) {
    (void)call_line;
    ttsim_fpu_init(ttsim::FPU_ELTWISE, ttsim::BIN_SUB, icb0, icb1, acc_to_dest);
}

ALWI void mul_init(
    std::uint32_t icb0, std::uint32_t icb1, bool acc_to_dest = true, std::uint32_t call_line = __builtin_LINE()) {
    (void)call_line;
    ttsim_fpu_init(ttsim::FPU_ELTWISE, ttsim::BIN_MUL, icb0, icb1, acc_to_dest);
}

template <bool is_fp32_dest_acc_en = DST_ACCUM_MODE>
ALWI void mul_tiles(
    std::uint32_t icb0, std::uint32_t icb1, std::uint32_t itile0, std::uint32_t itile1, std::uint32_t idst, TTSIM_LINE) {
    ttsim_binary_tiles(ttsim::BIN_MUL, ttsim::BCAST_NONE, icb0, icb1, itile0, itile1, idst, 0, ttsim_line);
}

template <bool is_fp32_dest_acc_en = DST_ACCUM_MODE>
ALWI void add_tiles(
    std::uint32_t icb0, std::uint32_t icb1, std::uint32_t itile0, std::uint32_t itile1, std::uint32_t idst, TTSIM_LINE) {
    ttsim_binary_tiles(ttsim::BIN_ADD, ttsim::BCAST_NONE, icb0, icb1, itile0, itile1, idst, 0, ttsim_line);
}

template <bool is_fp32_dest_acc_en = DST_ACCUM_MODE>
ALWI void sub_tiles(
    std::uint32_t icb0, std::uint32_t icb1, std::uint32_t itile0, std::uint32_t itile1, std::uint32_t idst, TTSIM_LINE) {
    ttsim_binary_tiles(ttsim::BIN_SUB, ttsim::BCAST_NONE, icb0, icb1, itile0, itile1, idst, 0, ttsim_line);
}

}  // namespace ckernel
