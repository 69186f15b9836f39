// Reduce reader: first one scaler tile into c_2 (every element the bf16 bits of runtime arg 6),
// then for each outer index o in [outer_start, outer_start + outer_count) the tiles
// o * outer_stride + i * inner_stride, i = 0 .. inner_count-1, into c_0.
// Compile-time args: TensorAccessorArgs of the input.
// Runtime args: src address, outer_start, outer_count, inner_count, outer_stride, inner_stride,
// scaler bf16 bits.
#include <cstdint>

void kernel_main() {
    const uint32_t src_addr = get_arg_val<uint32_t>(0);
    const uint32_t outer_start = get_arg_val<uint32_t>(1);
    const uint32_t outer_count = get_arg_val<uint32_t>(2);
    const uint32_t inner_count = get_arg_val<uint32_t>(3);
    const uint32_t outer_stride = get_arg_val<uint32_t>(4);
    const uint32_t inner_stride = get_arg_val<uint32_t>(5);
    const uint32_t scaler_bits = get_arg_val<uint32_t>(6);

    constexpr uint32_t cb_in = tt::CBIndex::c_0;
    constexpr uint32_t cb_scaler = tt::CBIndex::c_2;
    cb_reserve_back(cb_scaler, 1);
    volatile tt_l1_ptr uint16_t* scaler = reinterpret_cast<volatile tt_l1_ptr uint16_t*>(get_write_ptr(cb_scaler));
    for (uint32_t i = 0; i < 1024; ++i) {
        scaler[i] = static_cast<uint16_t>(scaler_bits);
    }
    cb_push_back(cb_scaler, 1);

    constexpr auto args = TensorAccessorArgs<0>();
    const auto in = TensorAccessor(args, src_addr, get_tile_size(cb_in));
    for (uint32_t o = outer_start; o < outer_start + outer_count; ++o) {
        for (uint32_t i = 0; i < inner_count; ++i) {
            cb_reserve_back(cb_in, 1);
            noc_async_read_page(o * outer_stride + i * inner_stride, in, get_write_ptr(cb_in));
            noc_async_read_barrier();
            cb_push_back(cb_in, 1);
        }
    }
}
