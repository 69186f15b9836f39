// Pre-0.81.1 include path for data-movement kernels.
#pragma once

#include "api/dataflow/dataflow_api.h"
