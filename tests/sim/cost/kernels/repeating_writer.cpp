// A writer that stores every tile of c_16 `repeat` times, waiting for each store: far slower
// than a reader of one copy per tile, so the compute between them is held back by its output.
// Compile-time args: TensorAccessorArgs of the output. Runtime args: dst address, n tiles, repeat.
#include <cstdint>

void kernel_main() {
    const uint32_t dst_addr = get_arg_val<uint32_t>(0);
    const uint32_t n_tiles = get_arg_val<uint32_t>(1);
    const uint32_t repeat = get_arg_val<uint32_t>(2);
    constexpr uint32_t cb_out = tt::CBIndex::c_16;
    constexpr auto args = TensorAccessorArgs<0>();
    const auto out = TensorAccessor(args, dst_addr, get_tile_size(cb_out));
    for (uint32_t i = 0; i < n_tiles; ++i) {
        cb_wait_front(cb_out, 1);
        for (uint32_t r = 0; r < repeat; ++r) {
            noc_async_write_page(i, out, get_read_ptr(cb_out));
            noc_async_write_barrier();
        }
        cb_pop_front(cb_out, 1);
    }
}
