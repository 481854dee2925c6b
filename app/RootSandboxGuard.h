#pragma once

namespace Conduit::RootSandboxGuard {

// Chromium refuses to start its sandbox as root. Rather than abort, Conduit turns the sandbox
// off for root only, and says so. Call before the QApplication exists. Returns true when the
// sandbox was turned off.
bool disableSandboxIfRoot();

} // namespace Conduit::RootSandboxGuard
