// SPDX-License-Identifier: MIT
#pragma once

#include "Schema.h"

namespace Conduit::WireError {

// The shape every failure travels in, {code, message, details?}: bridge/'s CommandError and
// worker/'s TaskError both write it, and the page's ErrorPayload is generated from it.
Schema payload();
// Its `code`: named ErrorCode, a union the type generator writes from every code declared
// (the bridge's and the application's), which are only all known once the API is complete.
Schema code();

} // namespace Conduit::WireError
