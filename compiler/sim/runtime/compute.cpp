// Compute: the DST register file and its lifecycle, FPU tile ops (matmul, eltwise binary, copy,
// reduce), SFPU unary ops, pack, and the formats the unpacker and packer are configured for (the
// number formats themselves are in formats.cpp).
//
// Numerics, as far as the hardware is documented: FPU operands go through the 19-bit source
// registers (fp32 inputs are rounded to tf32; bf16 is exact), the FPU computes in fp32, DST holds
// fp32 when fp32_dest_acc_en and otherwise 16 bits — Float16 for values unpacked from Float16, bf16
// for the rest (rounded to nearest even after every op) — and the
// packer rounds to the CB format (round to nearest even). DST tiles are kept row-major 32x32;
// CB tiles are in tile layout (4 faces of 16x16).
#include <algorithm>
#include <cmath>
#include <cstring>

#include "formats.h"

namespace ttsim {

namespace {

struct DstTransition {
    const char* call;
    DstState from;
    DstState to;
};

// Indexed by the op code of ttsim_dst.
const DstTransition kDstTransitions[] = {
    {"tile_regs_acquire", DstState::Idle, DstState::Acquired},
    {"tile_regs_commit", DstState::Acquired, DstState::Committed},
    {"tile_regs_wait", DstState::Committed, DstState::Waited},
    {"tile_regs_release", DstState::Waited, DstState::Idle},
    {"acquire_dst", DstState::Idle, DstState::Legacy},
    {"release_dst", DstState::Legacy, DstState::Idle},
};

const char* dst_state_name(DstState s) {
    static const char* names[] = {"idle (not acquired)", "acquired by math", "committed by math",
                                  "waited on by pack", "acquired (acquire_dst)"};
    return names[static_cast<uint32_t>(s)];
}

const char* const kSfpuNames[] = {
#define TTSIM_SFPU_NAME(name, call, init) call,
    TTSIM_SFPU_OPS(TTSIM_SFPU_NAME)
#undef TTSIM_SFPU_NAME
};
const char* const kSfpuInits[] = {
#define TTSIM_SFPU_INIT(name, call, init) init,
    TTSIM_SFPU_OPS(TTSIM_SFPU_INIT)
#undef TTSIM_SFPU_INIT
};

ComputeState& compute_state(const char* call) {
    Core& core = cur_core();
    if (core.compute == nullptr) fault(ErrorKind::Config, "%s called outside a compute kernel", call);
    return *core.compute;
}

ComputeState& started(const char* call) {
    ComputeState& cs = compute_state(call);
    if (!cs.hw_started)
        fault(ErrorKind::ComputeState, "%s before compute_kernel_hw_startup(): the unpacker, math and packer are unconfigured",
              call);
    return cs;
}

uint32_t dst_capacity(const ComputeState& cs) { return cs.fp32_dest ? 4 : 8; }

void check_index(const ComputeState& cs, uint32_t idst, const char* call) {
    if (idst >= dst_capacity(cs))
        fault(ErrorKind::Dst, "%s: DST index %u beyond capacity: %u tiles usable (half-sync, %s DST)", call, idst,
              dst_capacity(cs), cs.fp32_dest ? "fp32" : "16-bit");
}

// A DST tile the math engine may write; untouched tiles since acquire read as zero.
float* math_dst(const char* call, uint32_t idst) {
    ComputeState& cs = started(call);
    if (cs.dst_state != DstState::Acquired && cs.dst_state != DstState::Legacy)
        fault(ErrorKind::Dst, "%s writes DST while it is %s: call tile_regs_acquire() first", call,
              dst_state_name(cs.dst_state));
    check_index(cs, idst, call);
    if (!cs.dst_touched[idst]) {
        std::fill(cs.dst[idst], cs.dst[idst] + kTileElems, 0.0f);
        cs.dst_touched[idst] = true;
        cs.dst_fmt[idst] = kFormatUnknown;
    }
    ++cur_fiber().stats.tile_ops;
    return cs.dst[idst];
}

// A 16-bit DST holds its values in the exponent family of the format they were unpacked from:
// Float16 (5-bit exponent) for Float16 tiles, Float16_b for every other format (tt-metal's
// unpack-dst format inference).
uint32_t dst16_format(uint32_t unpacked) { return unpacked == FMT_FLOAT16 ? FMT_FLOAT16 : FMT_BF16; }

// The format math results are in: DST's own (the family of what SrcA is configured for).
uint32_t dst_float_format(const ComputeState& cs) {
    return cs.fp32_dest ? FMT_FLOAT32 : dst16_format(cs.unit[UNIT_SRCA].format);
}

// Round a DST tile to what DST stores: nothing with fp32 DST, else the 16-bit format of `held`
// (DST's own for a tile of unknown format).
void round_dst(const ComputeState& cs, float* t, uint32_t held) {
    if (cs.fp32_dest) return;
    if (held == kFormatUnknown) held = dst_float_format(cs);
    if (dst16_format(held) == FMT_FLOAT16)
        for (uint32_t i = 0; i < kTileElems; ++i) t[i] = to_fp16(t[i]);
    else
        for (uint32_t i = 0; i < kTileElems; ++i) t[i] = to_bf16(t[i]);
}

void require_mode(const ComputeState& cs, uint32_t mode, const char* call, const char* init) {
    if (cs.fpu_mode != mode)
        fault(ErrorKind::ComputeState, "%s without %s: the FPU is configured for another op (call %s first)", call, init,
              init);
}

// The unpacker reads a CB tile by the format its source register is configured for; a tile of
// another format would be read as garbage on device.
void check_unpack_format(const ComputeState& cs, uint32_t unit, uint32_t cb, const char* call, uint32_t line) {
    static const char* const regs[] = {"SrcA", "SrcB"};
    static const char* const fixes[] = {"reconfig_data_format_srca", "reconfig_data_format_srcb"};
    const uint32_t fmt = cur_core().cb[cb].format;
    const FormatSetting& set = cs.unit[unit];
    if (fmt != set.format)
        fault(ErrorKind::ComputeState,
              "%s at line %u unpacks CB %u (%s) into %s, which is configured for %s (by %s): on device the tile "
              "reads as garbage; call %s(%u) (or reconfig_data_format(...)) before it",
              call, line, cb, format_name(fmt), regs[unit], format_name(set.format), set.by, fixes[unit], cb);
}

// Unpack a CB tile into a source register (tf32 precision).
void unpack_src(uint32_t cb, uint32_t index, uint32_t unit, const char* call, uint32_t line, float* out) {
    const uint8_t* p = cb_tile_for_read(cb, index, call);
    check_unpack_format(compute_state(call), unit, cb, call, line);
    unpack(p, cur_core().cb[cb].format, out);
    if (cur_core().cb[cb].format == FMT_FLOAT32)
        for (uint32_t i = 0; i < kTileElems; ++i) out[i] = to_tf32(out[i]);
}

// Math fidelity, after the FPU's fidelity phases: the multiplier takes the top 4 fraction bits
// of SrcA and the top 6 of SrcB per pass; LoFi is that one pass, HiFi2 adds the low SrcA bits,
// HiFi3 the low SrcB bits against the top SrcA bits, HiFi4 is the full product.
struct FidelityOperands {
    alignas(64) float a[kTileElems];  // SrcA part of the first product
    alignas(64) float b[kTileElems];  // SrcB part of the first product
    alignas(64) float a2[kTileElems];
    alignas(64) float b2[kTileElems];
    bool second = false;  // HiFi3: add a2 * b2
};

// Splits full-precision SrcA/SrcB tiles into the operands the fidelity's passes multiply.
void fidelity_operands(uint32_t fidelity, const float* src_a, const float* src_b, FidelityOperands& op) {
    for (uint32_t i = 0; i < kTileElems; ++i) {
        const float a_hi = truncate_mantissa(src_a[i], 4), b_hi = truncate_mantissa(src_b[i], 6);
        op.a[i] = fidelity >= 2 ? src_a[i] : a_hi;
        op.b[i] = fidelity >= 4 ? src_b[i] : b_hi;
        op.a2[i] = a_hi;
        op.b2[i] = src_b[i] - b_hi;
    }
    op.second = fidelity == 3;
}

// acc (row-major 32x32) += x @ y
void matmul_acc(float* acc, const float* x, const float* y) {
    for (uint32_t r = 0; r < 32; ++r) {
        float* out = acc + r * 32;
        for (uint32_t k = 0; k < 32; ++k) {
            const float xv = x[r * 32 + k];
            const float* yrow = y + k * 32;
            for (uint32_t c = 0; c < 32; ++c) out[c] += xv * yrow[c];
        }
    }
}

// Broadcasts a row-major tile in place: column 0 across (COL), row `row` down (ROW), [0][0] (SCALAR).
void broadcast(float* t, uint32_t bcast, uint32_t row) {
    switch (bcast) {
        case BCAST_COL:
            for (uint32_t r = 0; r < 32; ++r) std::fill(t + r * 32 + 1, t + r * 32 + 32, t[r * 32]);
            break;
        case BCAST_ROW: {
            float src[32];
            std::copy(t + (row & 31) * 32, t + (row & 31) * 32 + 32, src);
            for (uint32_t r = 0; r < 32; ++r) std::copy(src, src + 32, t + r * 32);
            break;
        }
        case BCAST_SCALAR: std::fill(t + 1, t + kTileElems, t[0]); break;
        default: break;
    }
}

float sfpu_apply(uint32_t op, float x, float param) {
    switch (op) {
        case SFPU_EXP: return std::exp(x);
        case SFPU_LOG: return std::log(x);
        case SFPU_RECIP: return 1.0f / x;
        case SFPU_SQRT: return std::sqrt(x);
        case SFPU_RSQRT: return 1.0f / std::sqrt(x);
        case SFPU_RELU: return x > 0.0f ? x : 0.0f;
        case SFPU_GELU: return 0.5f * x * (1.0f + std::erf(x * 0.70710678118654752f));
        case SFPU_SIGMOID: return 1.0f / (1.0f + std::exp(-x));
        case SFPU_TANH: return std::tanh(x);
        case SFPU_NEGATIVE: return -x;
        case SFPU_ABS: return std::fabs(x);
        case SFPU_SQUARE: return x * x;
        case SFPU_SILU: return x / (1.0f + std::exp(-x));
        case SFPU_ADD_SCALAR: return x + param;
        case SFPU_SUB_SCALAR: return x - param;
        case SFPU_MUL_SCALAR: return x * param;
        case SFPU_DIV_SCALAR: return x / param;
        case SFPU_RSUB_SCALAR: return param - x;
        case SFPU_FILL: return param;
        case SFPU_EXP2: return std::exp2(x);
        case SFPU_LOG_BASE: return std::log(x) * param;
        case SFPU_ERF: return std::erf(x);
        case SFPU_UNARY_MAX: return x > param ? x : param;
        case SFPU_UNARY_MIN: return x < param ? x : param;
        case SFPU_POWER_ITER: {
            float y = 1.0f;
            for (uint32_t n = static_cast<uint32_t>(param); n > 0; --n) y *= x;
            return y;
        }
        case SFPU_UNARY_EQ: return x == param ? 1.0f : 0.0f;
        case SFPU_UNARY_NE: return x != param ? 1.0f : 0.0f;
        case SFPU_UNARY_LT: return x < param ? 1.0f : 0.0f;
        case SFPU_UNARY_LE: return x <= param ? 1.0f : 0.0f;
        case SFPU_UNARY_GT: return x > param ? 1.0f : 0.0f;
        case SFPU_UNARY_GE: return x >= param ? 1.0f : 0.0f;
        case SFPU_LOG1P: return std::log1p(x);
        case SFPU_SIN: return std::sin(x);
        case SFPU_COS: return std::cos(x);
        case SFPU_FLOOR: return std::floor(x);
        case SFPU_CEIL: return std::ceil(x);
        case SFPU_TRUNC: return std::trunc(x);
        case SFPU_ROUND: {
            const float scale = std::pow(10.0f, param);
            return std::nearbyint(x * scale) / scale;
        }
        case SFPU_ISNAN: return std::isnan(x) ? 1.0f : 0.0f;
        case SFPU_ISINF: return std::isinf(x) ? 1.0f : 0.0f;
        default: return x;
    }
}

// SFPU ops of two DST tiles (x op y); max/min keep x unless y compares greater/smaller, so a NaN
// in y is dropped and a NaN in x kept (the SFPU compares and swaps; it has no IEEE maximum).
float sfpu_binary_apply(uint32_t op, float x, float y) {
    switch (op) {
        case SFPU_MAX: return std::max(x, y);
        case SFPU_MIN: return std::min(x, y);
        case SFPU_ADD_BINARY: return x + y;
        case SFPU_SUB_BINARY: return x - y;
        case SFPU_MUL_BINARY: return x * y;
        case SFPU_DIV_BINARY: return x / y;
        case SFPU_EQ_BINARY: return x == y ? 1.0f : 0.0f;
        case SFPU_NE_BINARY: return x != y ? 1.0f : 0.0f;
        case SFPU_LT_BINARY: return x < y ? 1.0f : 0.0f;
        case SFPU_LE_BINARY: return x <= y ? 1.0f : 0.0f;
        case SFPU_GT_BINARY: return x > y ? 1.0f : 0.0f;
        case SFPU_GE_BINARY: return x >= y ? 1.0f : 0.0f;
        default: return x;
    }
}

// Whether row-major element i is part of a reduction's result: column 0 (ROW), row 0 (COL), [0][0].
bool in_reduce_result(uint32_t dim, uint32_t i) {
    return dim == 0 ? (i & 31) == 0 : dim == 1 ? i < 32 : i == 0;
}

// The hardware multiplies by row 0 of each face of the scaler tile (rows 0 and 16); the emulator
// models one scaler value, so those 64 values must agree.
float uniform_scaler(const float* s, uint32_t cb, uint32_t tile, uint32_t line) {
    for (uint32_t row : {0u, 16u})
        for (uint32_t c = 0; c < 32; ++c)
            if (bits_of(s[row * 32 + c]) != bits_of(s[0]))
                fault(ErrorKind::ComputeState,
                      "reduce_tile at line %u: scaler tile %u of CB %u holds %g at row %u column %u but %g at [0][0]: "
                      "the hardware multiplies by row 0 of each face (rows 0 and 16), which must all hold the "
                      "scaler (fill them as generate_reduce_scaler does)",
                      line, tile, cb, static_cast<double>(s[row * 32 + c]), row, c, static_cast<double>(s[0]));
    return s[0];
}

// Bytes the unpacker reads for one tile of CB `cb`.
uint32_t unpacked_bytes(uint32_t cb) { return tile_bytes(cur_core().cb[cb].format); }

}  // namespace

const uint8_t* cb_tile_for_read(uint32_t cb, uint32_t index, const char* call) {
    CBState& c = checked_cb(static_cast<int32_t>(cb), call);
    // Tiles past those waited for may not have arrived on device, even if the producer pushed them here.
    if (index >= c.waited)
        fault(ErrorKind::CB,
              "%s reads tile %u of CB %u but the kernel waited for only %u pages at its front: call "
              "cb_wait_front(%u, %u) first [%s]",
              call, index, cb, c.waited, cb, index + 1, cb_state(cur_core(), cb).c_str());
    if (c.page_size < tile_bytes(c.format))
        fault(ErrorKind::CB, "%s: CB %u pages are %u B, smaller than one tile of its format (%u B)", call, cb, c.page_size,
              tile_bytes(c.format));
    return c.base + static_cast<size_t>((c.rd_page + index) % c.num_pages) * c.page_size;
}

}  // namespace ttsim

using namespace ttsim;

extern "C" {

void ttsim_dst(uint32_t op, uint32_t line) {
    const DstTransition& t = kDstTransitions[op];
    ComputeState& cs = compute_state(t.call);
    if (cs.dst_state != t.from)
        fault(ErrorKind::Dst, "%s at line %u while DST is %s (expected %s): DST lifecycle is acquire -> commit -> wait -> release",
              t.call, line, dst_state_name(cs.dst_state), dst_state_name(t.from));
    cs.dst_state = t.to;
    cost_dst(op);
    if (t.to == DstState::Acquired || t.to == DstState::Legacy) std::fill(cs.dst_touched, cs.dst_touched + kDstTiles, false);
}

void ttsim_hw_startup(uint32_t icb0, uint32_t icb1, uint32_t ocb, uint32_t reverse) {
    const char* call = "compute_kernel_hw_startup";
    ComputeState& cs = compute_state(call);
    const uint32_t cbs[3] = {reverse ? icb1 : icb0, reverse ? icb0 : icb1, ocb};  // by FormatUnit
    for (uint32_t unit = 0; unit < 3; ++unit)
        cs.unit[unit] = {checked_cb(static_cast<int32_t>(cbs[unit]), call).format, call};
    cs.hw_started = true;
    cost_init();
}

void ttsim_fpu_init(uint32_t mode, uint32_t sub, uint32_t icb0, uint32_t icb1, uint32_t flag) {
    static const char* names[] = {"",           "matmul_init",      "add/sub/mul_init", "copy_init",
                                  "reduce_init", "unary_bcast_init", "transpose_init"};
    ComputeState& cs = started(names[mode]);
    checked_cb(static_cast<int32_t>(icb0), names[mode]);
    checked_cb(static_cast<int32_t>(icb1), names[mode]);
    cs.fpu_mode = mode;
    cost_init();
    switch (mode) {
        case FPU_MATMUL: cs.transpose = flag != 0; break;
        case FPU_ELTWISE:
            cs.binary_op = sub & 0xFF;
            cs.bcast = sub >> 8;
            cs.acc_to_dest = flag != 0;
            break;
        case FPU_UNARY_BCAST: cs.bcast = sub; break;
        case FPU_REDUCE: cs.reduce_type = sub; cs.reduce_dim = flag; break;
        default: break;
    }
}

void ttsim_matmul_tiles(uint32_t in0, uint32_t in1, uint32_t i0, uint32_t i1, uint32_t idst, uint32_t line) {
    ComputeState& cs = started("matmul_tiles");
    require_mode(cs, FPU_MATMUL, "matmul_tiles", "matmul_init");
    alignas(64) float a[kTileElems], b[kTileElems];
    // in0 feeds SrcB, in1 feeds SrcA
    unpack_src(in0, i0, UNIT_SRCB, "matmul_tiles", line, a);
    unpack_src(in1, i1, UNIT_SRCA, "matmul_tiles", line, b);
    if (cs.transpose)
        for (uint32_t r = 0; r < 32; ++r)
            for (uint32_t c = r + 1; c < 32; ++c) std::swap(b[r * 32 + c], b[c * 32 + r]);
    float* d = math_dst("matmul_tiles", idst);
    alignas(64) float acc[kTileElems];
    std::memcpy(acc, d, sizeof acc);
    if (cs.fidelity >= 4) {
        matmul_acc(acc, a, b);
    } else {
        // in0 feeds SrcB, in1 feeds SrcA
        FidelityOperands op;
        fidelity_operands(cs.fidelity, b, a, op);
        matmul_acc(acc, op.b, op.a);
        if (op.second) matmul_acc(acc, op.b2, op.a2);
    }
    std::memcpy(d, acc, sizeof acc);
    cs.dst_fmt[idst] = dst_float_format(cs);
    round_dst(cs, d, cs.dst_fmt[idst]);
    cost_fpu(Fpu::Matmul, unpacked_bytes(in0) + unpacked_bytes(in1));
}

void ttsim_binary_tiles(uint32_t op, uint32_t bcast, uint32_t in0, uint32_t in1, uint32_t i0, uint32_t i1, uint32_t idst,
                        uint32_t bcast_row, uint32_t line) {
    static const char* calls[4][3] = {{"add_tiles", "sub_tiles", "mul_tiles"},
                                      {"add_tiles_bcast_cols", "sub_tiles_bcast_cols", "mul_tiles_bcast_cols"},
                                      {"add_tiles_bcast_rows", "sub_tiles_bcast_rows", "mul_tiles_bcast_rows"},
                                      {"add_tiles_bcast_scalar", "sub_tiles_bcast_scalar", "mul_tiles_bcast_scalar"}};
    static const char* inits[4][3] = {{"add_init", "sub_init", "mul_init"},
                                      {"add_bcast_cols_init", "sub_bcast_cols_init", "mul_bcast_cols_init"},
                                      {"add_bcast_rows_init", "sub_bcast_rows_init", "mul_bcast_rows_init"},
                                      {"add_bcast_scalar_init", "sub_bcast_scalar_init", "mul_bcast_scalar_init"}};
    const char* call = calls[bcast][op];
    ComputeState& cs = started(call);
    if (cs.fpu_mode != FPU_ELTWISE || cs.binary_op != op || cs.bcast != bcast)
        fault(ErrorKind::ComputeState, "%s without %s: the FPU is configured for another op (call %s first)", call,
              inits[bcast][op], inits[bcast][op]);
    alignas(64) float a[kTileElems], b[kTileElems];
    unpack_src(in0, i0, UNIT_SRCA, call, line, a);
    unpack_src(in1, i1, UNIT_SRCB, call, line, b);
    broadcast(b, bcast, bcast_row);
    float* d = math_dst(call, idst);
    const float keep = cs.acc_to_dest ? 1.0f : 0.0f;
    switch (op) {
        case BIN_ADD: for (uint32_t i = 0; i < kTileElems; ++i) d[i] = keep * d[i] + (a[i] + b[i]); break;
        case BIN_SUB: for (uint32_t i = 0; i < kTileElems; ++i) d[i] = keep * d[i] + (a[i] - b[i]); break;
        default: {
            FidelityOperands f;
            fidelity_operands(cs.fidelity, a, b, f);
            for (uint32_t i = 0; i < kTileElems; ++i)
                d[i] = keep * d[i] + (f.a[i] * f.b[i] + (f.second ? f.a2[i] * f.b2[i] : 0.0f));
            break;
        }
    }
    cs.dst_fmt[idst] = dst_float_format(cs);
    round_dst(cs, d, cs.dst_fmt[idst]);
    cost_fpu(op == BIN_MUL ? Fpu::EltwiseMul : Fpu::Eltwise, unpacked_bytes(in0) + unpacked_bytes(in1));
}

void ttsim_copy_tile(uint32_t cb, uint32_t itile, uint32_t idst, uint32_t line) {
    ComputeState& cs = started("copy_tile");
    require_mode(cs, FPU_COPY, "copy_tile", "copy_init");
    const uint8_t* p = cb_tile_for_read(cb, itile, "copy_tile");
    check_unpack_format(cs, UNIT_SRCA, cb, "copy_tile", line);
    float* d = math_dst("copy_tile", idst);
    unpack(p, cur_core().cb[cb].format, d);
    // fp32 reaches DST unrounded only when unpacked straight to it; otherwise via SrcA (tf32)
    if (cur_core().cb[cb].format == FMT_FLOAT32 && !(cs.unpack_to_dest_fp32 >> cb & 1u))
        for (uint32_t i = 0; i < kTileElems; ++i) d[i] = to_tf32(d[i]);
    cs.dst_fmt[idst] = cur_core().cb[cb].format;
    round_dst(cs, d, cs.dst_fmt[idst]);
    cost_fpu(Fpu::Datacopy, unpacked_bytes(cb));
}

void ttsim_unary_bcast(uint32_t bcast, uint32_t cb, uint32_t itile, uint32_t idst, uint32_t line) {
    ComputeState& cs = started("unary_bcast");
    if (cs.fpu_mode != FPU_UNARY_BCAST || cs.bcast != bcast)
        fault(ErrorKind::ComputeState,
              "unary_bcast without unary_bcast_init of the same BroadcastType: the FPU is configured for another op");
    const uint8_t* p = cb_tile_for_read(cb, itile, "unary_bcast");
    // A broadcast tile goes through SrcB; 32-bit formats (and no broadcast) are unpacked via SrcA's
    // unpacker (to DST), as the real unary_bcast_init selects.
    const uint32_t fmt = cur_core().cb[cb].format;
    const bool wide = fmt == FMT_FLOAT32 || fmt == FMT_INT32 || fmt == FMT_UINT32;
    check_unpack_format(cs, bcast == BCAST_NONE || wide ? UNIT_SRCA : UNIT_SRCB, cb, "unary_bcast", line);
    float* d = math_dst("unary_bcast", idst);
    unpack(p, cur_core().cb[cb].format, d);
    broadcast(d, bcast, 0);
    cs.dst_fmt[idst] = fmt;
    round_dst(cs, d, fmt);
    cost_fpu(Fpu::Datacopy, unpacked_bytes(cb));
}

void ttsim_transpose_tile(uint32_t cb, uint32_t itile, uint32_t idst, uint32_t line) {
    ComputeState& cs = started("transpose_tile");
    require_mode(cs, FPU_TRANSPOSE, "transpose_tile", "transpose_init");
    alignas(64) float a[kTileElems];
    const uint8_t* p = cb_tile_for_read(cb, itile, "transpose_tile");
    check_unpack_format(cs, UNIT_SRCA, cb, "transpose_tile", line);
    unpack(p, cur_core().cb[cb].format, a);
    float* d = math_dst("transpose_tile", idst);
    for (uint32_t r = 0; r < 32; ++r)
        for (uint32_t c = 0; c < 32; ++c) d[c * 32 + r] = a[r * 32 + c];
    cs.dst_fmt[idst] = cur_core().cb[cb].format;
    round_dst(cs, d, cs.dst_fmt[idst]);
    cost_fpu(Fpu::Datacopy, unpacked_bytes(cb));
}

void ttsim_reduce_tile(uint32_t type, uint32_t dim, uint32_t icb, uint32_t scb, uint32_t itile, uint32_t stile,
                       uint32_t idst, uint32_t line) {
    ComputeState& cs = started("reduce_tile");
    if (cs.fpu_mode != FPU_REDUCE || cs.reduce_type != type || cs.reduce_dim != dim)
        fault(ErrorKind::ComputeState,
              "reduce_tile without a matching reduce_init (same PoolType and ReduceDim): the FPU is configured for another op");
    alignas(64) float a[kTileElems], s[kTileElems];
    const bool is_max = type == 2;
    // REDUCE_ROW SUM/AVG runs as a matrix-vector multiply with the scaler in SrcA, the data in SrcB.
    const bool swapped = dim == 0 && !is_max;
    unpack_src(icb, itile, swapped ? UNIT_SRCB : UNIT_SRCA, "reduce_tile", line, a);
    unpack_src(scb, stile, swapped ? UNIT_SRCA : UNIT_SRCB, "reduce_tile", line, s);
    const bool first = !cs.dst_touched[idst < kDstTiles ? idst : 0];
    float* d = math_dst("reduce_tile", idst);
    const float scaler = uniform_scaler(s, scb, stile, line);
    auto combine = [&](float& slot, float value) {
        slot = is_max ? (first ? value : std::max(slot, value)) : slot + value;
    };
    auto fold = [&](float acc, float x) { return is_max ? std::max(acc, x * scaler) : acc + x * scaler; };
    const float init = is_max ? -INFINITY : 0.0f;
    if (dim == 0) {  // REDUCE_ROW: each row to column 0
        for (uint32_t r = 0; r < 32; ++r) {
            float acc = init;
            for (uint32_t c = 0; c < 32; ++c) acc = fold(acc, a[r * 32 + c]);
            combine(d[r * 32], acc);
        }
    } else if (dim == 1) {  // REDUCE_COL: each column to row 0
        for (uint32_t c = 0; c < 32; ++c) {
            float acc = init;
            for (uint32_t r = 0; r < 32; ++r) acc = fold(acc, a[r * 32 + c]);
            combine(d[c], acc);
        }
    } else {  // REDUCE_SCALAR
        float acc = init;
        for (uint32_t i = 0; i < kTileElems; ++i) acc = fold(acc, a[i]);
        combine(d[0], acc);
    }
    // The rest of the DST tile is left undefined by the hardware: NaN makes a consumer of it show.
    for (uint32_t i = 0; i < kTileElems; ++i)
        if (!in_reduce_result(dim, i)) d[i] = NAN;
    cs.dst_fmt[idst] = dst_float_format(cs);
    round_dst(cs, d, cs.dst_fmt[idst]);
    cost_fpu(Fpu::Reduce, unpacked_bytes(icb) + unpacked_bytes(scb));
}

void ttsim_pack_tile(uint32_t idst, uint32_t ocb, uint32_t out_index, uint32_t line) {
    ComputeState& cs = started("pack_tile");
    if (cs.dst_state != DstState::Waited && cs.dst_state != DstState::Legacy)
        fault(ErrorKind::Dst, "pack_tile at line %u reads DST while it is %s: call tile_regs_commit() and tile_regs_wait() first",
              line, dst_state_name(cs.dst_state));
    check_index(cs, idst, "pack_tile");
    CBState& c = checked_cb(static_cast<int32_t>(ocb), "pack_tile");
    if (out_index == TTSIM_PACK_IN_ORDER) out_index = c.packed_in_order++;
    if (out_index >= c.reserved)
        fault(ErrorKind::CB,
              "pack_tile(%u, cb=%u, %u) at line %u writes page %u past the back of the CB but only %u pages are reserved: "
              "call cb_reserve_back first [%s]",
              idst, ocb, out_index, line, out_index, c.reserved, cb_state(cur_core(), ocb).c_str());
    if (c.page_size < tile_bytes(c.format))
        fault(ErrorKind::CB, "pack_tile: CB %u pages are %u B, smaller than one tile of its format (%u B)", ocb, c.page_size,
              tile_bytes(c.format));
    if (c.format != cs.unit[UNIT_PACK].format)
        fault(ErrorKind::ComputeState,
              "pack_tile at line %u packs into CB %u (%s) but the packer is configured for %s (by %s): on device the "
              "page is written in the wrong format; call pack_reconfig_data_format(%u) before it",
              line, ocb, format_name(c.format), format_name(cs.unit[UNIT_PACK].format), cs.unit[UNIT_PACK].by, ocb);
    static const float zeros[kTileElems] = {};
    const float* src = cs.dst_touched[idst] ? cs.dst[idst] : zeros;
    alignas(64) float masked[kTileElems];
    if (cs.pack_mask && ocb == cs.pack_mask_cb) {
        for (uint32_t i = 0; i < kTileElems; ++i) masked[i] = in_reduce_result(cs.pack_mask_dim, i) ? src[i] : 0.0f;
        src = masked;
    }
    uint8_t* page = c.base + static_cast<size_t>((c.wr_page + out_index) % c.num_pages) * c.page_size;
    if (cs.l1_acc) {
        alignas(64) float sum[kTileElems];
        unpack(page, c.format, sum);
        for (uint32_t i = 0; i < kTileElems; ++i) sum[i] += src[i];
        pack(sum, c.format, page);
    } else {
        pack(src, c.format, page);
    }
    cost_pack(c.format);
}

void ttsim_reconfig(uint32_t unit, int32_t old_cb, uint32_t new_cb) {
    static const char* const calls[] = {"reconfig_data_format(_srca)", "reconfig_data_format(_srcb)",
                                        "pack_reconfig_data_format"};
    ComputeState& cs = started(calls[unit]);
    const uint32_t fmt = checked_cb(static_cast<int32_t>(new_cb), calls[unit]).format;
    // The (old, new) forms compare the two CBs' formats, not the hardware's state.
    if (old_cb >= 0 && checked_cb(old_cb, calls[unit]).format == fmt) return;
    cs.unit[unit] = {fmt, calls[unit]};
}

void ttsim_reduce_mask(uint32_t on, uint32_t dim, uint32_t ocb) {
    ComputeState& cs = started(on ? "reduce_init" : "reduce_uninit");
    cs.pack_mask = on != 0;
    cs.pack_mask_dim = dim;
    cs.pack_mask_cb = ocb;
}

void ttsim_pack_l1_acc(uint32_t enable) { started("pack_reconfig_l1_acc").l1_acc = enable != 0; }

void ttsim_sfpu_init(uint32_t op) {
    ComputeState& cs = started(kSfpuInits[op]);
    // one init configures every op it covers (binop_with_scalar_tile_init: add/sub/mul/div/rsub)
    for (uint32_t other = 0; other < SFPU_COUNT; ++other)
        if (std::strcmp(kSfpuInits[other], kSfpuInits[op]) == 0) cs.sfpu_inited |= 1ull << other;
    cost_init();
}

void ttsim_sfpu(uint32_t op, uint32_t idst, float param) {
    const char* name = kSfpuNames[op];
    ComputeState& cs = started(name);
    if (!(cs.sfpu_inited & (1ull << op)))
        fault(ErrorKind::ComputeState, "%s without %s(): the SFPU is not configured for it", name, kSfpuInits[op]);
    float* d = math_dst(name, idst);
    for (uint32_t i = 0; i < kTileElems; ++i) d[i] = sfpu_apply(op, d[i], param);
    if (op == SFPU_FILL) cs.dst_fmt[idst] = dst_float_format(cs);
    round_dst(cs, d, cs.dst_fmt[idst]);
    cost_sfpu(op);
}

void ttsim_sfpu_binary(uint32_t op, uint32_t idst0, uint32_t idst1, uint32_t odst) {
    const char* name = kSfpuNames[op];
    ComputeState& cs = started(name);
    if (!(cs.sfpu_inited & (1ull << op)))
        fault(ErrorKind::ComputeState, "%s without %s(): the SFPU is not configured for it", name, kSfpuInits[op]);
    const float* x = math_dst(name, idst0);
    const float* y = math_dst(name, idst1);
    float* d = math_dst(name, odst);
    for (uint32_t i = 0; i < kTileElems; ++i) d[i] = sfpu_binary_apply(op, x[i], y[i]);
    cs.dst_fmt[odst] = dst_float_format(cs);
    round_dst(cs, d, cs.dst_fmt[odst]);
    cost_sfpu(op);
}

void ttsim_sfpu_where(uint32_t data_format, uint32_t idst0, uint32_t idst1, uint32_t idst2, uint32_t odst) {
    const char* name = "where_tile";
    ComputeState& cs = started(name);
    if (!(cs.sfpu_inited & (1ull << SFPU_WHERE)))
        fault(ErrorKind::ComputeState, "where_tile without where_tile_init(): the SFPU is not configured for it");
    // The SFPU reads the three tiles as data_format: DST's own float format is the one that works.
    if (data_format != dst_float_format(cs))
        fault(ErrorKind::ComputeState, "where_tile<%s> on a %s DST: use where_tile<DataFormat::%s>", format_name(data_format),
              format_name(dst_float_format(cs)), format_name(dst_float_format(cs)));
    const float* c = math_dst(name, idst0);
    const float* x = math_dst(name, idst1);
    const float* y = math_dst(name, idst2);
    float* d = math_dst(name, odst);
    for (uint32_t i = 0; i < kTileElems; ++i) d[i] = c[i] != 0.0f ? x[i] : y[i];
    cs.dst_fmt[odst] = dst_float_format(cs);
    cost_sfpu(SFPU_WHERE);
}

void ttsim_typecast(uint32_t in_fmt, uint32_t out_fmt, uint32_t idst, uint32_t line) {
    ComputeState& cs = started("typecast");
    if (!(cs.sfpu_inited & (1ull << SFPU_TYPECAST)))
        fault(ErrorKind::ComputeState, "typecast_tile without typecast_tile_init(): the SFPU is not configured for it");
    // 0.81.1's typecast_tile has no arm for Float16: on device it compiles to nothing. The
    // unpacker and packer convert Float16 instead (copy the tile, pack it into a CB of the target format).
    if (in_fmt == FMT_FLOAT16 || out_fmt == FMT_FLOAT16)
        fault(ErrorKind::ComputeState,
              "typecast_tile<%u (%s), %u (%s)> at line %u: the SFPU typecast has no Float16 conversion (on device the "
              "call does nothing); let the unpacker/packer convert: copy_tile the tile and pack_tile it into a CB of "
              "the target format",
              in_fmt, format_name(in_fmt), out_fmt, format_name(out_fmt), line);
    float* d = math_dst("typecast_tile", idst);
    // The SFPU decodes the tile as IN_DTYPE; values of another format convert as garbage.
    const uint32_t held = cs.dst_fmt[idst];
    if (held != kFormatUnknown && held != in_fmt)
        fault(ErrorKind::ComputeState,
              "typecast_tile<%u (%s), %u (%s)> at line %u: DST tile %u holds %s values (what filled it last): "
              "name that format as IN_DTYPE, typecast_tile<%u, %u>",
              in_fmt, format_name(in_fmt), out_fmt, format_name(out_fmt), line, idst, format_name(held), held, out_fmt);
    for (uint32_t i = 0; i < kTileElems; ++i) {
        switch (out_fmt) {
            case FMT_BF16: d[i] = to_bf16(d[i]); break;
            case FMT_INT32: d[i] = std::nearbyint(d[i]); break;
            case FMT_UINT32:
            case FMT_UINT16: d[i] = std::max(0.0f, std::nearbyint(d[i])); break;
            default: break;
        }
    }
    cs.dst_fmt[idst] = out_fmt;
    round_dst(cs, d, out_fmt);
    cost_sfpu(SFPU_TYPECAST);
}

}  // extern "C"
