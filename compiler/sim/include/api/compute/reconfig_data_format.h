// Emulated api/compute/reconfig_data_format.h. The emulator always unpacks and packs by the format
// configured for each CB, so reconfiguration has nothing to change; the calls check their CBs.
#pragma once

#include "api/compute/common_globals.h"
#include "api/compute/src_order.h"

namespace ckernel {

template <SrcOrder src_order = SrcOrder::Regular>
ALWI void reconfig_data_format(const uint32_t icb0_new_operand, const uint32_t icb1_new_operand) {
    ttsim_cb_format(static_cast<int32_t>(icb0_new_operand));
    ttsim_cb_format(static_cast<int32_t>(icb1_new_operand));
}

template <SrcOrder src_order = SrcOrder::Regular>
ALWI void reconfig_data_format(
    const uint32_t icb0_old_operand,
    const uint32_t icb0_new_operand,
    const uint32_t icb1_old_operand,
    const uint32_t icb1_new_operand) {
    (void)icb0_old_operand;
    (void)icb1_old_operand;
    reconfig_data_format<src_order>(icb0_new_operand, icb1_new_operand);
}

ALWI void reconfig_data_format_srca(const uint32_t srca_new_operand) {
    ttsim_cb_format(static_cast<int32_t>(srca_new_operand));
}

ALWI void reconfig_data_format_srca(const uint32_t srca_old_operand, const uint32_t srca_new_operand) {
    (void)srca_old_operand;
    reconfig_data_format_srca(srca_new_operand);
}

ALWI void reconfig_data_format_srcb(const uint32_t srcb_new_operand) {
    ttsim_cb_format(static_cast<int32_t>(srcb_new_operand));
}

ALWI void reconfig_data_format_srcb(const uint32_t srcb_old_operand, const uint32_t srcb_new_operand) {
    (void)srcb_old_operand;
    reconfig_data_format_srcb(srcb_new_operand);
}

ALWI void pack_reconfig_data_format(const uint32_t new_cb_id) { ttsim_cb_format(static_cast<int32_t>(new_cb_id)); }

ALWI void pack_reconfig_data_format(const uint32_t old_cb_id, const uint32_t new_cb_id) {
    (void)old_cb_id;
    pack_reconfig_data_format(new_cb_id);
}

}  // namespace ckernel
