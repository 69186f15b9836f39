// Blocked matmul reader (after tt-metal's matmul_multicore_reuse reader_bmm_tile_layout): for each
// output block (bm x bn tiles) of this core and each K block of bk tiles, reads the bm x bk block
// of A into c_0 and the bk x bn block of B into c_1, so every tile read feeds bn (or bm) matmuls.
// Compile-time args: TensorAccessorArgs of A, then of B.
// Runtime args: A address, B address, Kt, Nt, bm, bn, bk, first block, number of blocks.
#include <cstdint>

void kernel_main() {
    const uint32_t a_addr = get_arg_val<uint32_t>(0);
    const uint32_t b_addr = get_arg_val<uint32_t>(1);
    const uint32_t Kt = get_arg_val<uint32_t>(2);
    const uint32_t Nt = get_arg_val<uint32_t>(3);
    const uint32_t bm = get_arg_val<uint32_t>(4);
    const uint32_t bn = get_arg_val<uint32_t>(5);
    const uint32_t bk = get_arg_val<uint32_t>(6);
    const uint32_t first_block = get_arg_val<uint32_t>(7);
    const uint32_t n_blocks = get_arg_val<uint32_t>(8);

    constexpr uint32_t cb_a = tt::CBIndex::c_0;
    constexpr uint32_t cb_b = tt::CBIndex::c_1;
    constexpr auto a_args = TensorAccessorArgs<0>();
    constexpr auto b_args = TensorAccessorArgs<a_args.next_compile_time_args_offset()>();
    const uint32_t tile_a = get_tile_size(cb_a);
    const uint32_t tile_b = get_tile_size(cb_b);
    const auto a = TensorAccessor(a_args, a_addr, tile_a);
    const auto b = TensorAccessor(b_args, b_addr, tile_b);
    const uint32_t blocks_per_row = Nt / bn;

    for (uint32_t block = first_block; block < first_block + n_blocks; ++block) {
        const uint32_t m0 = block / blocks_per_row * bm;
        const uint32_t n0 = block % blocks_per_row * bn;
        for (uint32_t k0 = 0; k0 < Kt; k0 += bk) {
            cb_reserve_back(cb_a, bm * bk);
            uint32_t l1 = get_write_ptr(cb_a);
            for (uint32_t r = 0; r < bm; ++r) {
                for (uint32_t c = 0; c < bk; ++c) {
                    noc_async_read_page((m0 + r) * Kt + k0 + c, a, l1);
                    l1 += tile_a;
                }
            }
            cb_reserve_back(cb_b, bk * bn);
            l1 = get_write_ptr(cb_b);
            for (uint32_t r = 0; r < bk; ++r) {
                for (uint32_t c = 0; c < bn; ++c) {
                    noc_async_read_page((k0 + r) * Nt + n0 + c, b, l1);
                    l1 += tile_b;
                }
            }
            noc_async_read_barrier();
            cb_push_back(cb_a, bm * bk);
            cb_push_back(cb_b, bk * bn);
        }
    }
}
