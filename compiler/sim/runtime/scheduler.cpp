// The scheduler: every kernel of every core runs as a cooperative fiber on one OS thread.
//
// A kernel runs until a CB call cannot proceed, then yields; the scheduler resumes any kernel
// whose condition now holds. When no unfinished kernel can proceed, that is a deadlock and the
// report names every blocked kernel. Faults (from API checks, or SIGSEGV/SIGFPE inside a kernel,
// or the watchdog timer) switch straight back to the scheduler: no C++ unwinding crosses fibers.
#include <dlfcn.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <map>

#include "state.h"

namespace ttsim {

Sim* g_sim = nullptr;

namespace {

constexpr size_t kStackSize = 512 * 1024;
constexpr size_t kGuardSize = 64 * 1024;
constexpr size_t kL1Guard = 64 * 1024;
volatile sig_atomic_t g_watchdog_fired = 0;

std::string vformat(const char* fmt, va_list ap) {
    char buf[4096];
    vsnprintf(buf, sizeof buf, fmt, ap);
    return buf;
}

void append(std::string& out, const char* fmt, ...) __attribute__((format(printf, 2, 3)));
void append(std::string& out, const char* fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    out += vformat(fmt, ap);
    va_end(ap);
}

std::string blocked_call(const Fiber& f) {
    const Core& core = g_sim->cores[f.core];
    std::string s;
    if (f.block.op == kSemWaitEq || f.block.op == kSemWaitMin) {
        append(s, "%s(semaphore at 0x%lx, %s%d)", f.block.op == kSemWaitEq ? "noc_semaphore_wait" : "noc_semaphore_wait_min",
               static_cast<unsigned long>(reinterpret_cast<uintptr_t>(f.block.sem)),
               f.block.op == kSemWaitEq ? "" : ">= ", f.block.pages);
        if (f.block.line) append(s, " at line %u", f.block.line);
        append(s, " [value %u]", *f.block.sem);
        return s;
    }
    append(s, "%s(cb=%d, %d)", cb_op_name(f.block.op), f.block.cb, f.block.pages);
    if (f.block.line) append(s, " at line %u", f.block.line);
    append(s, " [%s]", cb_state(core, static_cast<uint32_t>(f.block.cb)).c_str());
    return s;
}

// State of every core with an unfinished kernel, one line per kernel.
std::string all_cores_state() {
    std::string s;
    for (const Fiber& f : g_sim->fibers) {
        if (f.done) continue;
        const std::string state = f.blocked ? "blocked in " + blocked_call(f) : f.started ? "running" : "not started";
        append(s, "  %s: %s\n", fiber_label(f).c_str(), state.c_str());
    }
    return s;
}

void fiber_main() {
    Fiber& f = cur_fiber();
    f.entry();
    f.done = true;
    // returning switches to uc_link (the scheduler)
}

[[noreturn]] void jump_to_scheduler() {
    Fiber* f = g_sim->cur;
    if (f == nullptr) abort();
    setcontext(&g_sim->sched_ctx);
    abort();
}

void on_signal(int sig, siginfo_t* info, void*) {
    if (sig == SIGALRM && (g_sim == nullptr || g_sim->cur == nullptr)) {
        g_watchdog_fired = 1;  // the scheduler loop checks it between kernels
        return;
    }
    if (g_sim == nullptr || g_sim->cur == nullptr) {
        signal(sig, SIG_DFL);
        return;  // re-executes the faulting instruction with the default action
    }
    Fiber& f = cur_fiber();
    if (sig == SIGALRM) {
        g_sim->error = ErrorKind::Watchdog;
        g_sim->message = "watchdog: run exceeded its time budget while " + fiber_label(f) +
                         " was computing (an endless loop?); state of every core:\n" + all_cores_state();
    } else {
        const Core& core = g_sim->cores[f.core];
        uintptr_t addr = reinterpret_cast<uintptr_t>(info->si_addr);
        const char* what = sig == SIGFPE    ? "arithmetic fault (integer division by zero?)"
                           : sig == SIGABRT ? "abort() (a failed assert?)"
                           : sig == SIGILL  ? "illegal instruction (__builtin_trap / unreachable code?)"
                                            : "invalid memory access";
        std::string where;
        uintptr_t l1 = reinterpret_cast<uintptr_t>(core.l1);
        const uintptr_t stack = reinterpret_cast<uintptr_t>(f.stack);
        // a frame larger than the guard page can land below it: count the region just below too
        if (addr + kStackSize >= stack && addr < stack + kGuardSize)
            where = " (kernel stack overflow)";
        else if (sig == SIGSEGV || sig == SIGBUS)
            append(where, " at address 0x%lx (this core's L1 is 0x%lx..0x%lx)", static_cast<unsigned long>(addr),
                   static_cast<unsigned long>(l1), static_cast<unsigned long>(l1 + g_sim->l1_size));
        g_sim->error = ErrorKind::KernelFault;
        g_sim->message = std::string(what) + where + " in " + fiber_label(f);
    }
    jump_to_scheduler();
}

struct SignalGuard {
    struct sigaction old_segv, old_bus, old_fpe, old_alrm, old_abrt, old_ill;
    stack_t old_stack;
    std::vector<uint8_t> alt_stack = std::vector<uint8_t>(1 << 16);
    timer_t timer{};
    bool timer_ok = false;

    explicit SignalGuard(double timeout_s) {
        stack_t ss{};
        ss.ss_sp = alt_stack.data();
        ss.ss_size = alt_stack.size();
        sigaltstack(&ss, &old_stack);
        struct sigaction sa{};
        sa.sa_sigaction = on_signal;
        sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER;
        sigemptyset(&sa.sa_mask);
        sigaction(SIGABRT, &sa, &old_abrt);
        sigaction(SIGILL, &sa, &old_ill);
        sigaction(SIGSEGV, &sa, &old_segv);
        sigaction(SIGBUS, &sa, &old_bus);
        sigaction(SIGFPE, &sa, &old_fpe);
        sigaction(SIGALRM, &sa, &old_alrm);
        // The watchdog signal targets this thread, so a kernel looping without API calls is stopped.
        struct sigevent sev{};
        sev.sigev_notify = SIGEV_THREAD_ID;
        sev.sigev_signo = SIGALRM;
        sev._sigev_un._tid = static_cast<pid_t>(syscall(SYS_gettid));
        if (timer_create(CLOCK_MONOTONIC, &sev, &timer) == 0) {
            timer_ok = true;
            struct itimerspec its{};
            its.it_value.tv_sec = static_cast<time_t>(timeout_s);
            its.it_value.tv_nsec = static_cast<long>((timeout_s - static_cast<double>(its.it_value.tv_sec)) * 1e9);
            if (its.it_value.tv_sec == 0 && its.it_value.tv_nsec == 0) its.it_value.tv_nsec = 1;
            timer_settime(timer, 0, &its, nullptr);
        }
    }
    ~SignalGuard() {
        if (timer_ok) timer_delete(timer);
        sigaction(SIGABRT, &old_abrt, nullptr);
        sigaction(SIGILL, &old_ill, nullptr);
        sigaction(SIGSEGV, &old_segv, nullptr);
        sigaction(SIGBUS, &old_bus, nullptr);
        sigaction(SIGFPE, &old_fpe, nullptr);
        sigaction(SIGALRM, &old_alrm, nullptr);
        sigaltstack(&old_stack, nullptr);
    }
};

double now_s() {
    timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}

void record_error(const char* kind_prefix, ErrorKind kind, const std::string& text) {
    g_sim->error = kind;
    g_sim->message = std::string(kind_prefix) + text;
}

// Loads each kernel shared object once per run. Stateless objects stay loaded across runs (dlopen
// is refcounted); objects with mutable globals come as one copy per core and are unloaded after.
void (*load_entry(const char* path, bool private_state, std::string& err))() {
    void* h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (h == nullptr) {
        err = std::string("cannot load kernel ") + path + ": " + dlerror();
        return nullptr;
    }
    // Unloading after the run resets a stateful kernel's globals for the next run, as a fresh
    // kernel launch does on device.
    if (private_state) g_sim->private_objects.push_back(h);
    auto entry = reinterpret_cast<void (*)()>(dlsym(h, "ttsim_kernel_entry"));
    if (entry == nullptr) err = std::string("kernel ") + path + " has no ttsim_kernel_entry";
    return entry;
}

bool setup(const TtsimCore* cores, uint32_t n_cores, const TtsimCB* cbs, uint32_t n_cbs, const TtsimKernel* kernels,
           uint32_t n_kernels, uint32_t l1_size) {
    Sim& s = *g_sim;
    s.l1_size = l1_size;
    // An inaccessible guard after each core's L1 turns a stray pointer into a reported fault
    // instead of a silent write into the next core.
    s.l1_stride = static_cast<size_t>(l1_size) + kL1Guard;
    s.l1_arena_size = s.l1_stride * std::max<uint32_t>(n_cores, 1);  // mmap refuses size 0
    // Kernels hold L1 addresses in uint32_t, so L1 must live below 4 GB (MAP_32BIT: below 2 GB).
    void* arena = mmap(nullptr, s.l1_arena_size, PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT | MAP_NORESERVE, -1, 0);
    if (arena == MAP_FAILED) {
        record_error("", ErrorKind::Config, "cannot map L1 of the cores below 4 GB");
        return false;
    }
    s.l1_arena = static_cast<uint8_t*>(arena);
    s.cores.resize(n_cores);
    for (uint32_t i = 0; i < n_cores; ++i) {
        s.cores[i].x = cores[i].x;
        s.cores[i].y = cores[i].y;
        s.cores[i].l1 = s.l1_arena + static_cast<size_t>(i) * s.l1_stride;
        mprotect(s.cores[i].l1 + l1_size, kL1Guard, PROT_NONE);
    }
    for (uint32_t i = 0; i < n_cbs; ++i) {
        const TtsimCB& c = cbs[i];
        CBState& cb = s.cores[c.core].cb[c.index];
        cb.configured = true;
        cb.page_size = c.page_size;
        cb.num_pages = c.num_pages;
        cb.format = c.format;
        cb.base = s.cores[c.core].l1 + c.l1_offset;
        cost_setup_cb(cb);
    }
    std::map<std::string, void (*)()> entries;
    s.fibers.resize(n_kernels);
    for (uint32_t i = 0; i < n_kernels; ++i) {
        const TtsimKernel& k = kernels[i];
        Fiber& f = s.fibers[i];
        auto it = entries.find(k.so_path);
        if (it == entries.end()) {
            std::string err;
            auto entry = load_entry(k.so_path, k.private_state != 0, err);
            if (entry == nullptr) {
                record_error("", ErrorKind::Config, err);
                return false;
            }
            it = entries.emplace(k.so_path, entry).first;
        }
        f.index = i;
        f.core = k.core;
        f.role = k.role;
        f.name = k.name;
        f.entry = it->second;
        f.args = k.rt_args;
        f.n_args = k.n_rt_args;
        f.common = k.common_args;
        f.n_common = k.n_common_args;
        if (k.role == 2) {
            Core& core = s.cores[k.core];
            core.compute = new ComputeState();
            core.compute->fp32_dest = k.fp32_dest_acc_en != 0;
            core.compute->fidelity = k.math_fidelity;
            core.compute->unpack_to_dest_fp32 = k.unpack_to_dest_fp32;
        }
        f.stack_size = kStackSize + kGuardSize;
        void* st = mmap(nullptr, f.stack_size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
        if (st == MAP_FAILED) {
            record_error("", ErrorKind::Config, "cannot allocate a kernel stack");
            return false;
        }
        mprotect(st, kGuardSize, PROT_NONE);
        f.stack = static_cast<uint8_t*>(st);
        getcontext(&f.ctx);
        f.ctx.uc_stack.ss_sp = f.stack;
        f.ctx.uc_stack.ss_size = f.stack_size;
        f.ctx.uc_link = &s.sched_ctx;
        makecontext(&f.ctx, fiber_main, 0);
    }
    return true;
}

void teardown() {
    Sim& s = *g_sim;
    for (Fiber& f : s.fibers)
        if (f.stack) munmap(f.stack, f.stack_size);
    for (Core& c : s.cores) delete c.compute;
    if (s.l1_arena) munmap(s.l1_arena, s.l1_arena_size);
    for (void* h : s.private_objects) dlclose(h);
}

// Kernels that finished while leaving the core in a broken state.
bool check_finished(Fiber& f) {
    Core& core = g_sim->cores[f.core];
    if (f.role == 2 && core.compute && core.compute->dst_state != DstState::Idle) {
        record_error("", ErrorKind::Dst,
                     fiber_label(f) + " returned with DST still acquired (missing tile_regs_commit/wait/release)");
        return false;
    }
    if (!f.pending_reads.empty() || !f.pending_writes.empty()) {
        std::string m;
        append(m, "%s returned with %zu noc_async_read and %zu noc_async_write not completed by a barrier",
               fiber_label(f).c_str(), f.pending_reads.size(), f.pending_writes.size());
        record_error("", ErrorKind::Noc, m);
        return false;
    }
    return true;
}

void schedule(double timeout_s) {
    Sim& s = *g_sim;
    const double deadline = now_s() + timeout_s;
    size_t alive = s.fibers.size();
    while (alive > 0) {
        bool progress = false;
        for (Fiber& f : s.fibers) {
            if (f.done || (f.blocked && !block_satisfied(f))) continue;
            f.blocked = false;
            f.started = true;
            s.cur = &f;
            swapcontext(&s.sched_ctx, &f.ctx);
            s.cur = nullptr;
            if (s.error != ErrorKind::None) return;
            progress = true;
            if (f.done) {
                --alive;
                if (!check_finished(f)) return;
            }
        }
        if (!progress) {
            record_error("deadlock: every unfinished kernel is blocked and none can ever proceed:\n",
                         ErrorKind::Deadlock, all_cores_state());
            return;
        }
        if (now_s() > deadline || g_watchdog_fired) {
            record_error("watchdog: run exceeded its time budget; state of every core:\n", ErrorKind::Watchdog,
                         all_cores_state());
            return;
        }
    }
}

}  // namespace

const char* role_name(uint32_t role) {
    static const char* names[] = {"reader", "writer", "compute"};
    return role < 3 ? names[role] : "kernel";
}

const char* cb_op_name(uint32_t op) {
    static const char* names[] = {"cb_reserve_back", "cb_push_back", "cb_wait_front", "cb_pop_front"};
    return op < 4 ? names[op] : "cb_op";
}

std::string fiber_label(const Fiber& f) {
    const Core& c = g_sim->cores[f.core];
    std::string s;
    append(s, "core (%d,%d) %s kernel '%s'", c.x, c.y, role_name(f.role), f.name.c_str());
    return s;
}

std::string cb_state(const Core& core, uint32_t cb) {
    if (cb >= kNumCBs) return "no such CB";
    const CBState& c = core.cb[cb];
    if (!c.configured) return "CB not configured on this core";
    std::string s;
    append(s, "CB %u: %u pages of %u B, pushed %llu, popped %llu, holding %u, reserved %u, waited %u", cb, c.num_pages,
           c.page_size, static_cast<unsigned long long>(c.pushed), static_cast<unsigned long long>(c.popped),
           c.occupancy(), c.reserved, c.waited);
    return s;
}

void fault(ErrorKind kind, const char* fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    std::string text = vformat(fmt, ap);
    va_end(ap);
    g_sim->error = kind;
    g_sim->message = text + " — in " + fiber_label(cur_fiber());
    jump_to_scheduler();
}

void block_current(const Block& b) {
    Fiber& f = cur_fiber();
    f.blocked = true;
    f.block = b;
    ++f.stats.times_blocked;
    const uint64_t since = g_sim->seq;
    swapcontext(&f.ctx, &g_sim->sched_ctx);
    f.stats.blocked_ops += g_sim->seq - since;
}

void yield_current() { swapcontext(&cur_fiber().ctx, &g_sim->sched_ctx); }

}  // namespace ttsim

using namespace ttsim;

extern "C" int ttsim_run(const TtsimCore* cores, uint32_t n_cores, const TtsimCB* cbs, uint32_t n_cbs,
                         const TtsimKernel* kernels, uint32_t n_kernels, const TtsimDram* dram, uint32_t n_dram,
                         const TtsimWord* l1_words, uint32_t n_l1_words, uint32_t l1_size, double timeout_s, TtsimCBStats* cb_stats, TtsimKernelStats* kernel_stats,
                         TtsimEvent* events, uint64_t events_cap, uint64_t* events_len, char* msg, uint32_t msg_cap) {
    Sim sim;
    g_sim = &sim;
    g_watchdog_fired = 0;
    sim.dram.assign(dram, dram + n_dram);
    std::sort(sim.dram.begin(), sim.dram.end(), [](const TtsimDram& a, const TtsimDram& b) { return a.addr < b.addr; });
    sim.events = events;
    sim.events_cap = events ? events_cap : 0;
    if (setup(cores, n_cores, cbs, n_cbs, kernels, n_kernels, l1_size)) {
        for (uint32_t i = 0; i < n_l1_words; ++i)
            std::memcpy(sim.cores[l1_words[i].core].l1 + l1_words[i].offset, &l1_words[i].value, 4);
        SignalGuard guard(timeout_s);
        schedule(timeout_s);
    }
    for (uint32_t c = 0; c < n_cores && cb_stats; ++c)
        for (uint32_t i = 0; i < kNumCBs; ++i) {
            const CBState& cb = sim.cores[c].cb[i];
            cb_stats[c * kNumCBs + i] = {cb.pushed, cb.popped, cb.max_occupancy, cb.configured ? 1u : 0u};
        }
    for (uint32_t k = 0; k < n_kernels && kernel_stats && k < sim.fibers.size(); ++k) {
        cost_finish(sim.fibers[k]);
        kernel_stats[k] = sim.fibers[k].stats;
    }
    if (events_len) *events_len = sim.events_len;
    int rc = static_cast<int>(sim.error);
    if (msg && msg_cap) snprintf(msg, msg_cap, "%s", sim.message.c_str());
    teardown();
    g_sim = nullptr;
    return rc;
}
