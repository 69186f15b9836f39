// Emulated Metalium dataflow API (reader/writer kernels), signatures as in ttnn 0.81.1
// tt_metal/hw/inc/api/dataflow/dataflow_api.h. A trailing `ttsim_line` parameter, defaulted to the
// caller's line, lets fault reports name the line; it is not part of the real API.
#pragma once

#include "ttsim/common.h"

constexpr uint8_t noc_index = 0;
constexpr uint32_t NOC_UNICAST_WRITE_VC = 1;
constexpr uint32_t NOC_MAX_BURST_SIZE = 8192;
constexpr uint8_t NOC_MULTICAST_WRITE_VC = 4;
constexpr uint32_t L1_ALIGNMENT = 16;
enum ProgrammableCoreType { TENSIX = 0, ACTIVE_ETH = 1, IDLE_ETH = 2, DRAM = 3, COUNT = 4 };

// This core's NOC coordinates (`my_x[noc_index]`); the emulator's NOC coordinates are the
// logical core coordinates.
struct TtsimCoordinate {
    uint32_t axis;
    uint32_t operator[](int) const { return axis == 0 ? ttsim_my_x() : ttsim_my_y(); }
};
constexpr TtsimCoordinate my_x{0};
constexpr TtsimCoordinate my_y{1};

// ---- circular buffers ----
FORCE_INLINE
void cb_push_back(const int32_t operand, const int32_t num_pages, TTSIM_LINE) {
    ttsim_cb_op(1, operand, num_pages, ttsim_line);
}

FORCE_INLINE
void cb_pop_front(int32_t operand, int32_t num_pages, TTSIM_LINE) { ttsim_cb_op(3, operand, num_pages, ttsim_line); }

FORCE_INLINE
void cb_reserve_back(int32_t operand, int32_t num_pages, TTSIM_LINE) {
    ttsim_cb_op(0, operand, num_pages, ttsim_line);
}

FORCE_INLINE
void cb_wait_front(int32_t operand, int32_t num_pages, TTSIM_LINE) { ttsim_cb_op(2, operand, num_pages, ttsim_line); }

FORCE_INLINE
bool cb_pages_reservable_at_back(int32_t operand, int32_t num_pages) { return ttsim_cb_query(0, operand, num_pages); }

FORCE_INLINE
bool cb_pages_available_at_front(int32_t operand, int32_t num_pages) { return ttsim_cb_query(2, operand, num_pages); }

FORCE_INLINE
uint32_t get_write_ptr(uint32_t operand) { return ttsim_cb_ptr(static_cast<int32_t>(operand), 1); }

FORCE_INLINE
uint32_t get_read_ptr(uint32_t operand) { return ttsim_cb_ptr(static_cast<int32_t>(operand), 0); }

inline std::int32_t get_tile_size(const std::int32_t operand) { return static_cast<int32_t>(ttsim_cb_page_size(operand)); }

inline DataFormat get_dataformat(const std::int32_t operand) { return static_cast<DataFormat>(ttsim_cb_format(operand)); }

// ---- NOC addressing ----
FORCE_INLINE
std::uint64_t get_noc_addr(std::uint32_t noc_x, std::uint32_t noc_y, std::uint32_t addr, uint8_t noc = noc_index) {
    (void)noc;
    return ttsim_noc_addr_xy(noc_x, noc_y, addr);
}

FORCE_INLINE
std::uint64_t get_noc_addr(std::uint32_t addr, uint8_t noc = noc_index) {
    (void)noc;
    return ttsim_noc_addr_local(addr);
}

template <bool DRAM>
struct InterleavedAddrGen {
    static constexpr bool is_dram = DRAM;
    uint32_t bank_base_address;
    uint32_t page_size;

    FORCE_INLINE
    std::uint64_t get_noc_addr(const uint32_t id, const uint32_t offset = 0, uint8_t noc = noc_index) const {
        (void)noc;
        return ttsim_dram_page_addr(bank_base_address, id, page_size, offset);
    }
};

template <bool DRAM, uint32_t tile_hw = 1024>
struct InterleavedAddrGenFast {
    static constexpr bool is_dram = DRAM;
    uint32_t bank_base_address;
    uint32_t page_size;
    DataFormat data_format;

    FORCE_INLINE
    std::uint64_t get_noc_addr(const uint32_t id, const uint32_t offset = 0, uint8_t noc = noc_index) const {
        (void)noc;
        return ttsim_dram_page_addr(bank_base_address, id, page_size, offset);
    }
};

#include "api/tensor/tensor_accessor.h"

template <bool DRAM>
FORCE_INLINE std::uint64_t get_noc_addr(
    const uint32_t id, const InterleavedAddrGen<DRAM>& addrgen, uint32_t offset = 0, uint8_t noc = noc_index) {
    return addrgen.get_noc_addr(id, offset, noc);
}

template <bool DRAM, uint32_t tile_hw>
FORCE_INLINE std::uint64_t get_noc_addr(
    const uint32_t id, const InterleavedAddrGenFast<DRAM, tile_hw>& addrgen, uint32_t offset = 0, uint8_t noc = noc_index) {
    return addrgen.get_noc_addr(id, offset, noc);
}

namespace ttsim {
template <typename AddrGen>
uint32_t addrgen_page_size(const AddrGen& addrgen) {
    if constexpr (requires_aligned_page_size<AddrGen>::value) {
        return addrgen.get_aligned_page_size();
    } else {
        return addrgen.page_size;
    }
}
}  // namespace ttsim

// ---- NOC transfers ----
template <uint32_t max_page_size = NOC_MAX_BURST_SIZE + 1, bool enable_noc_tracing = true>
inline void noc_async_read(
    uint64_t src_noc_addr,
    uint32_t dst_local_l1_addr,
    uint32_t size,
    uint8_t noc = noc_index,
    uint32_t read_req_vc = NOC_UNICAST_WRITE_VC,
    TTSIM_LINE) {
    (void)noc;
    (void)read_req_vc;
    ttsim_noc_read(src_noc_addr, dst_local_l1_addr, size, ttsim_line);
}

template <uint32_t max_page_size = NOC_MAX_BURST_SIZE + 1, bool enable_noc_tracing = true, bool posted = false>
inline void noc_async_write(
    uint32_t src_local_l1_addr,
    uint64_t dst_noc_addr,
    uint32_t size,
    uint8_t noc = noc_index,
    uint32_t vc = NOC_UNICAST_WRITE_VC,
    TTSIM_LINE) {
    (void)noc;
    (void)vc;
    ttsim_noc_write(src_local_l1_addr, dst_noc_addr, size, ttsim_line);
}

template <typename AddrGen, bool enable_noc_tracing = true>
FORCE_INLINE void noc_async_read_page(
    const uint32_t id,
    const AddrGen& addrgen,
    uint32_t dst_local_l1_addr,
    uint32_t offset = 0,
    uint8_t noc = noc_index,
    TTSIM_LINE) {
    const uint32_t page_size = ttsim::addrgen_page_size(addrgen);
    ttsim_noc_read(addrgen.get_noc_addr(id, offset, noc), dst_local_l1_addr, page_size, ttsim_line);
}

template <typename AddrGen, bool enable_noc_tracing = true>
FORCE_INLINE void noc_async_write_page(
    const uint32_t id,
    const AddrGen& addrgen,
    uint32_t src_local_l1_addr,
    uint32_t size = 0,
    uint32_t offset = 0,
    uint8_t noc = noc_index,
    TTSIM_LINE) {
    const uint32_t bytes = size ? size : ttsim::addrgen_page_size(addrgen);
    ttsim_noc_write(src_local_l1_addr, addrgen.get_noc_addr(id, offset, noc), bytes, ttsim_line);
}

// Deprecated in 0.81.1 but still used by many examples: one overload per address generator, as in
// the real header, each forwarding to the generic page call.
template <bool DRAM>
FORCE_INLINE void noc_async_read_tile(
    const uint32_t id,
    const InterleavedAddrGen<DRAM>& addrgen,
    uint32_t dst_local_l1_addr,
    uint32_t offset = 0,
    uint8_t noc = noc_index,
    TTSIM_LINE) {
    noc_async_read_page(id, addrgen, dst_local_l1_addr, offset, noc, ttsim_line);
}

template <bool DRAM, uint32_t tile_hw>
FORCE_INLINE void noc_async_read_tile(
    const uint32_t id,
    const InterleavedAddrGenFast<DRAM, tile_hw>& addrgen,
    uint32_t dst_local_l1_addr,
    uint32_t offset = 0,
    uint8_t noc = noc_index,
    TTSIM_LINE) {
    noc_async_read_page(id, addrgen, dst_local_l1_addr, offset, noc, ttsim_line);
}

template <typename DSpec>
FORCE_INLINE void noc_async_read_tile(
    const uint32_t id,
    const TensorAccessor<DSpec>& addrgen,
    uint32_t dst_local_l1_addr,
    uint32_t offset = 0,
    uint8_t noc = noc_index,
    TTSIM_LINE) {
    noc_async_read_page(id, addrgen, dst_local_l1_addr, offset, noc, ttsim_line);
}

template <bool DRAM>
FORCE_INLINE void noc_async_write_tile(
    const uint32_t id, const InterleavedAddrGen<DRAM>& addrgen, uint32_t src_local_l1_addr, uint8_t noc = noc_index, TTSIM_LINE) {
    noc_async_write_page(id, addrgen, src_local_l1_addr, 0, 0, noc, ttsim_line);
}

template <bool DRAM, uint32_t tile_hw>
FORCE_INLINE void noc_async_write_tile(
    const uint32_t id,
    const InterleavedAddrGenFast<DRAM, tile_hw>& addrgen,
    uint32_t src_local_l1_addr,
    uint8_t noc = noc_index,
    TTSIM_LINE) {
    noc_async_write_page(id, addrgen, src_local_l1_addr, 0, 0, noc, ttsim_line);
}

template <typename DSpec>
FORCE_INLINE void noc_async_write_tile(
    const uint32_t id, const TensorAccessor<DSpec>& addrgen, uint32_t src_local_l1_addr, uint8_t noc = noc_index, TTSIM_LINE) {
    noc_async_write_page(id, addrgen, src_local_l1_addr, 0, 0, noc, ttsim_line);
}

FORCE_INLINE void noc_async_read_barrier(uint8_t noc = noc_index) {
    (void)noc;
    ttsim_noc_barrier(1, 0);
}

FORCE_INLINE void noc_async_write_barrier(uint8_t noc = noc_index) {
    (void)noc;
    ttsim_noc_barrier(0, 1);
}

FORCE_INLINE void noc_async_writes_flushed(uint8_t noc = noc_index) {
    (void)noc;
    ttsim_noc_barrier(0, 1);
}

FORCE_INLINE void noc_async_full_barrier(uint8_t noc_idx = noc_index) {
    (void)noc_idx;
    ttsim_noc_barrier(1, 1);
}

// ---- semaphores and multicast ----
template <ProgrammableCoreType type = ProgrammableCoreType::TENSIX>
FORCE_INLINE uintptr_t get_semaphore(uint32_t semaphore_id) {
    return ttsim_semaphore(semaphore_id);
}

FORCE_INLINE
void noc_semaphore_wait(volatile tt_l1_ptr uint32_t* sem_addr, uint32_t val, TTSIM_LINE) {
    ttsim_sem_wait(sem_addr, val, 0, ttsim_line);
}

FORCE_INLINE
void noc_semaphore_wait_min(volatile tt_l1_ptr uint32_t* sem_addr, uint32_t val, TTSIM_LINE) {
    ttsim_sem_wait(sem_addr, val, 1, ttsim_line);
}

FORCE_INLINE
void noc_semaphore_set(volatile tt_l1_ptr uint32_t* sem_addr, uint32_t val) { *sem_addr = val; }

template <bool posted = false>
FORCE_INLINE void noc_semaphore_inc(
    uint64_t addr, uint32_t incr, uint8_t noc_id = noc_index, uint8_t vc = NOC_UNICAST_WRITE_VC, TTSIM_LINE) {
    (void)noc_id;
    (void)vc;
    ttsim_sem_inc(addr, incr, ttsim_line);
}

inline void noc_semaphore_set_remote(
    std::uint32_t src_local_l1_addr, std::uint64_t dst_noc_addr, uint8_t noc = noc_index, TTSIM_LINE) {
    (void)noc;
    ttsim_sem_set_remote(src_local_l1_addr, dst_noc_addr, ttsim_line);
}

FORCE_INLINE
uint64_t get_noc_multicast_addr(
    uint32_t noc_x_start,
    uint32_t noc_y_start,
    uint32_t noc_x_end,
    uint32_t noc_y_end,
    uint32_t addr,
    uint8_t noc = noc_index) {
    (void)noc;
    return ttsim_noc_mcast_addr(noc_x_start, noc_y_start, noc_x_end, noc_y_end, addr);
}

template <uint32_t max_page_size = NOC_MAX_BURST_SIZE + 1>
inline void noc_async_write_multicast(
    uint32_t src_local_l1_addr,
    uint64_t dst_noc_addr_multicast,
    uint32_t size,
    uint32_t num_dests,
    bool linked = false,
    uint8_t noc = noc_index,
    uint8_t vc = NOC_MULTICAST_WRITE_VC,
    TTSIM_LINE) {
    (void)linked;
    (void)noc;
    (void)vc;
    ttsim_noc_write_mcast(src_local_l1_addr, dst_noc_addr_multicast, size, num_dests, ttsim_line);
}

inline void noc_semaphore_set_multicast(
    uint32_t src_local_l1_addr,
    uint64_t dst_noc_addr_multicast,
    uint32_t num_dests,
    bool linked = false,
    uint8_t noc = noc_index,
    uint8_t vc = NOC_MULTICAST_WRITE_VC,
    TTSIM_LINE) {
    (void)linked;
    (void)noc;
    (void)vc;
    ttsim_sem_set_mcast(src_local_l1_addr, dst_noc_addr_multicast, num_dests, ttsim_line);
}
