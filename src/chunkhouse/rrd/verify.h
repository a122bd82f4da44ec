#pragma once
// Checks a whole file: every message decodes, and every footer agrees with the data.
#include <memory>
#include <string>
#include <vector>

#include "chunkhouse/base/status.h"

namespace chunkhouse::rrd {

struct VerifyReport {
  uint64_t messages = 0;
  uint64_t chunks = 0;
  uint64_t footers = 0;
  std::vector<std::string> errors;
  bool ok() const { return errors.empty(); }
};

class RrdFile;
VerifyReport VerifyFile(const std::string& path);
VerifyReport VerifyFile(std::shared_ptr<RrdFile> file);

}  // namespace chunkhouse::rrd
