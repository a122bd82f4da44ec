#pragma once
// _core.Selector's C++ object, for other bindings that take a selector (lenses).
#include "chunkhouse/transform/selector.h"

namespace chunkhouse::python {

struct PySelector {
  transform::Selector selector;
};

}  // namespace chunkhouse::python
