// Number formats: bit-exact rounding helpers, and converting one tile between its CB bytes (tile
// layout, 4 faces of 16x16) and row-major floats. Used by compute.cpp (unpack, math, pack).
#pragma once

#include <cstdint>
#include <cstring>

#include "state.h"

namespace ttsim {

inline uint32_t bits_of(float f) {
    uint32_t u;
    std::memcpy(&u, &f, 4);
    return u;
}
inline float float_of(uint32_t u) {
    float f;
    std::memcpy(&f, &u, 4);
    return f;
}

// Round to nearest even keeping `keep` mantissa bits (7 for bf16, 10 for tf32).
inline float round_mantissa(float x, int keep) {
    uint32_t u = bits_of(x);
    if ((u & 0x7F800000u) == 0x7F800000u) return x;  // inf / nan unchanged
    const int drop = 23 - keep;
    const uint32_t half = (1u << (drop - 1)) - 1;
    u += half + ((u >> drop) & 1u);
    return float_of(u & ~((1u << drop) - 1));
}
inline float to_bf16(float x) { return round_mantissa(x, 7); }
inline float truncate_mantissa(float x, int keep) { return float_of(bits_of(x) & ~((1u << (23 - keep)) - 1)); }
inline float to_tf32(float x) { return round_mantissa(x, 10); }

// IEEE half (tt-metal's Float16: 5 exponent bits, 10 mantissa bits, subnormals, inf and NaN).
// Round to nearest even, as the packer does: values at or past 65520 become inf, values below
// the smallest subnormal's half become (signed) zero.
uint16_t fp16_bits(float x);
float fp16_value(uint16_t bits);
inline float to_fp16(float x) { return fp16_value(fp16_bits(x)); }

// Unpack one tile of format `fmt` from CB bytes `p` into row-major `out`.
void unpack(const uint8_t* p, uint32_t fmt, float* out);
// Pack row-major `in` into CB bytes `p` in format `fmt`, rounded to nearest even.
void pack(const float* in, uint32_t fmt, uint8_t* p);
// tt-metal's DataFormat name, for fault messages.
const char* format_name(uint32_t fmt);

}  // namespace ttsim
