// The C ABI between emulated kernels and the emulator runtime (libttsim).
//
// Kernel headers (api/...) are thin inline wrappers over these calls; the runtime implements them
// against the state of the core whose kernel is running. Every call may fault: a fault never
// returns, it hands control back to the scheduler, which reports it to Python.
#pragma once

#include <cstdint>

extern "C" {

// ---- host-facing run interface (driven from Python through ctypes) ----
struct TtsimCore {
    int32_t x;
    int32_t y;
};

struct TtsimCB {
    uint32_t core;
    uint32_t index;
    uint32_t page_size;
    uint32_t num_pages;
    uint32_t format;
    uint32_t l1_offset;
};

struct TtsimKernel {
    uint32_t core;
    uint32_t role;  // 0 reader, 1 writer, 2 compute
    uint32_t fp32_dest_acc_en;
    uint32_t math_fidelity;  // 1 LoFi .. 4 HiFi4
    const char* so_path;
    const char* name;
    const uint32_t* rt_args;
    uint32_t n_rt_args;
    const uint32_t* common_args;
    uint32_t n_common_args;
    uint32_t private_state;  // the object has mutable globals: so_path is this core's own copy
    uint32_t unpack_to_dest_fp32;  // bit per CB: copy_tile unpacks its fp32 tiles straight to DST
};

// One 32-bit word written into a core's L1 before the run (semaphore initial values).
struct TtsimWord {
    uint32_t core;
    uint32_t offset;
    uint32_t value;
};

struct TtsimDram {
    uint32_t addr;
    uint32_t size;
    uint8_t* data;
};

struct TtsimCBStats {
    uint64_t pages_pushed;
    uint64_t pages_popped;
    uint32_t max_occupancy;
    uint32_t configured;
};

struct TtsimKernelStats {
    uint64_t times_blocked;
    uint64_t blocked_ops;  // CB operations (global logical time) that elapsed while blocked
    uint64_t noc_reads;
    uint64_t noc_writes;
    uint64_t noc_bytes;
    uint64_t tile_ops;
    // Modelled time (compiler/sim/runtime/cost.cpp), in device cycles. A data-movement kernel has
    // one timeline; a compute kernel three (unpack, math, pack TRISCs), busy_* per timeline.
    uint64_t cycles;          // when the kernel finished
    uint64_t busy_cycles[3];  // time spent working (not waiting) per timeline
    uint64_t wait_in_cycles;  // waiting in cb_wait_front for a producer
    uint64_t wait_out_cycles; // waiting in cb_reserve_back for a consumer
    uint64_t noc_wait_cycles; // waiting in NOC barriers for transfers to land
    uint64_t matmul_tiles;    // matmul_tiles calls (2 * 32^3 flops each)
};

// Constants of the cycle-approximate model (compiler/sim/cost.py documents their sources).
struct TtsimCostParams {
    double link_bytes_per_cycle;  // one core's NOC port
    double dram_bytes_per_cycle;  // all DRAM channels together, shared by every core
    uint32_t dram_latency;        // cycles from request to first byte, besides hops
    uint32_t hop_cycles;          // per router hop
    uint32_t dram_hops;           // average hops between a core and a DRAM bank
    uint32_t noc_issue;           // a RISC-V issuing one NOC command
    uint32_t cb_op;               // one CB call on a data-movement RISC-V
    uint32_t compute_cb_op;       // one CB call on a TRISC
    uint32_t dst_op;              // one tile_regs_* call
    uint32_t init;                // an *_init reconfiguring unpacker and math
    uint32_t matmul_lofi;         // one 32x32x32 matmul_tiles at LoFi; times fidelity passes
    uint32_t eltwise;             // one FPU binary tile op at LoFi (mul: times fidelity passes)
    uint32_t datacopy;            // copy_tile / transpose / unary_bcast math
    uint32_t reduce;              // reduce_tile math
    uint32_t sfpu_simple;         // relu, negative, abs, square, fill, max/min, typecast, +-* scalar
    uint32_t sfpu_transcendental; // exp, log, recip, sqrt, rsqrt, gelu, sigmoid, tanh, silu, / scalar
    double unpack_bytes_per_cycle;
    double pack_bytes_per_cycle;
};

struct TtsimEvent {
    uint64_t seq;  // global logical time: order of CB operations across all cores
    uint32_t core;
    uint32_t kernel;
    uint32_t op;  // 0 reserve, 1 push, 2 wait, 3 pop
    uint32_t cb;
    uint32_t pages;
    uint32_t occupancy;  // pages in the CB after the op
};

// Returns 0 on success, otherwise an ErrorKind code with a message in `msg`.
int ttsim_run(
    const TtsimCore* cores,
    uint32_t n_cores,
    const TtsimCB* cbs,
    uint32_t n_cbs,
    const TtsimKernel* kernels,
    uint32_t n_kernels,
    const TtsimDram* dram,
    uint32_t n_dram,
    const TtsimWord* l1_words,
    uint32_t n_l1_words,
    uint32_t l1_size,
    double timeout_s,
    TtsimCBStats* cb_stats,          // n_cores * 32
    TtsimKernelStats* kernel_stats,  // n_kernels
    TtsimEvent* events,              // may be null
    uint64_t events_cap,
    uint64_t* events_len,
    char* msg,
    uint32_t msg_cap);

// The model the next ttsim_run applies (defaults until set).
void ttsim_set_cost_params(const TtsimCostParams* params);

// ---- kernel-facing calls ----
uint32_t ttsim_arg(int32_t idx, uint32_t common);
uintptr_t ttsim_arg_addr(int32_t idx, uint32_t common);
void ttsim_fail(const char* what);
uint32_t ttsim_my_x(void);
uint32_t ttsim_my_y(void);
void ttsim_yield(void);

// Circular buffers (op: 0 reserve_back, 1 push_back, 2 wait_front, 3 pop_front).
void ttsim_cb_op(uint32_t op, int32_t cb, int32_t pages, uint32_t line);
uint32_t ttsim_cb_ptr(int32_t cb, uint32_t write_side);
uint32_t ttsim_cb_query(uint32_t op, int32_t cb, int32_t pages);  // non-blocking: 1 if op would not block
uint32_t ttsim_cb_page_size(int32_t cb);
uint32_t ttsim_cb_format(int32_t cb);

// NOC: 64-bit addresses are (target << 32) | local address; see sim_runtime.cpp.
uint64_t ttsim_dram_page_addr(uint32_t bank_base, uint32_t page_id, uint32_t page_size, uint32_t offset);
uint64_t ttsim_noc_addr_local(uint32_t l1_addr);
uint64_t ttsim_noc_addr_xy(uint32_t x, uint32_t y, uint32_t addr);
void ttsim_noc_read(uint64_t src, uint32_t dst_l1, uint32_t size, uint32_t line);
void ttsim_noc_write(uint32_t src_l1, uint64_t dst, uint32_t size, uint32_t line);
void ttsim_noc_barrier(uint32_t reads, uint32_t writes);
uint64_t ttsim_noc_mcast_addr(uint32_t x0, uint32_t y0, uint32_t x1, uint32_t y1, uint32_t addr);
void ttsim_noc_write_mcast(uint32_t src_l1, uint64_t dst, uint32_t size, uint32_t num_dests, uint32_t line);
uint32_t ttsim_semaphore(uint32_t id);
void ttsim_sem_wait(const volatile uint32_t* sem, uint32_t value, uint32_t at_least, uint32_t line);
void ttsim_sem_inc(uint64_t addr, uint32_t incr, uint32_t line);
void ttsim_sem_set_remote(uint32_t src_l1, uint64_t dst, uint32_t line);
void ttsim_sem_set_mcast(uint32_t src_l1, uint64_t dst, uint32_t num_dests, uint32_t line);

// Compute. DST calls: 0 acquire, 1 commit, 2 wait, 3 release, 4 acquire_dst (legacy), 5 release_dst.
void ttsim_dst(uint32_t op, uint32_t line);
void ttsim_hw_startup(uint32_t icb0, uint32_t icb1, uint32_t ocb, uint32_t reverse);
// Reconfigure one FormatUnit to new_cb's format; with old_cb >= 0 only if the two formats differ.
void ttsim_reconfig(uint32_t unit, int32_t old_cb, uint32_t new_cb);
void ttsim_fpu_init(uint32_t mode, uint32_t sub, uint32_t icb0, uint32_t icb1, uint32_t flag);
void ttsim_matmul_tiles(uint32_t in0, uint32_t in1, uint32_t i0, uint32_t i1, uint32_t idst, uint32_t line);
void ttsim_binary_tiles(uint32_t op, uint32_t bcast, uint32_t in0, uint32_t in1, uint32_t i0, uint32_t i1, uint32_t idst,
                        uint32_t bcast_row, uint32_t line);
void ttsim_unary_bcast(uint32_t bcast, uint32_t cb, uint32_t itile, uint32_t idst, uint32_t line);
void ttsim_transpose_tile(uint32_t cb, uint32_t itile, uint32_t idst, uint32_t line);
void ttsim_sfpu_binary(uint32_t op, uint32_t idst0, uint32_t idst1, uint32_t odst);
// where_tile<data_format>: odst = idst0 != 0 ? idst1 : idst2.
void ttsim_sfpu_where(uint32_t data_format, uint32_t idst0, uint32_t idst1, uint32_t idst2, uint32_t odst);
void ttsim_copy_tile(uint32_t cb, uint32_t itile, uint32_t idst, uint32_t line);
// The packer's reduce edge mask: on (reduce_init: packs into ocb keep only dim's result) or off.
void ttsim_reduce_mask(uint32_t on, uint32_t dim, uint32_t ocb);
void ttsim_reduce_tile(uint32_t type, uint32_t dim, uint32_t icb, uint32_t scb, uint32_t itile, uint32_t stile, uint32_t idst,
                       uint32_t line);
// out_index TTSIM_PACK_IN_ORDER: the hardware default (out_of_order_output=false) packs tiles one
// after another from the CB's write pointer, whatever index the kernel passes.
#define TTSIM_PACK_IN_ORDER 0xFFFFFFFFu
void ttsim_pack_tile(uint32_t idst, uint32_t ocb, uint32_t out_index, uint32_t line);
void ttsim_pack_l1_acc(uint32_t enable);
void ttsim_sfpu_init(uint32_t op);
void ttsim_sfpu(uint32_t op, uint32_t idst, float param);
void ttsim_typecast(uint32_t in_fmt, uint32_t out_fmt, uint32_t idst, uint32_t line);
}
