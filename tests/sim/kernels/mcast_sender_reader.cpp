// Multicast sender (the protocol of tt-metal's matmul_multicore_reuse_mcast): reads each tile from
// DRAM into c_0, waits until every receiver has signalled it is ready (semaphore 0 counts them),
// multicasts the tile to the same CB slot of the receivers, then flags it valid (semaphore 1).
// Compile-time args: TensorAccessorArgs of the source.
// Runtime args: src address, n tiles, receiver rectangle x0, y0, x1, y1, number of receivers,
// number of receivers told to the multicast calls (equal to the previous one unless a test
// miscounts on purpose).
#include <cstdint>

void kernel_main() {
    const uint32_t src_addr = get_arg_val<uint32_t>(0);
    const uint32_t n_tiles = get_arg_val<uint32_t>(1);
    const uint32_t x0 = get_arg_val<uint32_t>(2);
    const uint32_t y0 = get_arg_val<uint32_t>(3);
    const uint32_t x1 = get_arg_val<uint32_t>(4);
    const uint32_t y1 = get_arg_val<uint32_t>(5);
    const uint32_t num_dests = get_arg_val<uint32_t>(6);
    const uint32_t mcast_dests = get_arg_val<uint32_t>(7);
    constexpr uint32_t cb = tt::CBIndex::c_0;

    const uint32_t ready_sem_addr = get_semaphore(0);
    const uint32_t valid_sem_addr = get_semaphore(1);
    volatile tt_l1_ptr uint32_t* ready = reinterpret_cast<volatile tt_l1_ptr uint32_t*>(ready_sem_addr);
    volatile tt_l1_ptr uint32_t* valid = reinterpret_cast<volatile tt_l1_ptr uint32_t*>(valid_sem_addr);
    *valid = 1;

    constexpr auto args = TensorAccessorArgs<0>();
    const auto src = TensorAccessor(args, src_addr, get_tile_size(cb));
    for (uint32_t i = 0; i < n_tiles; ++i) {
        cb_reserve_back(cb, 1);
        const uint32_t l1 = get_write_ptr(cb);
        noc_async_read_page(i, src, l1);
        noc_async_read_barrier();

        noc_semaphore_wait(ready, num_dests);
        noc_semaphore_set(ready, 0);
        noc_async_write_multicast(l1, get_noc_multicast_addr(x0, y0, x1, y1, l1), get_tile_size(cb), mcast_dests);
        noc_semaphore_set_multicast(valid_sem_addr, get_noc_multicast_addr(x0, y0, x1, y1, valid_sem_addr), mcast_dests);
        noc_async_write_barrier();
        cb_push_back(cb, 1);
    }
}
