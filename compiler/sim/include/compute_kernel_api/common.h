// Pre-0.81.1 include path: forwards to api/compute/common.h and adds the old names.
#pragma once

#include "api/compute/common.h"
#include "ttsim/legacy.h"
