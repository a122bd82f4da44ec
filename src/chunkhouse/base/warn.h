#pragma once
// Warnings: something a user should hear about that does not stop the work (a column that
// cannot be a timeline, a sink that failed to flush). Code that warns takes a `Warn` callback
// so that Python can route it; without one, it goes to standard error.
#include <functional>
#include <string>

namespace chunkhouse {

using Warn = std::function<void(const std::string&)>;

// "[chunkhouse] warning: <message>" on standard error.
void WarnToStderr(const std::string& message);

// `warn` itself, or WarnToStderr when it is empty.
inline Warn OrStderr(Warn warn) { return warn ? std::move(warn) : Warn(WarnToStderr); }

}  // namespace chunkhouse
