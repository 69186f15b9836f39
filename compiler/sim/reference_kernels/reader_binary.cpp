// Reader of an element-wise binary op: tiles [start, start + n) of two interleaved DRAM buffers
// into CB c_0 and c_1, one tile at a time (after tt-metal's eltwise_binary example).
// Compile-time args: TensorAccessorArgs of input 0, then of input 1.
// Runtime args: src0 address, src1 address, n tiles, start tile.
#include <cstdint>

void kernel_main() {
    const uint32_t src0_addr = get_arg_val<uint32_t>(0);
    const uint32_t src1_addr = get_arg_val<uint32_t>(1);
    const uint32_t n_tiles = get_arg_val<uint32_t>(2);
    const uint32_t start_tile = get_arg_val<uint32_t>(3);

    constexpr uint32_t cb_in0 = tt::CBIndex::c_0;
    constexpr uint32_t cb_in1 = tt::CBIndex::c_1;
    constexpr auto args0 = TensorAccessorArgs<0>();
    constexpr auto args1 = TensorAccessorArgs<args0.next_compile_time_args_offset()>();
    const auto in0 = TensorAccessor(args0, src0_addr, get_tile_size(cb_in0));
    const auto in1 = TensorAccessor(args1, src1_addr, get_tile_size(cb_in1));

    for (uint32_t i = 0; i < n_tiles; ++i) {
        cb_reserve_back(cb_in0, 1);
        cb_reserve_back(cb_in1, 1);
        noc_async_read_page(start_tile + i, in0, get_write_ptr(cb_in0));
        noc_async_read_page(start_tile + i, in1, get_write_ptr(cb_in1));
        noc_async_read_barrier();
        cb_push_back(cb_in0, 1);
        cb_push_back(cb_in1, 1);
    }
}
