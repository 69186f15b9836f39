// Pre-0.81.1 include path: forwards to api/compute/cb_api.h and adds the old names.
#pragma once

#include "api/compute/cb_api.h"
#include "ttsim/legacy.h"
