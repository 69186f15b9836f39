// Pre-0.81.1 include path: forwards to api/compute/compute_kernel_api.h.
#pragma once

#include "api/compute/compute_kernel_api.h"
#include "ttsim/legacy.h"
