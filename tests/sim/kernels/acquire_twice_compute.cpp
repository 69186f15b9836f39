// Broken: acquires DST twice without commit/wait/release in between.
#include <cstdint>

#include "api/compute/reg_api.h"

void kernel_main() {
    tile_regs_acquire();
    tile_regs_acquire();
}
