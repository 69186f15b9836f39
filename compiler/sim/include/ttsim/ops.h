// Op codes shared by the kernel headers and the runtime: FPU modes, binary ops, SFPU ops.
#pragma once

#include <cstdint>

namespace ttsim {

enum FpuMode : uint32_t { FPU_NONE = 0, FPU_MATMUL = 1, FPU_ELTWISE = 2, FPU_COPY = 3, FPU_REDUCE = 4 };
enum BinaryOp : uint32_t { BIN_ADD = 0, BIN_SUB = 1, BIN_MUL = 2 };

// X-macro: one line per SFPU unary op (enum name, API name used in messages).
#define TTSIM_SFPU_OPS(X) \
    X(EXP, "exp")          \
    X(LOG, "log")          \
    X(RECIP, "recip")      \
    X(SQRT, "sqrt")        \
    X(RSQRT, "rsqrt")      \
    X(RELU, "relu")        \
    X(GELU, "gelu")        \
    X(SIGMOID, "sigmoid")  \
    X(TANH, "tanh")        \
    X(NEGATIVE, "negative") \
    X(ABS, "abs")          \
    X(SQUARE, "square")    \
    X(SILU, "silu")        \
    X(TYPECAST, "typecast")

enum SfpuOp : uint32_t {
#define TTSIM_SFPU_ENUM(name, text) SFPU_##name,
    TTSIM_SFPU_OPS(TTSIM_SFPU_ENUM)
#undef TTSIM_SFPU_ENUM
        SFPU_COUNT
};

}  // namespace ttsim
