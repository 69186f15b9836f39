// Matmul reader (after tt-metal's matmul_multi_core example): for each output tile t in
// [start, start + n) with (m, n) = (t / Nt, t % Nt), streams A(m, k) into c_0 and B(k, n) into c_1
// for k = 0 .. Kt-1. Compile-time args: TensorAccessorArgs of A, then of B.
// Runtime args: A address, B address, Mt, Kt, Nt, start tile, n tiles.
#include <cstdint>

void kernel_main() {
    const uint32_t a_addr = get_arg_val<uint32_t>(0);
    const uint32_t b_addr = get_arg_val<uint32_t>(1);
    const uint32_t Kt = get_arg_val<uint32_t>(3);
    const uint32_t Nt = get_arg_val<uint32_t>(4);
    const uint32_t start_tile = get_arg_val<uint32_t>(5);
    const uint32_t n_tiles = get_arg_val<uint32_t>(6);

    constexpr uint32_t cb_a = tt::CBIndex::c_0;
    constexpr uint32_t cb_b = tt::CBIndex::c_1;
    constexpr auto a_args = TensorAccessorArgs<0>();
    constexpr auto b_args = TensorAccessorArgs<a_args.next_compile_time_args_offset()>();
    const auto a = TensorAccessor(a_args, a_addr, get_tile_size(cb_a));
    const auto b = TensorAccessor(b_args, b_addr, get_tile_size(cb_b));

    for (uint32_t t = start_tile; t < start_tile + n_tiles; ++t) {
        const uint32_t m = t / Nt;
        const uint32_t n = t % Nt;
        for (uint32_t k = 0; k < Kt; ++k) {
            cb_reserve_back(cb_a, 1);
            noc_async_read_page(m * Kt + k, a, get_write_ptr(cb_a));
            cb_reserve_back(cb_b, 1);
            noc_async_read_page(k * Nt + n, b, get_write_ptr(cb_b));
            noc_async_read_barrier();
            cb_push_back(cb_a, 1);
            cb_push_back(cb_b, 1);
        }
    }
}
