// Emulated api/compute/reconfig_data_format.h: set the formats the unpacker's SrcA/SrcB and the
// packer are configured for (the runtime checks every unpack and pack against them). The
// (old, new) overloads reconfigure only when the two CBs' formats differ, as on device: a stale
// `old` claim skips a needed reconfiguration.
#pragma once

#include "api/compute/common_globals.h"
#include "api/compute/src_order.h"

namespace ckernel {

template <SrcOrder src_order = SrcOrder::Regular>
ALWI void reconfig_data_format(const uint32_t icb0_new_operand, const uint32_t icb1_new_operand) {
    constexpr bool reverse = src_order == SrcOrder::Reverse;
    ttsim_reconfig(ttsim::UNIT_SRCA, -1, reverse ? icb1_new_operand : icb0_new_operand);
    ttsim_reconfig(ttsim::UNIT_SRCB, -1, reverse ? icb0_new_operand : icb1_new_operand);
}

template <SrcOrder src_order = SrcOrder::Regular>
ALWI void reconfig_data_format(
    const uint32_t icb0_old_operand,
    const uint32_t icb0_new_operand,
    const uint32_t icb1_old_operand,
    const uint32_t icb1_new_operand) {
    constexpr bool reverse = src_order == SrcOrder::Reverse;
    ttsim_reconfig(ttsim::UNIT_SRCA, static_cast<int32_t>(reverse ? icb1_old_operand : icb0_old_operand),
                   reverse ? icb1_new_operand : icb0_new_operand);
    ttsim_reconfig(ttsim::UNIT_SRCB, static_cast<int32_t>(reverse ? icb0_old_operand : icb1_old_operand),
                   reverse ? icb0_new_operand : icb1_new_operand);
}

ALWI void reconfig_data_format_srca(const uint32_t srca_new_operand) {
    ttsim_reconfig(ttsim::UNIT_SRCA, -1, srca_new_operand);
}

ALWI void reconfig_data_format_srca(const uint32_t srca_old_operand, const uint32_t srca_new_operand) {
    ttsim_reconfig(ttsim::UNIT_SRCA, static_cast<int32_t>(srca_old_operand), srca_new_operand);
}

ALWI void reconfig_data_format_srcb(const uint32_t srcb_new_operand) {
    ttsim_reconfig(ttsim::UNIT_SRCB, -1, srcb_new_operand);
}

ALWI void reconfig_data_format_srcb(const uint32_t srcb_old_operand, const uint32_t srcb_new_operand) {
    ttsim_reconfig(ttsim::UNIT_SRCB, static_cast<int32_t>(srcb_old_operand), srcb_new_operand);
}

ALWI void pack_reconfig_data_format(const uint32_t new_cb_id) { ttsim_reconfig(ttsim::UNIT_PACK, -1, new_cb_id); }

ALWI void pack_reconfig_data_format(const uint32_t old_cb_id, const uint32_t new_cb_id) {
    ttsim_reconfig(ttsim::UNIT_PACK, static_cast<int32_t>(old_cb_id), new_cb_id);
}

}  // namespace ckernel
