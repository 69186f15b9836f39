// Broken: waits for one page of c_16 but writes two from its front. Compute has pushed both by
// the time the wait returns, but on device the second may still be being packed.
void kernel_main() {
    const uint32_t dst_addr = get_arg_val<uint32_t>(0);
    constexpr auto args = TensorAccessorArgs<0>();
    const uint32_t page = get_tile_size(tt::CBIndex::c_16);
    const auto out = TensorAccessor(args, dst_addr, page);
    cb_wait_front(tt::CBIndex::c_16, 1);
    noc_async_write(get_read_ptr(tt::CBIndex::c_16), out.get_noc_addr(0), 2 * page);
    noc_async_write_barrier();
}
