// Emulated api/compute/eltwise_unary/where.h: odst = idst0 != 0 ? idst1 : idst2, element-wise.
#pragma once

#include "api/compute/common_globals.h"

namespace ckernel {

template <DataFormat data_format>
ALWI void where_tile(uint32_t idst0, uint32_t idst1, uint32_t idst2, uint32_t odst) {
    ttsim_sfpu_where(static_cast<uint32_t>(data_format), idst0, idst1, idst2, odst);
}

ALWI void where_tile_init() { ttsim_sfpu_init(ttsim::SFPU_WHERE); }

}  // namespace ckernel
