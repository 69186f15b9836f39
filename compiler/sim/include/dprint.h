// Older include path of api/debug/dprint.h.
#pragma once

#include "api/debug/dprint.h"
