// Blocked matmul writer (after tt-metal's writer_bmm_tile_layout): output tiles arrive in c_16
// subblock by subblock (sub_h x sub_w tiles, row-major inside) and go to their places in C.
// Compile-time args: TensorAccessorArgs of C.
// Runtime args: C address, Nt, bm, bn, sub_h, sub_w, first block, number of blocks.
#include <cstdint>

void kernel_main() {
    const uint32_t c_addr = get_arg_val<uint32_t>(0);
    const uint32_t Nt = get_arg_val<uint32_t>(1);
    const uint32_t bm = get_arg_val<uint32_t>(2);
    const uint32_t bn = get_arg_val<uint32_t>(3);
    const uint32_t sub_h = get_arg_val<uint32_t>(4);
    const uint32_t sub_w = get_arg_val<uint32_t>(5);
    const uint32_t first_block = get_arg_val<uint32_t>(6);
    const uint32_t n_blocks = get_arg_val<uint32_t>(7);
    constexpr uint32_t cb_out = tt::CBIndex::c_16;

    constexpr auto args = TensorAccessorArgs<0>();
    const uint32_t tile = get_tile_size(cb_out);
    const auto out = TensorAccessor(args, c_addr, tile);
    const uint32_t blocks_per_row = Nt / bn;
    for (uint32_t block = first_block; block < first_block + n_blocks; ++block) {
        const uint32_t m0 = block / blocks_per_row * bm;
        const uint32_t n0 = block % blocks_per_row * bn;
        for (uint32_t sh = 0; sh < bm / sub_h; ++sh) {
            for (uint32_t sw = 0; sw < bn / sub_w; ++sw) {
                cb_wait_front(cb_out, sub_h * sub_w);
                uint32_t l1 = get_read_ptr(cb_out);
                for (uint32_t h = 0; h < sub_h; ++h) {
                    for (uint32_t w = 0; w < sub_w; ++w) {
                        noc_async_write_page((m0 + sh * sub_h + h) * Nt + n0 + sw * sub_w + w, out, l1);
                        l1 += tile;
                    }
                }
                noc_async_write_barrier();
                cb_pop_front(cb_out, sub_h * sub_w);
            }
        }
    }
}
