// Checks its arguments: common arg 0 must equal runtime arg 0, and runtime arg 1 read as a float
// must be 1.5 (a failed assert is reported as a KernelFault).
#include <cassert>
#include <cstdint>

void kernel_main() {
    assert(get_common_arg_val<uint32_t>(0) == get_arg_val<uint32_t>(0));
    assert(get_arg_val<float>(1) == 1.5f);
}
