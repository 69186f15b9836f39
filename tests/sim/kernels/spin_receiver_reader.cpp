// mcast_receiver_reader, but spinning on the semaphore word with invalidate_l1_cache() instead
// of noc_semaphore_wait, as some kernels do. Runtime args: sender x, sender y, n tiles.
#include <cstdint>

void kernel_main() {
    const uint32_t sender_x = get_arg_val<uint32_t>(0);
    const uint32_t sender_y = get_arg_val<uint32_t>(1);
    const uint32_t n_tiles = get_arg_val<uint32_t>(2);
    constexpr uint32_t cb = tt::CBIndex::c_0;

    const uint64_t sender_ready = get_noc_addr(sender_x, sender_y, get_semaphore(0));
    volatile tt_l1_ptr uint32_t* valid = reinterpret_cast<volatile tt_l1_ptr uint32_t*>(get_semaphore(1));
    for (uint32_t i = 0; i < n_tiles; ++i) {
        cb_reserve_back(cb, 1);
        noc_semaphore_set(valid, 0);
        noc_semaphore_inc(sender_ready, 1);
        do {
            invalidate_l1_cache();
        } while (*valid != 1);
        cb_push_back(cb, 1);
    }
}
