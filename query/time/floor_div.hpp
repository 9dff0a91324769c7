#pragma once

#include <cstdint>

namespace flowquery {

// Division rounding towards minus infinity, so that times before 1970 (or
// before a period's origin) land in the right second or period.
constexpr std::int64_t floor_div(std::int64_t a, std::int64_t b) {
    const std::int64_t q = a / b;
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

}  // namespace flowquery
