// Emulated api/compute/common.h: like the real header, it pulls in the CB, DST, pack,
// data-format reconfiguration and hw-startup APIs.
#pragma once

#include "api/compute/cb_api.h"
#include "api/compute/common_globals.h"
#include "api/compute/compute_kernel_hw_startup.h"
#include "api/compute/pack.h"
#include "api/compute/reconfig_data_format.h"
#include "api/compute/reg_api.h"
