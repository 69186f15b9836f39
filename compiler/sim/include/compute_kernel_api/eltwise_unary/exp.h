// Pre-0.81.1 include path: forwards to api/compute/eltwise_unary/exp.h.
#pragma once

#include "api/compute/eltwise_unary/exp.h"
#include "ttsim/legacy.h"
