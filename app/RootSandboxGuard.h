// SPDX-License-Identifier: MIT
#pragma once

namespace Conduit::RootSandboxGuard {

// Chromium refuses to start its sandbox as root. Rather than abort, Conduit turns the sandbox
// off for root only, and says so. Call before the first web page is created (QtWebEngine reads
// the switch when it starts), after the translators are installed. Returns true when the
// sandbox was turned off.
bool disableSandboxIfRoot();

} // namespace Conduit::RootSandboxGuard
