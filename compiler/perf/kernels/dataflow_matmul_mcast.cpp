// Multicast matmul data movement (after tt-metal's matmul_multicore_reuse_mcast): each core
// computes one bm x bn block of C; the cores of grid column 0 read the A blocks of their row
// from DRAM and multicast them along the row, the cores of grid row 0 do the same with B down
// their column, so every tile of A and B leaves DRAM once.
// Built twice: RISCV_0 moves A into c_0; RISCV_1 (-DWRITE_OUTPUT) moves B into c_1 and then
// writes the output block from c_16, subblock by subblock.
// Compile-time args: TensorAccessorArgs of the operand, then (WRITE_OUTPUT) of C.
// Runtime args: operand address, first tile, row pitch (tiles), block rows, block cols, advance
// per K block (tiles), K blocks, is sender, sender x, sender y, multicast rectangle x0 y0 x1 y1,
// receivers, ready semaphore id, valid semaphore id; with WRITE_OUTPUT then C address, Nt,
// m0, n0, bm, bn, sub_h, sub_w.
#include <cstdint>

#ifdef WRITE_OUTPUT
constexpr uint32_t cb_operand = tt::CBIndex::c_1;
#else
constexpr uint32_t cb_operand = tt::CBIndex::c_0;
#endif

void kernel_main() {
    const uint32_t addr = get_arg_val<uint32_t>(0);
    const uint32_t first = get_arg_val<uint32_t>(1);
    const uint32_t pitch = get_arg_val<uint32_t>(2);
    const uint32_t rows = get_arg_val<uint32_t>(3);
    const uint32_t cols = get_arg_val<uint32_t>(4);
    const uint32_t advance = get_arg_val<uint32_t>(5);
    const uint32_t k_blocks = get_arg_val<uint32_t>(6);
    const bool sender = get_arg_val<uint32_t>(7) != 0;
    const uint32_t sender_x = get_arg_val<uint32_t>(8);
    const uint32_t sender_y = get_arg_val<uint32_t>(9);
    const uint32_t x0 = get_arg_val<uint32_t>(10);
    const uint32_t y0 = get_arg_val<uint32_t>(11);
    const uint32_t x1 = get_arg_val<uint32_t>(12);
    const uint32_t y1 = get_arg_val<uint32_t>(13);
    const uint32_t receivers = get_arg_val<uint32_t>(14);
    const uint32_t ready_addr = get_semaphore(get_arg_val<uint32_t>(15));
    const uint32_t valid_addr = get_semaphore(get_arg_val<uint32_t>(16));
    volatile tt_l1_ptr uint32_t* ready = reinterpret_cast<volatile tt_l1_ptr uint32_t*>(ready_addr);
    volatile tt_l1_ptr uint32_t* valid = reinterpret_cast<volatile tt_l1_ptr uint32_t*>(valid_addr);

    constexpr auto args = TensorAccessorArgs<0>();
    const uint32_t tile = get_tile_size(cb_operand);
    const auto operand = TensorAccessor(args, addr, tile);
    const uint32_t block_tiles = rows * cols;
    const uint64_t sender_ready = get_noc_addr(sender_x, sender_y, ready_addr);
    if (sender) *valid = 1;  // the value multicast to the receivers' valid semaphore

    for (uint32_t kb = 0; kb < k_blocks; ++kb) {
        cb_reserve_back(cb_operand, block_tiles);
        const uint32_t l1_block = get_write_ptr(cb_operand);
        if (sender) {
            uint32_t l1 = l1_block;
            for (uint32_t r = 0; r < rows; ++r) {
                for (uint32_t c = 0; c < cols; ++c) {
                    noc_async_read_page(first + kb * advance + r * pitch + c, operand, l1);
                    l1 += tile;
                }
            }
            noc_async_read_barrier();
            if (receivers > 0) {
                // the receivers' CB slots are free once each has said so
                noc_semaphore_wait(ready, receivers);
                noc_semaphore_set(ready, 0);
                noc_async_write_multicast(l1_block, get_noc_multicast_addr(x0, y0, x1, y1, l1_block),
                                          block_tiles * tile, receivers);
                noc_semaphore_set_multicast(valid_addr, get_noc_multicast_addr(x0, y0, x1, y1, valid_addr),
                                            receivers);
                noc_async_write_barrier();
            }
        } else {
            noc_semaphore_set(valid, 0);
            noc_semaphore_inc(sender_ready, 1);
            noc_semaphore_wait(valid, 1);
        }
        cb_push_back(cb_operand, block_tiles);
    }

#ifdef WRITE_OUTPUT
    constexpr uint32_t cb_out = tt::CBIndex::c_16;
    constexpr auto c_args = TensorAccessorArgs<args.next_compile_time_args_offset()>();
    const uint32_t out_tile = get_tile_size(cb_out);
    const auto out = TensorAccessor(c_args, get_arg_val<uint32_t>(17), out_tile);
    const uint32_t Nt = get_arg_val<uint32_t>(18);
    const uint32_t m0 = get_arg_val<uint32_t>(19);
    const uint32_t n0 = get_arg_val<uint32_t>(20);
    const uint32_t bm = get_arg_val<uint32_t>(21);
    const uint32_t bn = get_arg_val<uint32_t>(22);
    const uint32_t sub_h = get_arg_val<uint32_t>(23);
    const uint32_t sub_w = get_arg_val<uint32_t>(24);
    for (uint32_t sh = 0; sh < bm / sub_h; ++sh) {
        for (uint32_t sw = 0; sw < bn / sub_w; ++sw) {
            cb_wait_front(cb_out, sub_h * sub_w);
            uint32_t l1 = get_read_ptr(cb_out);
            for (uint32_t h = 0; h < sub_h; ++h) {
                for (uint32_t w = 0; w < sub_w; ++w) {
                    noc_async_write_page((m0 + sh * sub_h + h) * Nt + n0 + sw * sub_w + w, out, l1);
                    l1 += out_tile;
                }
            }
            noc_async_write_barrier();
            cb_pop_front(cb_out, sub_h * sub_w);
        }
    }
#endif
}
