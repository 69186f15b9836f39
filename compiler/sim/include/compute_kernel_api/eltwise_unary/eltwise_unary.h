// Pre-0.81.1 include path: forwards to api/compute/eltwise_unary/eltwise_unary.h.
#pragma once

#include "api/compute/eltwise_unary/eltwise_unary.h"
#include "ttsim/legacy.h"
