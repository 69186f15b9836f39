// Internal state of one emulator run: cores, their CBs and DST, kernel fibers, DRAM buffers.
// Shared by scheduler.cpp (fibers, faults, reports), dataflow.cpp (CB, NOC) and compute.cpp.
#pragma once

#include <ucontext.h>

#include <cstdint>
#include <string>
#include <vector>

#include "ttsim/ops.h"
#include "ttsim/runtime_api.h"

namespace ttsim {

enum class ErrorKind : int {
    None = 0,
    Deadlock = 1,
    CB = 2,
    Dst = 3,
    ComputeState = 4,
    Noc = 5,
    KernelArg = 6,
    KernelFault = 7,
    Watchdog = 8,
    Config = 9,
};

constexpr uint32_t kNumCBs = 32;
constexpr uint32_t kDstTiles = 16;
constexpr uint32_t kTileElems = 1024;
// Semaphores sit in the reserved bottom of L1, 16 B apart (L1 alignment); Python writes their
// initial values (compiler/sim/device.py SEMAPHORE_OFFSET must match).
constexpr uint32_t kSemaphoreOffset = 0x1000;
constexpr uint32_t kMaxSemaphores = 16;
constexpr uint32_t kCbOpReserve = 0, kCbOpPush = 1, kCbOpWait = 2, kCbOpPop = 3;
// Blocking calls that are not CB calls: semaphore waits (value == target, value >= target).
constexpr uint32_t kSemWaitEq = 4, kSemWaitMin = 5;

// tt-metal DataFormat codes this emulator stores.
enum Format : uint32_t {
    FMT_FLOAT32 = 0,
    FMT_FLOAT16 = 1,
    FMT_BF16 = 5,
    FMT_BFP8_B = 6,
    FMT_INT32 = 8,
    FMT_UINT16 = 9,
    FMT_UINT32 = 24,
    FMT_UINT8 = 30
};
constexpr uint32_t kFormatUnknown = UINT32_MAX;

struct CBState {
    bool configured = false;
    uint32_t page_size = 0;
    uint32_t num_pages = 0;
    uint32_t format = 0;
    uint8_t* base = nullptr;
    uint64_t pushed = 0;
    uint64_t popped = 0;
    uint32_t wr_page = 0;
    uint32_t rd_page = 0;
    uint32_t reserved = 0;  // pages granted by cb_reserve_back and not yet pushed
    uint32_t waited = 0;    // pages the consumer has cb_wait_front-ed (or polled) and not yet popped
    uint32_t packed_in_order = 0;  // tiles pack_tile placed in order since the last push
    uint32_t max_occupancy = 0;
    // Modelled time each page was last pushed / popped: CB blocking carries time from producer
    // to consumer (a consumer cannot start before the page it waits for was pushed).
    std::vector<uint64_t> push_t;
    std::vector<uint64_t> pop_t;
    uint32_t pusher = UINT32_MAX, popper = UINT32_MAX;  // fibers on each side, once seen

    uint32_t occupancy() const { return static_cast<uint32_t>(pushed - popped); }
    uint32_t free_pages() const { return num_pages - occupancy(); }
};

enum class DstState : uint32_t { Idle = 0, Acquired = 1, Committed = 2, Waited = 3, Legacy = 4 };

// The format a unit (SrcA, SrcB, packer) is configured for and the call that configured it.
struct FormatSetting {
    uint32_t format = 0;
    const char* by = "";
};

struct ComputeState {
    bool hw_started = false;
    FormatSetting unit[3];  // indexed by FormatUnit
    uint32_t fpu_mode = FPU_NONE;
    uint32_t binary_op = BIN_ADD;
    uint32_t bcast = BCAST_NONE;  // eltwise and unary_bcast: how the second operand is broadcast
    bool acc_to_dest = false;
    bool transpose = false;
    bool l1_acc = false;  // pack adds to the CB page instead of overwriting it
    uint32_t reduce_type = 0, reduce_dim = 0;
    bool pack_mask = false;  // reduce_init's packer edge mask, for packs into pack_mask_cb
    uint32_t pack_mask_dim = 0, pack_mask_cb = 0;
    uint64_t sfpu_inited = 0;  // bit per SfpuOp
    DstState dst_state = DstState::Idle;
    bool fp32_dest = false;
    uint32_t unpack_to_dest_fp32 = 0;  // bit per CB (TtsimKernel)
    uint32_t fidelity = 4;  // multiplier passes: 1 LoFi .. 4 HiFi4
    bool dst_touched[kDstTiles] = {};
    // Format each DST tile's values are in (the CB copy_tile read, DST's own float format after
    // math, OUT after typecast), kFormatUnknown for a tile untouched since acquire.
    uint32_t dst_fmt[kDstTiles] = {};
    alignas(64) float dst[kDstTiles][kTileElems];  // row-major 32x32 per tile
};

// Modelled timelines of one kernel (cost.cpp). Data-movement kernels use timeline 0; compute
// kernels 0 unpack, 1 math, 2 pack, which run in parallel on device and meet at CBs and DST.
struct Timing {
    uint64_t t[3] = {0, 0, 0};
    uint64_t busy[3] = {0, 0, 0};
    uint64_t wait_in = 0, wait_out = 0, noc_wait = 0;
    uint64_t reads_done = 0, writes_done = 0;  // when the outstanding transfers land
    uint64_t port_free = 0;                    // this RISC's NOC port
    uint64_t math_start = 0;                   // start of the last math op (bounds unpack run-ahead)
    uint64_t commit_t = 0;                     // math handed the DST half to pack
    uint64_t release_t[2] = {0, 0};            // pack released each DST half
    uint32_t half = 0;
    uint64_t matmul_tiles = 0;
};

struct Range {
    uintptr_t lo, hi;
};

struct Core {
    int32_t x = 0, y = 0;
    uint8_t* l1 = nullptr;
    CBState cb[kNumCBs];
    ComputeState* compute = nullptr;
};

struct Block {
    uint32_t op = 0;  // kCbOp* or kSemWait*
    int32_t cb = 0;
    int32_t pages = 0;  // pages, or the semaphore target value
    uint32_t line = 0;
    const volatile uint32_t* sem = nullptr;
};

struct Fiber {
    ucontext_t ctx;
    uint8_t* stack = nullptr;
    size_t stack_size = 0;
    uint32_t index = 0;
    uint32_t core = 0;
    uint32_t role = 0;
    std::string name;
    void (*entry)() = nullptr;
    const uint32_t* args = nullptr;
    uint32_t n_args = 0;
    const uint32_t* common = nullptr;
    uint32_t n_common = 0;
    bool started = false;
    bool done = false;
    bool blocked = false;
    Block block;
    std::vector<Range> pending_reads;   // L1 destinations of reads not yet barriered
    std::vector<Range> pending_writes;  // L1 sources of writes not yet barriered
    TtsimKernelStats stats{};
    Timing tm;
};

struct Sim {
    std::vector<Core> cores;
    std::vector<Fiber> fibers;
    std::vector<TtsimDram> dram;  // sorted by address
    uint32_t l1_size = 0;
    size_t l1_stride = 0;  // L1 of core i starts at l1_arena + i * l1_stride; a guard follows each
    uint8_t* l1_arena = nullptr;
    std::vector<void*> private_objects;  // per-core kernel copies, unloaded after the run
    size_t l1_arena_size = 0;
    ucontext_t sched_ctx;
    Fiber* cur = nullptr;
    ErrorKind error = ErrorKind::None;
    std::string message;
    TtsimEvent* events = nullptr;
    uint64_t events_cap = 0;
    uint64_t events_len = 0;
    uint64_t seq = 0;
    std::vector<uint64_t> dram_bins;  // bytes served by DRAM per time bin (cost.cpp)
    std::vector<std::pair<uintptr_t, uint64_t>> sem_t;  // semaphore address -> last remote update
};

extern Sim* g_sim;

// Faults never return: they record the error and switch back to the scheduler.
[[noreturn]] void fault(ErrorKind kind, const char* fmt, ...) __attribute__((format(printf, 2, 3)));
// Suspend the running kernel until its Block condition holds (the scheduler re-checks it).
void block_current(const Block& b);
// Let the other kernels run once (a kernel polling a condition would otherwise spin forever on
// this single thread while, on device, its partners run in parallel).
void yield_current();
bool block_satisfied(const Fiber& f);
std::string cb_state(const Core& core, uint32_t cb);
std::string fiber_label(const Fiber& f);
const char* role_name(uint32_t role);
const char* cb_op_name(uint32_t op);

inline Fiber& cur_fiber() { return *g_sim->cur; }
inline Core& cur_core() { return g_sim->cores[g_sim->cur->core]; }
CBState& checked_cb(int32_t cb, const char* call);
uint32_t tile_bytes(uint32_t format);
const uint8_t* cb_tile_for_read(uint32_t cb, uint32_t index, const char* call);

// ---- the cycle-approximate cost model (cost.cpp): hooks the API calls make ----
enum class Fpu : uint32_t { Matmul, Eltwise, EltwiseMul, Datacopy, Reduce };
void cost_setup_cb(CBState& c);
void cost_cb(uint32_t op, CBState& c, uint32_t pages);  // before the CB's pointers move
// A NOC transfer; `dram` when one end is DRAM, `hops` otherwise (core to core).
void cost_noc(uint32_t bytes, bool dram, uint32_t hops, bool read);
void cost_noc_barrier(bool reads, bool writes);
void cost_sem_update(const void* sem);
void cost_sem_wait(const void* sem);
void cost_dst(uint32_t op);
void cost_init();
void cost_fpu(Fpu kind, uint32_t bytes_unpacked);
void cost_sfpu(uint32_t op);
void cost_pack(uint32_t format);
uint32_t noc_hops(uint64_t noc_addr);
void cost_finish(Fiber& f);

}  // namespace ttsim
