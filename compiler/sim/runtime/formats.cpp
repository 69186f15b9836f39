// Number formats: tile bytes <-> row-major floats for every emulated DataFormat (formats.h).
#include "formats.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace ttsim {

namespace {

uint32_t face_index(uint32_t row_major) {
    const uint32_t r = row_major >> 5, c = row_major & 31;
    return ((r >> 4) * 2 + (c >> 4)) * 256 + (r & 15) * 16 + (c & 15);
}

struct FaceMap {
    uint16_t idx[kTileElems];
    FaceMap() {
        for (uint32_t i = 0; i < kTileElems; ++i) idx[i] = static_cast<uint16_t>(face_index(i));
    }
};
const FaceMap kFace;

// bfp8_b: one shared exponent per 16 values (a face row), 7-bit magnitudes, nearest even.
void pack_bfp8(const float* in, uint8_t* p) {
    float face_order[kTileElems];
    for (uint32_t i = 0; i < kTileElems; ++i) face_order[kFace.idx[i]] = in[i];
    for (uint32_t row = 0; row < 64; ++row) {
        const float* v = face_order + row * 16;
        int shared = 0;
        for (int j = 0; j < 16; ++j) shared = std::max(shared, static_cast<int>((bits_of(v[j]) >> 23) & 0xFF));
        p[row] = static_cast<uint8_t>(shared);
        for (int j = 0; j < 16; ++j) {
            const uint32_t u = bits_of(v[j]);
            const int e = static_cast<int>((u >> 23) & 0xFF);
            const uint64_t mant = (u & 0x7FFFFF) | (e > 0 ? 0x800000u : 0u);
            const int shift = std::min(shared - e + 17, 40);
            uint64_t q = mant >> shift;
            const uint64_t rem = mant & ((1ull << shift) - 1), half = 1ull << (shift - 1);
            if (rem > half || (rem == half && (q & 1))) ++q;
            p[64 + row * 16 + j] = static_cast<uint8_t>(((u >> 31) << 7) | std::min<uint64_t>(q, 0x7F));
        }
    }
}

}  // namespace

uint16_t fp16_bits(float x) {
    const uint16_t sign = std::signbit(x) ? 0x8000 : 0;
    if (std::isnan(x)) return sign | 0x7E00;
    const float a = std::fabs(x);
    if (a == 0.0f) return sign;
    if (std::isinf(a)) return sign | 0x7C00;
    // quantum of a's binade (subnormals share the smallest normal binade's, 2^-24); nearbyint
    // rounds ties to even in the default rounding mode, and the scaling by powers of 2 is exact
    const int e = std::max(std::ilogb(a), -14);
    uint32_t q = static_cast<uint32_t>(std::nearbyint(std::ldexp(static_cast<double>(a), 10 - e)));
    if (q < 0x400) return sign | static_cast<uint16_t>(q);  // subnormal (e == -14)
    int biased = e + 15;
    if (q == 0x800) {  // rounded up into the next binade
        q = 0x400;
        ++biased;
    }
    if (biased >= 31) return sign | 0x7C00;
    return sign | static_cast<uint16_t>((biased << 10) | (q - 0x400));
}

float fp16_value(uint16_t bits) {
    const float sign = (bits & 0x8000) ? -1.0f : 1.0f;
    const int biased = (bits >> 10) & 0x1F;
    const uint32_t mant = bits & 0x3FF;
    if (biased == 31) return mant ? std::numeric_limits<float>::quiet_NaN() : sign * HUGE_VALF;
    if (biased == 0) return sign * std::ldexp(static_cast<float>(mant), -24);
    return sign * std::ldexp(static_cast<float>(mant | 0x400), biased - 25);
}

void unpack(const uint8_t* p, uint32_t fmt, float* out) {
    switch (fmt) {
        case FMT_BF16: {
            const uint16_t* v = reinterpret_cast<const uint16_t*>(p);
            for (uint32_t i = 0; i < kTileElems; ++i) out[i] = float_of(static_cast<uint32_t>(v[kFace.idx[i]]) << 16);
            break;
        }
        case FMT_FLOAT32: {
            const float* v = reinterpret_cast<const float*>(p);
            for (uint32_t i = 0; i < kTileElems; ++i) out[i] = v[kFace.idx[i]];
            break;
        }
        case FMT_FLOAT16: {
            const uint16_t* v = reinterpret_cast<const uint16_t*>(p);
            for (uint32_t i = 0; i < kTileElems; ++i) out[i] = fp16_value(v[kFace.idx[i]]);
            break;
        }
        case FMT_BFP8_B:
            for (uint32_t i = 0; i < kTileElems; ++i) {
                const uint32_t k = kFace.idx[i];
                const uint8_t d = p[64 + k];
                const float mag = std::ldexp(static_cast<float>(d & 0x7F), static_cast<int>(p[k >> 4]) - 127 - 6);
                out[i] = (d & 0x80) ? -mag : mag;
            }
            break;
        case FMT_INT32: {
            const int32_t* v = reinterpret_cast<const int32_t*>(p);
            for (uint32_t i = 0; i < kTileElems; ++i) out[i] = static_cast<float>(v[kFace.idx[i]]);
            break;
        }
        case FMT_UINT32: {
            const uint32_t* v = reinterpret_cast<const uint32_t*>(p);
            for (uint32_t i = 0; i < kTileElems; ++i) out[i] = static_cast<float>(v[kFace.idx[i]]);
            break;
        }
        case FMT_UINT16: {
            const uint16_t* v = reinterpret_cast<const uint16_t*>(p);
            for (uint32_t i = 0; i < kTileElems; ++i) out[i] = static_cast<float>(v[kFace.idx[i]]);
            break;
        }
        case FMT_UINT8:
            for (uint32_t i = 0; i < kTileElems; ++i) out[i] = static_cast<float>(p[kFace.idx[i]]);
            break;
        default:
            fault(ErrorKind::Config, "unpack: data format %u is not emulated", fmt);
    }
}

void pack(const float* in, uint32_t fmt, uint8_t* p) {
    switch (fmt) {
        case FMT_BF16: {
            uint16_t* v = reinterpret_cast<uint16_t*>(p);
            for (uint32_t i = 0; i < kTileElems; ++i) {
                const float x = in[i];
                v[kFace.idx[i]] = std::isnan(x) ? 0x7FC0 : static_cast<uint16_t>(bits_of(to_bf16(x)) >> 16);
            }
            break;
        }
        case FMT_FLOAT32: {
            float* v = reinterpret_cast<float*>(p);
            for (uint32_t i = 0; i < kTileElems; ++i) v[kFace.idx[i]] = in[i];
            break;
        }
        case FMT_FLOAT16: {
            uint16_t* v = reinterpret_cast<uint16_t*>(p);
            for (uint32_t i = 0; i < kTileElems; ++i) v[kFace.idx[i]] = fp16_bits(in[i]);
            break;
        }
        case FMT_BFP8_B:
            pack_bfp8(in, p);
            break;
        case FMT_INT32: {
            int32_t* v = reinterpret_cast<int32_t*>(p);
            for (uint32_t i = 0; i < kTileElems; ++i) v[kFace.idx[i]] = static_cast<int32_t>(std::nearbyint(in[i]));
            break;
        }
        case FMT_UINT32: {
            uint32_t* v = reinterpret_cast<uint32_t*>(p);
            for (uint32_t i = 0; i < kTileElems; ++i)
                v[kFace.idx[i]] = static_cast<uint32_t>(std::max(0.0f, std::nearbyint(in[i])));
            break;
        }
        case FMT_UINT16: {
            uint16_t* v = reinterpret_cast<uint16_t*>(p);
            for (uint32_t i = 0; i < kTileElems; ++i)
                v[kFace.idx[i]] = static_cast<uint16_t>(std::clamp(std::nearbyint(in[i]), 0.0f, 65535.0f));
            break;
        }
        case FMT_UINT8:
            for (uint32_t i = 0; i < kTileElems; ++i)
                p[kFace.idx[i]] = static_cast<uint8_t>(std::clamp(std::nearbyint(in[i]), 0.0f, 255.0f));
            break;
        default:
            fault(ErrorKind::Config, "pack: data format %u is not emulated", fmt);
    }
}

const char* format_name(uint32_t fmt) {
    switch (fmt) {
        case FMT_FLOAT32: return "Float32";
        case FMT_FLOAT16: return "Float16";
        case FMT_BF16: return "Float16_b";
        case FMT_BFP8_B: return "Bfp8_b";
        case FMT_INT32: return "Int32";
        case FMT_UINT16: return "UInt16";
        case FMT_UINT32: return "UInt32";
        case FMT_UINT8: return "UInt8";
        default: return "an unemulated format";
    }
}

uint32_t tile_bytes(uint32_t format) {
    switch (format) {
        case FMT_FLOAT32:
        case FMT_INT32:
        case FMT_UINT32: return 4096;
        case FMT_BFP8_B: return 1088;
        case FMT_UINT8: return 1024;
        default: return 2048;
    }
}

}  // namespace ttsim
