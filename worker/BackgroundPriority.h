// SPDX-License-Identifier: MIT
#pragma once

namespace Conduit::BackgroundPriority {

// Lowers the calling thread's scheduling priority (nice 19 on Linux) once per thread, so task
// work on the pool yields the CPU to the GUI thread and the page's renderer: eight busy tasks on
// two cores must not make the window stutter. QThread priorities cannot express this on Linux
// (only IdlePriority has an effect there, and that one starves the work under any load).
void applyToCurrentThread();

} // namespace Conduit::BackgroundPriority
