// Broken: pops the CB page its NOC write is still reading (no write barrier before the pop).
void kernel_main() {
    const uint32_t dst_addr = get_arg_val<uint32_t>(0);
    constexpr auto args = TensorAccessorArgs<0>();
    const auto out = TensorAccessor(args, dst_addr, get_tile_size(tt::CBIndex::c_16));
    cb_wait_front(tt::CBIndex::c_16, 1);
    noc_async_write_page(0, out, get_read_ptr(tt::CBIndex::c_16));
    cb_pop_front(tt::CBIndex::c_16, 1);
}
