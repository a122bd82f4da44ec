#pragma once
// A store of an .rrd file as Python sees it (RrdReader.recordings() and Store.entry).
#include <string>

#include "chunkhouse/base/ids.h"

namespace chunkhouse::python {

struct StoreEntry {
  StoreId id;
  std::string kind() const { return std::string(StoreKindName(id.kind)); }
};

}  // namespace chunkhouse::python
