// Example: query a recording from C++ and print the result.
//   query_recording FILE.rrd INDEX [ENTITY_FILTER]
// Opens the file lazily (chunks decode only when the query needs them), builds the view,
// fills empty cells with latest-at values, and streams the result batch by batch.
#include <arrow/pretty_print.h>
#include <arrow/record_batch.h>
#include <arrow/type.h>

#include <iostream>

#include "chunkhouse/query/query.h"
#include "chunkhouse/store/store.h"

int main(int argc, char** argv) {
  if (argc < 3) {
    std::cerr << "usage: " << argv[0] << " FILE.rrd INDEX [ENTITY_FILTER]\n";
    return 2;
  }
  auto store = chunkhouse::ChunkStore::Open(argv[1]);
  if (!store.ok()) {
    std::cerr << store.status().message() << "\n";
    return 1;
  }
  chunkhouse::query::QueryExpression query;
  query.index = argv[2];
  if (argc > 3) query.contents = {{argv[3], std::nullopt}};
  query.fill_latest_at = true;
  query.batch_rows = 4096;

  auto reader = chunkhouse::query::Execute(*store, query);
  if (!reader.ok()) {
    std::cerr << reader.status().message() << "\n";
    return 1;
  }
  std::cout << (*reader)->schema()->ToString(/*show_metadata=*/false) << "\n";
  int64_t rows = 0;
  while (true) {
    std::shared_ptr<arrow::RecordBatch> batch;
    if (auto st = (*reader)->ReadNext(&batch); !st.ok()) {
      std::cerr << st.message() << "\n";
      return 1;
    }
    if (!batch) break;
    if (rows == 0) {
      arrow::PrettyPrintOptions options(/*indent=*/0, /*window=*/3);
      (void)arrow::PrettyPrint(*batch, options, &std::cout);
    }
    rows += batch->num_rows();
  }
  std::cout << rows << " rows\n";
  return 0;
}
