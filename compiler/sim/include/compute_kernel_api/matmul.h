// Pre-0.81.1 include path: forwards to api/compute/matmul.h and adds the old names.
#pragma once

#include "api/compute/matmul.h"
#include "ttsim/legacy.h"
