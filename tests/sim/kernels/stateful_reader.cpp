// A kernel with mutable global state: counts its launches in a global and in a function static,
// and writes both to page `core index` of the output buffer.
// Compile-time args: TensorAccessorArgs of the output. Runtime args: out address, core index.
#include <cstdint>

uint32_t launches = 0;

uint32_t static_launches() {
    static uint32_t count = 0;
    return ++count;
}

void kernel_main() {
    const uint32_t out_addr = get_arg_val<uint32_t>(0);
    const uint32_t index = get_arg_val<uint32_t>(1);
    constexpr auto args = TensorAccessorArgs<0>();
    const auto out = TensorAccessor(args, out_addr, get_tile_size(tt::CBIndex::c_0));
    cb_reserve_back(tt::CBIndex::c_0, 1);
    volatile uint32_t* page = reinterpret_cast<volatile uint32_t*>(get_write_ptr(tt::CBIndex::c_0));
    page[0] = ++launches;
    page[1] = static_launches();
    noc_async_write_page(index, out, get_write_ptr(tt::CBIndex::c_0));
    noc_async_write_barrier();
}
