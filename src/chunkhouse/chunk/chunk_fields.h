#pragma once
// The fields of a chunk's record batch as Rerun writes them (RowId, one per timeline, one per
// component). Their metadata is shared between chunks: a store or a pipeline makes thousands of
// chunks of a few shapes, and building every field's metadata anew cost as much as the rest of
// making a chunk.
#include <arrow/type_fwd.h>

#include <memory>

#include "chunkhouse/base/descriptor.h"
#include "chunkhouse/base/time.h"

namespace chunkhouse {

std::shared_ptr<arrow::Field> ChunkRowIdField(bool sorted);
std::shared_ptr<arrow::Field> ChunkIndexField(const Timeline& timeline, bool sorted);
// `list_type` must be a List whose item field is named "item" and nullable.
std::shared_ptr<arrow::Field> ChunkComponentField(const ComponentDescriptor& descriptor,
                                                  std::shared_ptr<arrow::DataType> list_type);

}  // namespace chunkhouse
