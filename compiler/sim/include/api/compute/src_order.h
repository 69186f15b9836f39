// Emulated api/compute/src_order.h: which source register each input CB feeds.
#pragma once

#include <cstdint>

namespace ckernel {

enum class SrcOrder : uint8_t {
    Regular = 0,  // icb0 -> SrcA, icb1 -> SrcB
    Reverse = 1,  // icb0 -> SrcB, icb1 -> SrcA
};

}  // namespace ckernel
