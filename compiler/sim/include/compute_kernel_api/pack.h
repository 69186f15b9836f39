// Pre-0.81.1 include path: forwards to api/compute/pack.h and adds the old names.
#pragma once

#include "api/compute/pack.h"
#include "ttsim/legacy.h"
