// Names from tt-metal releases before 0.81.1, reachable only through the old include paths
// (compute_kernel_api/...), so that older hand-written kernels still run.
#pragma once

#include "api/compute/compute_kernel_hw_startup.h"
#include "api/compute/eltwise_binary.h"
#include "api/compute/matmul.h"

namespace ckernel {

ALWI void mm_init(uint32_t in0_cb_id, uint32_t in1_cb_id, uint32_t out_cb_id, const uint32_t transpose = 0) {
    compute_kernel_hw_startup(in0_cb_id, in1_cb_id, out_cb_id);
    matmul_init(in0_cb_id, in1_cb_id, transpose);
}

ALWI void binary_op_init_common(uint32_t icb0, uint32_t icb1, uint32_t ocb) { compute_kernel_hw_startup(icb0, icb1, ocb); }

ALWI void add_tiles_init(uint32_t icb0, uint32_t icb1, bool acc_to_dest = false) { add_init(icb0, icb1, acc_to_dest); }
ALWI void sub_tiles_init(uint32_t icb0, uint32_t icb1, bool acc_to_dest = false) { sub_init(icb0, icb1, acc_to_dest); }
ALWI void mul_tiles_init(uint32_t icb0, uint32_t icb1) { mul_init(icb0, icb1); }

}  // namespace ckernel
