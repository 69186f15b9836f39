// Included after the kernel source by the generated wrapper: the one exported symbol the runtime calls.
#pragma once

namespace ttsim_entry {
// A weak entry point's address is null when the kernel does not define it (taken through a
// parameter, since g++ assumes a function's address is never null).
inline bool defined(void (*fn)()) { return fn != nullptr; }
}  // namespace ttsim_entry

extern "C" __attribute__((visibility("default"))) void ttsim_kernel_entry() {
#ifdef TTSIM_COMPUTE
    if (!ttsim_entry::defined(::kernel_main) && ttsim_entry::defined(ttsim_compute::kernel_main)) {
        ttsim_compute::kernel_main();
        return;
    }
#endif
    if (!ttsim_entry::defined(::kernel_main)) ttsim_fail("kernel defines no kernel_main()");
    ::kernel_main();
}
