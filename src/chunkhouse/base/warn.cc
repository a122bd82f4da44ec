#include "chunkhouse/base/warn.h"

#include <iostream>

namespace chunkhouse {

void WarnToStderr(const std::string& message) { std::cerr << "[chunkhouse] warning: " << message << std::endl; }

}  // namespace chunkhouse
