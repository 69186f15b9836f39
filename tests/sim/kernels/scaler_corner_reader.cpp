// Broken reduce reader (runtime args as reader_reduce.cpp, 32-wide input): writes the scaler only
// to element [0][0] of the scaler tile and leaves the rest zero, as if reduce_tile read just that
// element; the hardware multiplies by row 0 of every face.
#include <cstdint>

void kernel_main() {
    const uint32_t src_addr = get_arg_val<uint32_t>(0);
    const uint32_t first = get_arg_val<uint32_t>(1);
    const uint32_t count = get_arg_val<uint32_t>(2);
    const uint32_t scaler_bits = get_arg_val<uint32_t>(6);
    constexpr uint32_t cb_in = tt::CBIndex::c_0;
    constexpr uint32_t cb_scaler = tt::CBIndex::c_2;
    cb_reserve_back(cb_scaler, 1);
    volatile tt_l1_ptr uint16_t* scaler = reinterpret_cast<volatile tt_l1_ptr uint16_t*>(get_write_ptr(cb_scaler));
    for (uint32_t i = 0; i < 1024; ++i) {
        scaler[i] = 0;
    }
    scaler[0] = static_cast<uint16_t>(scaler_bits);
    cb_push_back(cb_scaler, 1);

    constexpr auto args = TensorAccessorArgs<0>();
    const auto in = TensorAccessor(args, src_addr, get_tile_size(cb_in));
    for (uint32_t t = first; t < first + count; ++t) {
        cb_reserve_back(cb_in, 1);
        noc_async_read_page(t, in, get_write_ptr(cb_in));
        noc_async_read_barrier();
        cb_push_back(cb_in, 1);
    }
}
