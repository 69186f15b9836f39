// Pre-0.81.1 include path: forwards to api/compute/eltwise_unary/negative.h.
#pragma once

#include "api/compute/eltwise_unary/negative.h"
#include "ttsim/legacy.h"
