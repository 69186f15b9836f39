// Pre-0.81.1 include path: forwards to api/compute/reduce.h and adds the old names.
#pragma once

#include "api/compute/reduce.h"
#include "ttsim/legacy.h"
