// Emulated api/compute/cb_api.h (ttnn 0.81.1); `ttsim_line` is the emulator's extra, defaulted.
#pragma once

#include "api/compute/common_globals.h"

namespace ckernel {

ALWI void cb_wait_front(uint32_t cbid, uint32_t ntiles, TTSIM_LINE) {
    ttsim_cb_op(2, static_cast<int32_t>(cbid), static_cast<int32_t>(ntiles), ttsim_line);
}

ALWI void cb_pop_front(uint32_t cbid, uint32_t ntiles, TTSIM_LINE) {
    ttsim_cb_op(3, static_cast<int32_t>(cbid), static_cast<int32_t>(ntiles), ttsim_line);
}

ALWI void cb_reserve_back(uint32_t cbid, uint32_t ntiles, TTSIM_LINE) {
    ttsim_cb_op(0, static_cast<int32_t>(cbid), static_cast<int32_t>(ntiles), ttsim_line);
}

ALWI void cb_push_back(uint32_t cbid, uint32_t ntiles, TTSIM_LINE) {
    ttsim_cb_op(1, static_cast<int32_t>(cbid), static_cast<int32_t>(ntiles), ttsim_line);
}

}  // namespace ckernel
