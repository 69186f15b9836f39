// Broken: reads a tile into CB c_0 without cb_reserve_back (the consumer may still be using it).
void kernel_main() {
    const uint32_t src_addr = get_arg_val<uint32_t>(0);
    constexpr auto args = TensorAccessorArgs<0>();
    const auto in = TensorAccessor(args, src_addr, get_tile_size(tt::CBIndex::c_0));
    noc_async_read_page(0, in, get_write_ptr(tt::CBIndex::c_0));
    noc_async_read_barrier();
}
