// Broken compute kernels, one per BUG define: each breaks one rule of the compute API.
#include <cstdint>

#include "api/compute/cb_api.h"
#include "api/compute/compute_kernel_api.h"
#include "api/compute/compute_kernel_hw_startup.h"
#include "api/compute/eltwise_unary/exp.h"
#include "api/compute/eltwise_unary/typecast.h"
#include "api/compute/pack.h"
#include "api/compute/reg_api.h"
#include "api/compute/tile_move_copy.h"

void kernel_main() {
    constexpr auto in = tt::CBIndex::c_0;
    constexpr auto out = tt::CBIndex::c_16;
#if BUG == 1  // an op before compute_kernel_hw_startup
    (void)out;
    copy_init(in);
#else
    compute_kernel_hw_startup(in, out);
    copy_init(in);
#endif
#if BUG == 2  // reads a tile that is not at the CB's front (no cb_wait_front, nothing pushed)
    tile_regs_acquire();
    copy_tile(in, 0, 0);
#elif BUG == 3  // math on DST without tile_regs_acquire
    cb_wait_front(in, 1);
    copy_tile(in, 0, 0);
#elif BUG == 4  // returns holding DST
    tile_regs_acquire();
#elif BUG == 5  // packs into the CB without cb_reserve_back
    cb_wait_front(in, 1);
    tile_regs_acquire();
    copy_tile(in, 0, 0);
    tile_regs_commit();
    tile_regs_wait();
    pack_tile(0, out);
#elif BUG == 6  // SFPU op without its init
    cb_wait_front(in, 1);
    tile_regs_acquire();
    copy_tile(in, 0, 0);
    exp_tile(0);
#elif BUG == 7  // reads the second tile after waiting for one (the reader has pushed two by then)
    cb_wait_front(in, 2);
    cb_pop_front(in, 2);
    cb_wait_front(in, 1);
    tile_regs_acquire();
    copy_tile(in, 1, 0);
#elif BUG == 8  // typecast naming Float32 (0) as the input of a tile copied from a bf16 CB
    cb_wait_front(in, 1);
    tile_regs_acquire();
    copy_tile(in, 0, 0);
    typecast_tile_init<0, 8>();
    typecast_tile<0, 8>(0);
#endif
}
