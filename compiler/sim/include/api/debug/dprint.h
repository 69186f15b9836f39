// Emulated api/debug/dprint.h: DPRINT << ... prints to stderr, prefixed by the core.
#pragma once

#include <cstdio>
#include <type_traits>

#include "ttsim/common.h"

namespace ttsim {
struct DebugPrinter {
    template <typename T>
    const DebugPrinter& operator<<(const T& value) const {
        if constexpr (std::is_floating_point_v<T>) {
            std::fprintf(stderr, "%g", static_cast<double>(value));
        } else if constexpr (std::is_integral_v<T>) {
            std::fprintf(stderr, "%lld", static_cast<long long>(value));
        } else {
            std::fprintf(stderr, "%s", static_cast<const char*>(value));
        }
        return *this;
    }
};
}  // namespace ttsim

#define ENDL() "\n"
#define DPRINT (ttsim::DebugPrinter{} << "[core " << ttsim_my_x() << "," << ttsim_my_y() << "] ")
#define DPRINT_MATH(x) x
#define DPRINT_PACK(x) x
#define DPRINT_UNPACK(x) x
#define DPRINT_DATA0(x) x
#define DPRINT_DATA1(x) x
