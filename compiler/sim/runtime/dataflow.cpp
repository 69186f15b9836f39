// Data movement: runtime args, circular buffers with blocking semantics, NOC transfers.
//
// NOC addresses are 64-bit: (target << 32) | local address. Target kDramTarget is the emulated
// DRAM (one address space holding every buffer); kCoreTarget | y << 8 | x is the L1 of core (x,y),
// whose local addresses are real host addresses below 4 GB. Transfers complete at once; the
// ranges they touch stay "pending" until the matching barrier, so publishing a CB page a read is
// still filling (or freeing one a write is still draining) is reported as the race it is.
#include <algorithm>
#include <cstdlib>
#include <cstring>

#include "state.h"

namespace ttsim {

namespace {

constexpr uint64_t kDramTarget = 0x10000;
constexpr uint64_t kCoreTarget = 0x20000;
// Multicast: (kMcastTarget | x0 << 21 | y0 << 14 | x1 << 7 | y1) << 32 | local address.
constexpr uint64_t kMcastTarget = 0x30000000;

const char* const kCbCallNames[] = {"cb_reserve_back", "cb_push_back", "cb_wait_front", "cb_pop_front"};

void record_event(uint32_t op, int32_t cb, int32_t pages, const CBState& c) {
    Sim& s = *g_sim;
    ++s.seq;
    if (s.events_len >= s.events_cap) return;
    s.events[s.events_len++] = {s.seq, cur_fiber().core, cur_fiber().index, op, static_cast<uint32_t>(cb),
                                static_cast<uint32_t>(pages), c.occupancy()};
}

bool overlaps(const std::vector<Range>& ranges, uintptr_t lo, uintptr_t hi) {
    return std::any_of(ranges.begin(), ranges.end(), [&](const Range& r) { return r.lo < hi && lo < r.hi; });
}

Range page_range(const CBState& c, uint32_t first_page, int32_t pages) {
    uintptr_t lo = reinterpret_cast<uintptr_t>(c.base) + static_cast<uintptr_t>(first_page) * c.page_size;
    return {lo, lo + static_cast<uintptr_t>(pages) * c.page_size};
}

void check_no_wrap(const CBState& c, uint32_t page, int32_t pages, const char* call, int32_t cb) {
    if (page + static_cast<uint32_t>(pages) > c.num_pages)
        fault(ErrorKind::CB,
              "%s(cb=%d, %d) at page %u crosses the end of the CB (%u pages): its pages would lie past the CB's "
              "memory; use a CB size that is a multiple of the transfer size [%s]",
              call, cb, pages, page, c.num_pages, cb_state(cur_core(), static_cast<uint32_t>(cb)).c_str());
}

// push and pop hand pages to the other side of the CB; they differ only in which side's pages move,
// which NOC transfers may still touch them, and how a violation reads.
struct CbRelease {
    uint32_t held;                         // pages this side may hand over
    const char* excess_pre;                // fault text around `held` when asked for more
    const char* excess_post;
    uint32_t page;                         // first page handed over
    const std::vector<Range>& pending;     // this fiber's unbarriered transfers that must not touch them
    const char* in_flight;                 // fault text naming such a transfer, then its barrier and verb
    const char* barrier;
    const char* verb;
};

void check_release(const CbRelease& r, const CBState& c, const char* call, int32_t cb, int32_t pages, uint32_t line) {
    if (static_cast<uint32_t>(pages) > r.held)
        fault(ErrorKind::CB, "%s(cb=%d, %d) at line %u %s%u%s [%s]", call, cb, pages, line, r.excess_pre, r.held,
              r.excess_post, cb_state(cur_core(), cb).c_str());
    check_no_wrap(c, r.page, pages, call, cb);
    const Range span = page_range(c, r.page, pages);
    if (overlaps(r.pending, span.lo, span.hi))
        fault(ErrorKind::Noc, "%s(cb=%d, %d) at line %u %s: call %s() before %s", call, cb, pages, line, r.in_flight,
              r.barrier, r.verb);
}

const TtsimDram* find_dram(uint64_t addr) {
    const auto& d = g_sim->dram;
    auto it = std::upper_bound(d.begin(), d.end(), addr, [](uint64_t a, const TtsimDram& b) { return a < b.addr; });
    if (it == d.begin()) return nullptr;
    --it;
    return addr < static_cast<uint64_t>(it->addr) + it->size ? &*it : nullptr;
}

const Core* find_core(uint32_t x, uint32_t y) {
    for (const Core& c : g_sim->cores)
        if (c.x == static_cast<int32_t>(x) && c.y == static_cast<int32_t>(y)) return &c;
    return nullptr;
}

// Host pointer for `size` bytes at NOC address `noc`, or a fault naming the call.
uint8_t* resolve(uint64_t noc, uint32_t size, const char* call, uint32_t line) {
    const uint64_t target = noc >> 32;
    const uint64_t local = noc & 0xFFFFFFFFu;
    if (target == kDramTarget) {
        const TtsimDram* b = find_dram(local);
        if (b == nullptr)
            fault(ErrorKind::Noc, "%s of %u B at line %u: DRAM address 0x%llx is not inside any DRAM buffer", call, size,
                  line, static_cast<unsigned long long>(local));
        if (local + size > static_cast<uint64_t>(b->addr) + b->size)
            fault(ErrorKind::Noc,
                  "%s of %u B at line %u: DRAM address 0x%llx runs past the end of its buffer [0x%x, 0x%llx)", call,
                  size, line, static_cast<unsigned long long>(local), b->addr,
                  static_cast<unsigned long long>(b->addr) + b->size);
        return b->data + (local - b->addr);
    }
    if ((target & ~0xFFFFull) == kCoreTarget) {
        const uint32_t x = target & 0xFF, y = (target >> 8) & 0xFF;
        const Core* c = find_core(x, y);
        if (c == nullptr)
            fault(ErrorKind::Noc, "%s at line %u: core (%u,%u) is not part of this program", call, line, x, y);
        // Every core has the same L1 address map: an address of the issuing core's L1 (where
        // get_semaphore / get_write_ptr point) means the same offset in the target's L1.
        const uint64_t arena = reinterpret_cast<uintptr_t>(g_sim->l1_arena);
        const uint64_t offset = (local - arena) % g_sim->l1_stride;
        if (local < arena || local >= arena + g_sim->l1_arena_size || offset + size > g_sim->l1_size)
            fault(ErrorKind::Noc, "%s of %u B at line %u: address 0x%llx is outside the L1 of core (%u,%u)", call, size,
                  line, static_cast<unsigned long long>(local), x, y);
        return c->l1 + offset;
    }
    fault(ErrorKind::Noc,
          "%s at line %u: NOC address 0x%llx names neither DRAM nor a core (build it with get_noc_addr or an "
          "address generator)",
          call, line, static_cast<unsigned long long>(noc));
}

// Writes `size` bytes from `src` to `local` in every program core of the multicast rectangle
// except the sender, after checking that `num_dests` counts exactly those cores.
void multicast(const uint8_t* src, uint64_t mcast, uint32_t size, uint32_t num_dests, const char* call, uint32_t line,
               bool semaphore = false) {
    const uint64_t target = mcast >> 32;
    if ((target & 0xF0000000ull) != kMcastTarget)
        fault(ErrorKind::Noc, "%s at line %u: 0x%llx is not a multicast address (use get_noc_multicast_addr)", call, line,
              static_cast<unsigned long long>(mcast));
    const uint32_t x0 = (target >> 21) & 0x7F, y0 = (target >> 14) & 0x7F, x1 = (target >> 7) & 0x7F, y1 = target & 0x7F;
    const uint32_t local = static_cast<uint32_t>(mcast & 0xFFFFFFFFu);
    const Core& self = cur_core();
    const bool self_inside = self.x >= static_cast<int32_t>(x0) && self.x <= static_cast<int32_t>(x1) &&
                             self.y >= static_cast<int32_t>(y0) && self.y <= static_cast<int32_t>(y1);
    const uint32_t dests = (x1 - x0 + 1) * (y1 - y0 + 1) - (self_inside ? 1 : 0);
    if (x1 < x0 || y1 < y0 || num_dests != dests)
        fault(ErrorKind::Noc,
              "%s at line %u: num_dests is %u but the rectangle (%u,%u)-(%u,%u) holds %u destination cores "
              "(the sender excluded); on hardware the acknowledgements would never add up",
              call, line, num_dests, x0, y0, x1, y1, dests);
    const uint64_t self_offset = local - reinterpret_cast<uintptr_t>(self.l1);
    if (local < reinterpret_cast<uintptr_t>(self.l1) || self_offset + size > g_sim->l1_size)
        fault(ErrorKind::Noc, "%s of %u B at line %u: address 0x%x is not an L1 address", call, size, line, local);
    for (const Core& c : g_sim->cores) {
        if (&c == &self || c.x < static_cast<int32_t>(x0) || c.x > static_cast<int32_t>(x1) ||
            c.y < static_cast<int32_t>(y0) || c.y > static_cast<int32_t>(y1))
            continue;
        // L1 layouts are identical across cores (same CB and semaphore offsets), as on device.
        std::memcpy(c.l1 + self_offset, src, size);
        if (semaphore) cost_sem_update(c.l1 + self_offset);
    }
}

uint8_t* local_l1(uint32_t addr, uint32_t size, const char* call, uint32_t line) {
    const Core& c = cur_core();
    const uint64_t l1 = reinterpret_cast<uintptr_t>(c.l1);
    if (addr < l1 || static_cast<uint64_t>(addr) + size > l1 + g_sim->l1_size)
        fault(ErrorKind::Noc, "%s of %u B at line %u: local address 0x%x is outside this core's L1 [0x%llx, 0x%llx)",
              call, size, line, addr, static_cast<unsigned long long>(l1),
              static_cast<unsigned long long>(l1 + g_sim->l1_size));
    return reinterpret_cast<uint8_t*>(static_cast<uintptr_t>(addr));
}

// A NOC transfer that touches CB memory may only touch pages the kernel holds: reserved at the
// back (cb_reserve_back) or waited for at the front (cb_wait_front). Anything else races with the
// CB's other side on device, even a page that happens to be pushed already.
void check_cb_pages(uintptr_t lo, uintptr_t hi, const char* call, uint32_t line) {
    const Core& core = cur_core();
    for (uint32_t i = 0; i < kNumCBs; ++i) {
        const CBState& c = core.cb[i];
        if (!c.configured) continue;
        const uintptr_t base = reinterpret_cast<uintptr_t>(c.base);
        const uintptr_t end = base + static_cast<uintptr_t>(c.num_pages) * c.page_size;
        if (hi <= base || lo >= end) continue;
        const uint32_t first = static_cast<uint32_t>((std::max(lo, base) - base) / c.page_size);
        const uint32_t last = static_cast<uint32_t>((std::min(hi, end) - 1 - base) / c.page_size);
        for (uint32_t page = first; page <= last; ++page) {
            const uint32_t from_back = (page + c.num_pages - c.wr_page) % c.num_pages;
            const uint32_t from_front = (page + c.num_pages - c.rd_page) % c.num_pages;
            if (from_back < c.reserved || from_front < c.waited) continue;
            fault(ErrorKind::Noc,
                  "%s at line %u touches page %u of CB %u, which this kernel neither reserved (cb_reserve_back) "
                  "nor waited for at the front (cb_wait_front) [%s]",
                  call, line, page, i, cb_state(core, i).c_str());
        }
    }
}

}  // namespace

CBState& checked_cb(int32_t cb, const char* call) {
    if (cb < 0 || cb >= static_cast<int32_t>(kNumCBs)) fault(ErrorKind::CB, "%s(cb=%d): CB index out of range 0..31", call, cb);
    CBState& c = cur_core().cb[cb];
    if (!c.configured) fault(ErrorKind::CB, "%s(cb=%d): CB %d is not configured on this core", call, cb, cb);
    return c;
}

bool block_satisfied(const Fiber& f) {
    if (f.block.op == kSemWaitEq) return *f.block.sem == static_cast<uint32_t>(f.block.pages);
    if (f.block.op == kSemWaitMin) return *f.block.sem >= static_cast<uint32_t>(f.block.pages);
    const CBState& c = g_sim->cores[f.core].cb[f.block.cb];
    const uint32_t pages = static_cast<uint32_t>(f.block.pages);
    return f.block.op == kCbOpReserve ? c.free_pages() >= pages : c.occupancy() >= pages;
}

}  // namespace ttsim

using namespace ttsim;

extern "C" {

uint32_t ttsim_arg(int32_t idx, uint32_t common) {
    const Fiber& f = cur_fiber();
    const uint32_t n = common ? f.n_common : f.n_args;
    if (idx < 0 || static_cast<uint32_t>(idx) >= n)
        fault(ErrorKind::KernelArg, "%s(%d): only %u %sruntime args are set for this kernel on this core",
              common ? "get_common_arg_val" : "get_arg_val", idx, n, common ? "common " : "");
    return (common ? f.common : f.args)[idx];
}

uintptr_t ttsim_arg_addr(int32_t idx, uint32_t common) {
    ttsim_arg(idx, common);
    const Fiber& f = cur_fiber();
    return reinterpret_cast<uintptr_t>((common ? f.common : f.args) + idx);
}

void ttsim_fail(const char* what) { fault(ErrorKind::KernelFault, "%s", what); }

uint32_t ttsim_my_x(void) { return static_cast<uint32_t>(cur_core().x); }
uint32_t ttsim_my_y(void) { return static_cast<uint32_t>(cur_core().y); }

void ttsim_yield(void) { yield_current(); }

void ttsim_cb_op(uint32_t op, int32_t cb, int32_t pages, uint32_t line) {
    const char* call = kCbCallNames[op];
    CBState& c = checked_cb(cb, call);
    if (pages < 0) fault(ErrorKind::CB, "%s(cb=%d, %d) at line %u: negative page count", call, cb, pages, line);
    const uint32_t n = static_cast<uint32_t>(pages);
    Fiber& f = cur_fiber();
    if ((op == kCbOpReserve || op == kCbOpWait) && n > c.num_pages)
        fault(ErrorKind::CB, "%s(cb=%d, %d) at line %u asks for more pages than the CB holds (%u): it can never complete [%s]",
              call, cb, pages, line, c.num_pages, cb_state(cur_core(), cb).c_str());
    switch (op) {
        case kCbOpReserve:
            check_no_wrap(c, c.wr_page, pages, call, cb);
            while (c.free_pages() < n) block_current({op, cb, pages, line});
            cost_cb(op, c, n);
            c.reserved = std::max(c.reserved, n);
            break;
        case kCbOpPush:
            check_release({c.free_pages(), "overflows the CB: only ", " pages are free", c.wr_page, f.pending_reads,
                           "publishes pages a noc_async_read is still filling", "noc_async_read_barrier", "pushing"},
                          c, call, cb, pages, line);
            cost_cb(op, c, n);
            c.pushed += n;
            c.wr_page = (c.wr_page + n) % c.num_pages;
            c.reserved = c.reserved > n ? c.reserved - n : 0;
            c.packed_in_order = 0;
            c.max_occupancy = std::max(c.max_occupancy, c.occupancy());
            break;
        case kCbOpWait:
            while (c.occupancy() < n) block_current({op, cb, pages, line});
            cost_cb(op, c, n);
            c.waited = std::max(c.waited, n);
            break;
        case kCbOpPop:
            check_release({c.occupancy(), "pops more pages than the CB holds (", ")", c.rd_page, f.pending_writes,
                           "frees pages a noc_async_write is still reading", "noc_async_write_barrier", "popping"},
                          c, call, cb, pages, line);
            cost_cb(op, c, n);
            c.popped += n;
            c.rd_page = (c.rd_page + n) % c.num_pages;
            c.waited = c.waited > n ? c.waited - n : 0;
            break;
        default:
            fault(ErrorKind::Config, "unknown CB operation %u", op);
    }
    record_event(op, cb, pages, c);
}

uint32_t ttsim_cb_ptr(int32_t cb, uint32_t write_side) {
    CBState& c = checked_cb(cb, write_side ? "get_write_ptr" : "get_read_ptr");
    const uint32_t page = write_side ? c.wr_page : c.rd_page;
    return static_cast<uint32_t>(reinterpret_cast<uintptr_t>(c.base + static_cast<size_t>(page) * c.page_size));
}

uint32_t ttsim_cb_query(uint32_t op, int32_t cb, int32_t pages) {
    CBState& c = checked_cb(cb, op == kCbOpReserve ? "cb_pages_reservable_at_back" : "cb_pages_available_at_front");
    const uint32_t n = static_cast<uint32_t>(pages);
    const bool ready = op == kCbOpReserve ? c.free_pages() >= n : c.occupancy() >= n;
    if (!ready) yield_current();
    // a successful poll establishes what cb_wait_front would
    if (ready && op != kCbOpReserve) c.waited = std::max(c.waited, n);
    return ready;
}

uint32_t ttsim_cb_page_size(int32_t cb) { return checked_cb(cb, "get_tile_size").page_size; }
uint32_t ttsim_cb_format(int32_t cb) { return checked_cb(cb, "get_dataformat").format; }

uint64_t ttsim_dram_page_addr(uint32_t bank_base, uint32_t page_id, uint32_t page_size, uint32_t offset) {
    const TtsimDram* b = find_dram(bank_base);
    if (b == nullptr)
        fault(ErrorKind::Noc, "address generator base 0x%x (page %u) is not inside any DRAM buffer", bank_base, page_id);
    const uint64_t addr = static_cast<uint64_t>(bank_base) + static_cast<uint64_t>(page_id) * page_size + offset;
    const uint64_t end = static_cast<uint64_t>(b->addr) + b->size;
    // the page must lie in the buffer; an offset addresses bytes inside it (the transfer that
    // follows checks its own length)
    if (addr - offset + (page_size ? page_size : 1) > end || addr >= end)
        fault(ErrorKind::Noc,
              "page %u (page size %u B, offset %u) of the DRAM buffer at 0x%x is outside the buffer (%u B = %u pages)",
              page_id, page_size, offset, b->addr, b->size, page_size ? b->size / page_size : 0);
    return (kDramTarget << 32) | addr;
}

uint64_t ttsim_noc_addr_local(uint32_t l1_addr) {
    const Core& c = cur_core();
    return ((kCoreTarget | static_cast<uint64_t>(c.y) << 8 | static_cast<uint64_t>(c.x)) << 32) | l1_addr;
}

uint64_t ttsim_noc_addr_xy(uint32_t x, uint32_t y, uint32_t addr) {
    return ((kCoreTarget | static_cast<uint64_t>(y & 0xFF) << 8 | (x & 0xFF)) << 32) | addr;
}

void ttsim_noc_read(uint64_t src, uint32_t dst_l1, uint32_t size, uint32_t line) {
    uint8_t* from = resolve(src, size, "noc_async_read", line);
    uint8_t* to = local_l1(dst_l1, size, "noc_async_read", line);
    check_cb_pages(reinterpret_cast<uintptr_t>(to), reinterpret_cast<uintptr_t>(to) + size, "noc_async_read", line);
    std::memcpy(to, from, size);
    Fiber& f = cur_fiber();
    f.pending_reads.push_back({reinterpret_cast<uintptr_t>(to), reinterpret_cast<uintptr_t>(to) + size});
    ++f.stats.noc_reads;
    f.stats.noc_bytes += size;
    const bool dram = (src >> 32) == kDramTarget;
    cost_noc(size, dram, dram ? 0 : noc_hops(src), true);
}

void ttsim_noc_write(uint32_t src_l1, uint64_t dst, uint32_t size, uint32_t line) {
    uint8_t* from = local_l1(src_l1, size, "noc_async_write", line);
    check_cb_pages(reinterpret_cast<uintptr_t>(from), reinterpret_cast<uintptr_t>(from) + size, "noc_async_write",
                   line);
    uint8_t* to = resolve(dst, size, "noc_async_write", line);
    std::memcpy(to, from, size);
    Fiber& f = cur_fiber();
    f.pending_writes.push_back({reinterpret_cast<uintptr_t>(from), reinterpret_cast<uintptr_t>(from) + size});
    ++f.stats.noc_writes;
    f.stats.noc_bytes += size;
    const bool dram = (dst >> 32) == kDramTarget;
    cost_noc(size, dram, dram ? 0 : noc_hops(dst), false);
}

uint64_t ttsim_noc_mcast_addr(uint32_t x0, uint32_t y0, uint32_t x1, uint32_t y1, uint32_t addr) {
    const uint64_t target = kMcastTarget | (x0 & 0x7F) << 21 | (y0 & 0x7F) << 14 | (x1 & 0x7F) << 7 | (y1 & 0x7F);
    return target << 32 | addr;
}

void ttsim_noc_write_mcast(uint32_t src_l1, uint64_t dst, uint32_t size, uint32_t num_dests, uint32_t line) {
    uint8_t* from = local_l1(src_l1, size, "noc_async_write_multicast", line);
    check_cb_pages(reinterpret_cast<uintptr_t>(from), reinterpret_cast<uintptr_t>(from) + size,
                   "noc_async_write_multicast", line);
    multicast(from, dst, size, num_dests, "noc_async_write_multicast", line);
    Fiber& f = cur_fiber();
    f.pending_writes.push_back({reinterpret_cast<uintptr_t>(from), reinterpret_cast<uintptr_t>(from) + size});
    ++f.stats.noc_writes;
    f.stats.noc_bytes += static_cast<uint64_t>(size) * num_dests;
    // one packet, delivered along the rectangle: latency to its far corner
    const uint64_t t = dst >> 32;
    const int32_t x1 = static_cast<int32_t>((t >> 7) & 0x7F), y1 = static_cast<int32_t>(t & 0x7F);
    cost_noc(size, false, static_cast<uint32_t>(std::abs(x1 - cur_core().x) + std::abs(y1 - cur_core().y)), false);
}

uint32_t ttsim_semaphore(uint32_t id) {
    if (id >= kMaxSemaphores) fault(ErrorKind::Config, "get_semaphore(%u): semaphore ids are 0..%u", id, kMaxSemaphores - 1);
    return static_cast<uint32_t>(reinterpret_cast<uintptr_t>(cur_core().l1) + kSemaphoreOffset + id * 16);
}

void ttsim_sem_wait(const volatile uint32_t* sem, uint32_t value, uint32_t at_least, uint32_t line) {
    local_l1(static_cast<uint32_t>(reinterpret_cast<uintptr_t>(sem)), 4, "noc_semaphore_wait", line);
    const uint32_t op = at_least ? kSemWaitMin : kSemWaitEq;
    Block b{op, 0, static_cast<int32_t>(value), line, sem};
    while (!(at_least ? *sem >= value : *sem == value)) block_current(b);
    cost_sem_wait(const_cast<const uint32_t*>(sem));
}

void ttsim_sem_inc(uint64_t addr, uint32_t incr, uint32_t line) {
    uint8_t* p = resolve(addr, 4, "noc_semaphore_inc", line);
    *reinterpret_cast<volatile uint32_t*>(p) += incr;
    cost_sem_update(p);
}

void ttsim_sem_set_remote(uint32_t src_l1, uint64_t dst, uint32_t line) {
    uint8_t* from = local_l1(src_l1, 4, "noc_semaphore_set_remote", line);
    uint8_t* to = resolve(dst, 4, "noc_semaphore_set_remote", line);
    std::memcpy(to, from, 4);
    cost_sem_update(to);
}

void ttsim_sem_set_mcast(uint32_t src_l1, uint64_t dst, uint32_t num_dests, uint32_t line) {
    uint8_t* from = local_l1(src_l1, 4, "noc_semaphore_set_multicast", line);
    multicast(from, dst, 4, num_dests, "noc_semaphore_set_multicast", line, true);
}

void ttsim_noc_barrier(uint32_t reads, uint32_t writes) {
    Fiber& f = cur_fiber();
    if (reads) f.pending_reads.clear();
    if (writes) f.pending_writes.clear();
    cost_noc_barrier(reads != 0, writes != 0);
}

}  // extern "C"
