// Definitions every emulated kernel sees: attribute macros, DataFormat, CB indices, compile-time
// and runtime arguments. Mirrors what tt-metal's device build provides implicitly.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

#include "ttsim/ops.h"
#include "ttsim/runtime_api.h"

#ifndef ALWI
#define ALWI inline __attribute__((always_inline))
#endif
#ifndef FORCE_INLINE
#define FORCE_INLINE inline __attribute__((always_inline))
#endif
#define tt_l1_ptr
#define tt_reg_ptr
#define TTSIM_LINE uint32_t ttsim_line = __builtin_LINE()

// Per-TRISC code selection: the emulator runs the three compute threads as one, so all apply.
#define MATH(x) x
#define PACK(x) x
#define UNPACK(x) x

enum class DataFormat : std::uint8_t {
    Float32 = 0,
    Float16 = 1,
    Bfp8 = 2,
    Bfp4 = 3,
    Tf32 = 4,
    Float16_b = 5,
    Bfp8_b = 6,
    Bfp4_b = 7,
    Int32 = 8,
    UInt16 = 9,
    Lf8 = 10,
    Bfp2 = 11,
    Int8 = 14,
    Bfp2_b = 15,
    UInt32 = 24,
    UInt8 = 30,
    Invalid = 0xff
};

namespace tt {
enum CBIndex : std::uint8_t {
    c_0, c_1, c_2, c_3, c_4, c_5, c_6, c_7, c_8, c_9, c_10, c_11, c_12, c_13, c_14, c_15,
    c_16, c_17, c_18, c_19, c_20, c_21, c_22, c_23, c_24, c_25, c_26, c_27, c_28, c_29, c_30, c_31,
    SIZE
};
// Pre-0.81.1 CB names, still common in examples.
enum CB : std::uint8_t {
    c_in0 = 0, c_in1, c_in2, c_in3, c_in4, c_in5, c_in6, c_in7,
    c_out0 = 16, c_out1, c_out2, c_out3, c_out4, c_out5, c_out6, c_out7,
    c_intermed0 = 24, c_intermed1, c_intermed2, c_intermed3, c_intermed4, c_intermed5, c_intermed6, c_intermed7
};
using ::DataFormat;
}  // namespace tt

// Compile-time args arrive as -DKERNEL_COMPILE_TIME_ARGS=a,b,c, exactly as in tt-metal's build.
template <class T, class... Ts>
FORCE_INLINE constexpr std::array<T, sizeof...(Ts)> make_array(Ts... values) {
    return {T(values)...};
}
#ifndef KERNEL_COMPILE_TIME_ARGS
#define KERNEL_COMPILE_TIME_ARGS
#endif
constexpr auto kernel_compile_time_args = make_array<std::uint32_t>(KERNEL_COMPILE_TIME_ARGS);
template <uint32_t Idx>
constexpr uint32_t get_ct_arg() {
    static_assert(Idx < kernel_compile_time_args.size(), "get_compile_time_arg_val: index out of range");
    return kernel_compile_time_args[Idx];
}
#define get_compile_time_arg_val(arg_idx) get_ct_arg<arg_idx>()

static FORCE_INLINE uintptr_t get_arg_addr(int arg_idx) { return ttsim_arg_addr(arg_idx, 0); }
static FORCE_INLINE uintptr_t get_common_arg_addr(int arg_idx) { return ttsim_arg_addr(arg_idx, 1); }

template <typename T>
FORCE_INLINE T get_arg_val(int arg_idx) {
    static_assert("Error: only 4B args are supported" && sizeof(T) == 4);
    uint32_t raw = ttsim_arg(arg_idx, 0);
    T value;
    __builtin_memcpy(&value, &raw, 4);
    return value;
}

template <typename T>
FORCE_INLINE T get_common_arg_val(int arg_idx) {
    static_assert("Error: only 4B args are supported" && sizeof(T) == 4);
    uint32_t raw = ttsim_arg(arg_idx, 1);
    T value;
    __builtin_memcpy(&value, &raw, 4);
    return value;
}

// Kernels spin on L1 words with `do { invalidate_l1_cache(); } while (*sem != v);`: here the call
// lets the other kernels run, as they do in parallel on device.
inline __attribute__((always_inline)) void invalidate_l1_cache() { ttsim_yield(); }

inline void riscv_wait(uint32_t cycles) {
    (void)cycles;
    ttsim_yield();
}
