// Emulated TensorAccessor / TensorAccessorArgs for interleaved buffers (ttnn 0.81.1
// api/tensor/tensor_accessor.h). Compile-time args at CTA_OFFSET: the ArgConfig bit set
// (IsDram = 2, Sharded = 1, RuntimePageSize = 128, ...) then the aligned page size, as the
// host's TensorAccessorArgs(buffer).append_to(...) writes them for an interleaved buffer.
#pragma once

#include <type_traits>
#include <utility>

#include "ttsim/common.h"

namespace tensor_accessor {
constexpr std::size_t UNKNOWN = static_cast<std::size_t>(-1);
enum class ArgConfig : uint8_t {
    None = 0,
    Sharded = 1 << 0,
    IsDram = 1 << 1,
    RuntimeRank = 1 << 2,
    RuntimeNumBanks = 1 << 3,
    RuntimeTensorShape = 1 << 4,
    RuntimeShardShape = 1 << 5,
    RuntimeBankCoords = 1 << 6,
    RuntimePageSize = 1 << 7,
};
}  // namespace tensor_accessor

template <std::size_t CTA_OFFSET, std::size_t CRTA_OFFSET = tensor_accessor::UNKNOWN>
struct TensorAccessorArgs {
    static constexpr uint32_t config = get_compile_time_arg_val(CTA_OFFSET);
    static constexpr bool is_sharded = config & static_cast<uint32_t>(tensor_accessor::ArgConfig::Sharded);
    static constexpr bool is_dram = config & static_cast<uint32_t>(tensor_accessor::ArgConfig::IsDram);
    static constexpr bool page_size_is_crta = config & static_cast<uint32_t>(tensor_accessor::ArgConfig::RuntimePageSize);
    static_assert(!is_sharded, "the emulator's TensorAccessor supports interleaved buffers only");
    static_assert(!page_size_is_crta, "the emulator's TensorAccessor needs the page size as a compile-time arg");
    static constexpr uint32_t AlignedPageSize = get_compile_time_arg_val(CTA_OFFSET + 1);

    constexpr TensorAccessorArgs() = default;
    static constexpr uint32_t num_compile_time_args() { return 2; }
    static constexpr uint32_t next_compile_time_args_offset() { return CTA_OFFSET + num_compile_time_args(); }
    static constexpr uint32_t num_common_runtime_args() { return 0; }
    constexpr uint32_t get_aligned_page_size() const { return AlignedPageSize; }
};

template <typename Args>
struct TensorAccessor {
    uint32_t bank_base_address;
    uint32_t aligned_page_size;

    TensorAccessor(const Args&, const uint32_t bank_base_address_in, const uint32_t page_size_in = Args::AlignedPageSize) :
        bank_base_address(bank_base_address_in), aligned_page_size(page_size_in) {}

    uint32_t get_aligned_page_size() const { return aligned_page_size; }

    std::uint64_t get_noc_addr(const uint32_t page_id, const uint32_t offset = 0, uint8_t noc = noc_index) const {
        (void)noc;
        return ttsim_dram_page_addr(bank_base_address, page_id, aligned_page_size, offset);
    }
};

template <std::size_t A, std::size_t B, typename... Rest>
TensorAccessor(const TensorAccessorArgs<A, B>&, Rest...) -> TensorAccessor<TensorAccessorArgs<A, B>>;

namespace ttsim {
template <typename T, typename = void>
struct requires_aligned_page_size : std::false_type {};
template <typename T>
struct requires_aligned_page_size<T, std::void_t<decltype(std::declval<const T&>().get_aligned_page_size())>>
    : std::true_type {};
}  // namespace ttsim
