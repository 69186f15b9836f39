// Included after the kernel source by the generated wrapper: the one exported symbol the runtime calls.
#pragma once

extern "C" __attribute__((visibility("default"))) void ttsim_kernel_entry() {
#ifdef TTSIM_COMPUTE
    if (::kernel_main == nullptr && ttsim_compute::kernel_main != nullptr) {
        ttsim_compute::kernel_main();
        return;
    }
#endif
    if (::kernel_main == nullptr) ttsim_fail("kernel defines no kernel_main()");
    ::kernel_main();
}
