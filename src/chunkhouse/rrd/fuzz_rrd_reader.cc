// libFuzzer target: arbitrary bytes through every .rrd reading path (streaming reader,
// indexed reader with on-demand chunk loading, verifier). Any crash, hang, leak or
// unbounded allocation is a bug; errors are the expected outcome.
#include <arrow/buffer.h>

#include "chunkhouse/rrd/reader.h"
#include "chunkhouse/rrd/verify.h"

using namespace chunkhouse::rrd;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto bytes = std::make_shared<arrow::Buffer>(data, static_cast<int64_t>(size));
  auto file = RrdFile::FromBuffer("fuzz.rrd", bytes);

  StreamReader stream(file);
  for (int i = 0; i < 100000 && !stream.done(); ++i) {
    auto next = stream.Next();
    if (next.ok() && !*next) break;
  }

  auto indexed = IndexedReader::Open(file, IndexedReader::Options{});
  if (indexed.ok()) {
    for (const auto& entry : (*indexed)->chunks()) (void)(*indexed)->LoadChunk(entry);
  }

  (void)VerifyFile(file);
  return 0;
}
