// Pre-0.81.1 include path: forwards to api/compute/compute_kernel_hw_startup.h and adds the old names.
#pragma once

#include "api/compute/compute_kernel_hw_startup.h"
#include "ttsim/legacy.h"
