// Broken: returns with a NOC read never completed by a barrier.
void kernel_main() {
    const uint32_t src_addr = get_arg_val<uint32_t>(0);
    constexpr auto args = TensorAccessorArgs<0>();
    const auto in = TensorAccessor(args, src_addr, get_tile_size(tt::CBIndex::c_0));
    cb_reserve_back(tt::CBIndex::c_0, 1);
    noc_async_read_page(0, in, get_write_ptr(tt::CBIndex::c_0));
}
