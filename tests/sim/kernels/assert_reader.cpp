// Broken: a failed assert in a kernel.
#include <cassert>
#include <cstdint>

void kernel_main() { assert(get_arg_val<uint32_t>(1) == 0); }
