// The cycle-approximate Tensix model: every API call a kernel makes advances that kernel's
// modelled clock; CBs, DST halves, NOC barriers and semaphores carry time between kernels.
//
// It runs on what the emulator executes (the same hooks for generated and hand-written kernels),
// so the ratio of two programs' cycles means something. Kernels run in logical order on one
// thread, not in modelled time: a resource shared by every core (DRAM bandwidth) is therefore a
// calendar of time bins that transfers fill first come first served, which is exact for a
// steady stream and approximate when one core runs far ahead of another. Constants come from
// Python (compiler/sim/cost.py, with their sources); docs/performance.md explains the model.
#include <algorithm>
#include <cmath>

#include "state.h"

namespace ttsim {

namespace {

constexpr uint32_t kRoleCompute = 2;
constexpr uint32_t kUnpack = 0, kMath = 1, kPack = 2;
constexpr uint64_t kBin = 256;  // cycles per DRAM calendar bin

// Device.run sets these from compiler/sim/cost.py before every run; until then, Wormhole's.
TtsimCostParams g_params = {
    32.0, 288.0, 300, 9, 4, 12, 8, 4, 4, 20, 16, 16, 16, 32, 128, 512, 256.0, 128.0,
};

Timing& tm() { return cur_fiber().tm; }
bool is_compute() { return cur_fiber().role == kRoleCompute; }

uint64_t cycles_for(double bytes, double per_cycle) {
    return static_cast<uint64_t>(std::ceil(bytes / per_cycle));
}

// Work of `cycles` on timeline `lane`, starting no earlier than `ready`.
void work(uint32_t lane, uint64_t ready, uint64_t cycles) {
    Timing& t = tm();
    t.t[lane] = std::max(t.t[lane], ready) + cycles;
    t.busy[lane] += cycles;
}

// Serves `bytes` from DRAM starting at `start`; returns when the last byte is served.
uint64_t dram_serve(uint64_t start, uint32_t bytes) {
    auto& bins = g_sim->dram_bins;
    const uint64_t cap = static_cast<uint64_t>(g_params.dram_bytes_per_cycle * kBin);
    uint64_t bin = start / kBin;
    uint64_t left = bytes;
    for (;;) {
        if (bin >= bins.size()) bins.resize(bin + 1 + bins.size() / 2, 0);
        const uint64_t take = std::min(cap - std::min(cap, bins[bin]), left);
        bins[bin] += take;
        left -= take;
        if (left == 0) break;
        ++bin;
    }
    const uint64_t filled = bin * kBin + (bins[bin] * kBin + cap - 1) / cap;
    return std::max(filled, start + cycles_for(bytes, g_params.dram_bytes_per_cycle));
}

uint64_t& sem_time(const void* sem) {
    const auto key = reinterpret_cast<uintptr_t>(sem);
    for (auto& [addr, t] : g_sim->sem_t)
        if (addr == key) return t;
    g_sim->sem_t.emplace_back(key, 0);
    return g_sim->sem_t.back().second;
}

uint64_t sfpu_cycles(uint32_t op) {
    switch (op) {
        case SFPU_EXP:
        case SFPU_LOG:
        case SFPU_RECIP:
        case SFPU_SQRT:
        case SFPU_RSQRT:
        case SFPU_GELU:
        case SFPU_SIGMOID:
        case SFPU_TANH:
        case SFPU_SILU:
        case SFPU_DIV_SCALAR:
        case SFPU_EXP2:
        case SFPU_LOG_BASE:
        case SFPU_ERF:
        case SFPU_LOG1P:
        case SFPU_SIN:
        case SFPU_COS:
        case SFPU_DIV_BINARY: return g_params.sfpu_transcendental;
        default: return g_params.sfpu_simple;
    }
}

}  // namespace

void cost_setup_cb(CBState& c) {
    c.push_t.assign(c.num_pages, 0);
    c.pop_t.assign(c.num_pages, 0);
}

void cost_cb(uint32_t op, CBState& c, uint32_t pages) {
    Timing& t = tm();
    const bool compute = is_compute();
    // On device the unpack TRISC runs cb_wait_front/cb_pop_front, the pack TRISC the back side.
    const uint32_t lane = !compute ? 0 : (op == kCbOpWait || op == kCbOpPop) ? kUnpack : kPack;
    const uint64_t cost = compute ? g_params.compute_cb_op : g_params.cb_op;
    if (pages == 0) return work(lane, 0, cost);
    // Waiting on a CB the kernel feeds itself (a compute partials CB) is no producer's or
    // consumer's fault: it counts as neither wait_in nor wait_out.
    const uint32_t self = cur_fiber().index;
    switch (op) {
        case kCbOpWait: {
            const uint64_t ready = c.push_t[(c.rd_page + pages - 1) % c.num_pages];
            if (ready > t.t[lane] && c.pusher != self) t.wait_in += ready - t.t[lane];
            return work(lane, ready, cost);
        }
        case kCbOpReserve: {
            const uint64_t ready = c.pop_t[(c.wr_page + pages - 1) % c.num_pages];
            if (ready > t.t[lane] && c.popper != self) t.wait_out += ready - t.t[lane];
            return work(lane, ready, cost);
        }
        case kCbOpPush:
            work(lane, 0, cost);
            c.pusher = self;
            for (uint32_t i = 0; i < pages; ++i) c.push_t[(c.wr_page + i) % c.num_pages] = t.t[lane];
            return;
        default:
            work(lane, 0, cost);
            c.popper = self;
            for (uint32_t i = 0; i < pages; ++i) c.pop_t[(c.rd_page + i) % c.num_pages] = t.t[lane];
    }
}

uint32_t noc_hops(uint64_t noc_addr) {
    const uint64_t target = noc_addr >> 32;
    const Core& self = cur_core();
    const int32_t x = static_cast<int32_t>(target & 0xFF), y = static_cast<int32_t>((target >> 8) & 0xFF);
    return static_cast<uint32_t>(std::abs(x - self.x) + std::abs(y - self.y));
}

void cost_noc(uint32_t bytes, bool dram, uint32_t hops, bool read) {
    Timing& t = tm();
    work(0, 0, g_params.noc_issue);
    const uint64_t start = std::max(t.t[0], t.port_free);
    t.port_free = start + cycles_for(bytes, g_params.link_bytes_per_cycle);
    uint64_t done = t.port_free + static_cast<uint64_t>(g_params.hop_cycles) * hops;
    if (dram)
        done = std::max(t.port_free, dram_serve(start, bytes)) + g_params.dram_latency +
               static_cast<uint64_t>(g_params.hop_cycles) * g_params.dram_hops;
    uint64_t& pending = read ? t.reads_done : t.writes_done;
    pending = std::max(pending, done);
}

void cost_noc_barrier(bool reads, bool writes) {
    Timing& t = tm();
    uint64_t ready = t.t[0];
    if (reads) ready = std::max(ready, t.reads_done);
    if (writes) ready = std::max(ready, t.writes_done);
    t.noc_wait += ready - t.t[0];
    t.t[0] = ready;
}

void cost_sem_update(const void* sem) {
    Timing& t = tm();
    work(0, 0, g_params.noc_issue);
    uint64_t& when = sem_time(sem);
    when = std::max(when, std::max(t.t[0], t.writes_done));
}

void cost_sem_wait(const void* sem) {
    Timing& t = tm();
    const uint64_t ready = sem_time(sem);
    if (ready > t.t[0]) t.wait_in += ready - t.t[0];
    work(0, ready, g_params.cb_op);
}

// DST calls: 0 acquire, 1 commit (math), 2 wait, 3 release (pack), 4/5 acquire_dst/release_dst.
void cost_dst(uint32_t op) {
    Timing& t = tm();
    switch (op) {
        case 0:  // math waits for pack to free the half it gets (DST is double-buffered)
        case 4: work(kMath, t.release_t[t.half], g_params.dst_op); break;
        case 1:
            work(kMath, 0, g_params.dst_op);
            t.commit_t = t.t[kMath];
            break;
        case 2: work(kPack, t.commit_t, g_params.dst_op); break;
        case 3:
            work(kPack, 0, g_params.dst_op);
            t.release_t[t.half] = t.t[kPack];
            t.half ^= 1;
            break;
        default:  // release_dst: full sync, pack has packed what math made
            work(kPack, t.t[kMath], g_params.dst_op);
            t.release_t[t.half] = t.t[kPack];
            t.half ^= 1;
    }
}

void cost_init() {
    work(kUnpack, 0, g_params.init);
    work(kMath, 0, g_params.init);
}

void cost_fpu(Fpu kind, uint32_t bytes_unpacked) {
    Timing& t = tm();
    const uint64_t passes = cur_core().compute ? cur_core().compute->fidelity : 4;
    uint64_t math = 0;
    switch (kind) {
        case Fpu::Matmul:
            math = g_params.matmul_lofi * passes;
            ++t.matmul_tiles;
            break;
        case Fpu::Eltwise: math = g_params.eltwise; break;
        case Fpu::EltwiseMul: math = g_params.eltwise * passes; break;
        case Fpu::Datacopy: math = g_params.datacopy; break;
        case Fpu::Reduce: math = g_params.reduce; break;
    }
    // Source registers are double-buffered: unpack runs at most one op ahead of math.
    work(kUnpack, t.math_start, cycles_for(bytes_unpacked, g_params.unpack_bytes_per_cycle));
    const uint64_t start = std::max(t.t[kMath], t.t[kUnpack]);
    t.math_start = start;
    work(kMath, start, math);
}

void cost_sfpu(uint32_t op) { work(kMath, 0, sfpu_cycles(op)); }

void cost_pack(uint32_t format) {
    const ComputeState* cs = cur_core().compute;
    // acquire_dst (full sync) has no commit: pack follows math directly
    const uint64_t ready = cs && cs->dst_state == DstState::Legacy ? tm().t[kMath] : 0;
    work(kPack, ready, cycles_for(tile_bytes(format), g_params.pack_bytes_per_cycle));
}

void cost_finish(Fiber& f) {
    const Timing& t = f.tm;
    f.stats.cycles = std::max({t.t[0], t.t[1], t.t[2]});
    std::copy(t.busy, t.busy + 3, f.stats.busy_cycles);
    f.stats.wait_in_cycles = t.wait_in;
    f.stats.wait_out_cycles = t.wait_out;
    f.stats.noc_wait_cycles = t.noc_wait;
    f.stats.matmul_tiles = t.matmul_tiles;
}

}  // namespace ttsim

extern "C" void ttsim_set_cost_params(const TtsimCostParams* params) { ttsim::g_params = *params; }
