// writer_unary, but polling c_16 with cb_pages_available_at_front before each wait: the poll must
// let compute run, as it does in parallel on device.
// Compile-time args: TensorAccessorArgs of the output. Runtime args: dst address, n tiles, start.
#include <cstdint>

void kernel_main() {
    const uint32_t dst_addr = get_arg_val<uint32_t>(0);
    const uint32_t n_tiles = get_arg_val<uint32_t>(1);
    const uint32_t start_tile = get_arg_val<uint32_t>(2);
    constexpr uint32_t cb_out = tt::CBIndex::c_16;
    constexpr auto args = TensorAccessorArgs<0>();
    const auto out = TensorAccessor(args, dst_addr, get_tile_size(cb_out));
    for (uint32_t i = 0; i < n_tiles; ++i) {
        while (!cb_pages_available_at_front(cb_out, 1)) {
        }
        cb_wait_front(cb_out, 1);
        noc_async_write_page(start_tile + i, out, get_read_ptr(cb_out));
        noc_async_write_barrier();
        cb_pop_front(cb_out, 1);
    }
}
