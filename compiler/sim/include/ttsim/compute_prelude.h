// Force-included (g++ -include) into compute kernels. Compute kernels include the api/compute
// headers they use themselves, as on device. Both entry forms work: `void kernel_main()` and the
// older `namespace NAMESPACE { void MAIN { ... } }`.
#pragma once

#include "ttsim/common.h"

#ifndef DST_ACCUM_MODE
#define DST_ACCUM_MODE false
#endif
#ifndef MATH_FIDELITY
#define MATH_FIDELITY 4
#endif
#define APPROX false
#define NAMESPACE ttsim_compute
#define MAIN kernel_main()

namespace ckernel {}
using namespace ckernel;

void kernel_main() __attribute__((weak, visibility("hidden")));
namespace ttsim_compute {
void kernel_main() __attribute__((weak, visibility("hidden")));
}
