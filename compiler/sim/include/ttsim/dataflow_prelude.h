// Force-included (g++ -include) into reader/writer kernels: the dataflow API is implicit on device.
#pragma once

#include "api/dataflow/dataflow_api.h"

void kernel_main() __attribute__((weak, visibility("hidden")));
