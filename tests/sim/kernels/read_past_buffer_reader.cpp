// Broken: reads one page past the end of its input buffer (runtime arg 1 = pages in the buffer).
#include <cstdint>

void kernel_main() {
    const uint32_t src_addr = get_arg_val<uint32_t>(0);
    const uint32_t n_pages = get_arg_val<uint32_t>(1);
    constexpr auto args = TensorAccessorArgs<0>();
    const auto in = TensorAccessor(args, src_addr, get_tile_size(tt::CBIndex::c_0));
    cb_reserve_back(tt::CBIndex::c_0, 1);
    noc_async_read_page(n_pages, in, get_write_ptr(tt::CBIndex::c_0));
    noc_async_read_barrier();
    cb_push_back(tt::CBIndex::c_0, 1);
}
