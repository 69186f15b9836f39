// Broken: writes CB c_16's front page to DRAM without cb_wait_front (it may not be packed yet).
void kernel_main() {
    const uint32_t dst_addr = get_arg_val<uint32_t>(0);
    constexpr auto args = TensorAccessorArgs<0>();
    const auto out = TensorAccessor(args, dst_addr, get_tile_size(tt::CBIndex::c_16));
    noc_async_write_page(0, out, get_read_ptr(tt::CBIndex::c_16));
    noc_async_write_barrier();
}
