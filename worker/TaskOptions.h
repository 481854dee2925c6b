// SPDX-License-Identifier: MIT
#pragma once

#include <chrono>
#include <optional>

namespace Conduit {

struct TaskOptions
{
    int priority = 0; // higher runs first; equal priorities run in arrival order
    std::optional<std::chrono::milliseconds> timeout; // measured from submission
};

} // namespace Conduit
