// Pre-0.81.1 include path: forwards to api/compute/eltwise_binary.h and adds the old names.
#pragma once

#include "api/compute/eltwise_binary.h"
#include "ttsim/legacy.h"
