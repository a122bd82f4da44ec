#pragma once
// Arrow data crossing into and out of Python through the Arrow C data interface (PyCapsules):
// record batches and schemas out, schemas in, and streams pulled batch by batch.
#include <arrow/type_fwd.h>
#include <nanobind/nanobind.h>

#include <memory>
#include <string>

namespace chunkhouse::python {

// (schema capsule, array capsule) of a record batch (__arrow_c_array__).
nanobind::tuple ExportBatch(const arrow::RecordBatch& batch);
// An "arrow_schema" capsule.
nanobind::capsule ExportSchema(const arrow::Schema& schema);
// The schema of any object with __arrow_c_schema__ (a pyarrow.Schema, ...), or of such a capsule.
std::shared_ptr<arrow::Schema> ImportSchema(nanobind::handle obj);

// The array of any object with __arrow_c_array__ (a pyarrow.Array, a RecordBatch as a struct
// array, ...), validated, and without all-valid bitmaps at any level (as arrow-rs imports it). Anything else: nb::type_error "Expected instance of pyarrow.lib.Array, got
// <module>.<qualname>" (arrow-rs' wording, which Rerun's messages carry).
std::shared_ptr<arrow::Array> ImportArray(nanobind::handle obj);
// The record batch of any object with __arrow_c_array__ giving a struct array (a
// pyarrow.RecordBatch, ...), validated, field and schema metadata kept. Anything else: TypeError.
std::shared_ptr<arrow::RecordBatch> ImportBatch(nanobind::handle obj);
// A pyarrow.Array sharing the array's buffers.
nanobind::object ExportArray(const arrow::Array& array);
// "<module>.<qualname>" of an object's type, as arrow-rs names it in its TypeErrors.
std::string QualifiedTypeName(nanobind::handle obj);

// A result as an Arrow C stream (__arrow_c_stream__), pulled batch by batch; consumed once.
class ArrowStream {
 public:
  explicit ArrowStream(std::shared_ptr<arrow::RecordBatchReader> reader) : reader_(std::move(reader)) {}
  nanobind::capsule Export(nanobind::object requested_schema);

 private:
  std::shared_ptr<arrow::RecordBatchReader> reader_;
};

void RegisterArrowInterop(nanobind::module_& m);

}  // namespace chunkhouse::python
