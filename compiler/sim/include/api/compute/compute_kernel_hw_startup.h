// Emulated api/compute/compute_kernel_hw_startup.h.
#pragma once

#include "api/compute/common_globals.h"
#include "api/compute/src_order.h"

namespace ckernel {

// Configures SrcA/SrcB from icb0/icb1 (swapped for SrcOrder::Reverse, matmul's order) and the
// packer from ocb.
template <SrcOrder src_order = SrcOrder::Regular>
ALWI void compute_kernel_hw_startup(uint32_t icb0, uint32_t icb1, uint32_t ocb) {
    ttsim_hw_startup(icb0, icb1, ocb, src_order == SrcOrder::Reverse);
}

ALWI void compute_kernel_hw_startup(uint32_t icb0, uint32_t ocb) { ttsim_hw_startup(icb0, icb0, ocb, false); }

}  // namespace ckernel
