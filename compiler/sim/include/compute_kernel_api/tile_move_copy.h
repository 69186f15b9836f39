// Pre-0.81.1 include path: forwards to api/compute/tile_move_copy.h and adds the old names.
#pragma once

#include "api/compute/tile_move_copy.h"
#include "ttsim/legacy.h"
