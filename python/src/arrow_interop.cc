#include "arrow_interop.h"

#include <arrow/c/bridge.h>
#include <arrow/record_batch.h>

#include "errors.h"

namespace nb = nanobind;
using namespace nb::literals;

namespace chunkhouse::python {

namespace {

template <typename T>
nb::capsule Capsule(std::unique_ptr<T> ptr, const char* name) {
  return nb::capsule(ptr.release(), name, [](void* p) noexcept {
    auto* c = static_cast<T*>(p);
    if (c->release) c->release(c);
    delete c;
  });
}

}  // namespace

nb::tuple ExportBatch(const arrow::RecordBatch& batch) {
  auto schema = std::make_unique<ArrowSchema>();
  auto array = std::make_unique<ArrowArray>();
  Check(arrow::ExportRecordBatch(batch, array.get(), schema.get()));
  return nb::make_tuple(Capsule(std::move(schema), "arrow_schema"), Capsule(std::move(array), "arrow_array"));
}

nb::capsule ExportSchema(const arrow::Schema& schema) {
  auto c = std::make_unique<ArrowSchema>();
  Check(arrow::ExportSchema(schema, c.get()));
  return Capsule(std::move(c), "arrow_schema");
}

std::shared_ptr<arrow::Schema> ImportSchema(nb::handle obj) {
  nb::capsule capsule;
  if (PyCapsule_CheckExact(obj.ptr())) {
    capsule = nb::borrow<nb::capsule>(obj);
  } else if (nb::hasattr(obj, "__arrow_c_schema__")) {
    capsule = nb::borrow<nb::capsule>(obj.attr("__arrow_c_schema__")());
  } else {
    throw nb::type_error("expected an Arrow schema (__arrow_c_schema__ or an arrow_schema capsule)");
  }
  auto* c = static_cast<ArrowSchema*>(PyCapsule_GetPointer(capsule.ptr(), "arrow_schema"));
  if (c == nullptr) throw nb::python_error();
  return Unwrap(arrow::ImportSchema(c));
}

nb::capsule ArrowStream::Export(nb::object) {
  if (!reader_) throw nb::value_error("this result was already consumed");
  auto stream = std::make_unique<ArrowArrayStream>();
  Check(arrow::ExportRecordBatchReader(std::move(reader_), stream.get()));
  return Capsule(std::move(stream), "arrow_array_stream");
}

void RegisterArrowInterop(nb::module_& m) {
  nb::class_<ArrowStream>(m, "ArrowStream", "A result as an Arrow C stream, read batch by batch.")
      .def("__arrow_c_stream__", &ArrowStream::Export, "requested_schema"_a = nb::none());
}

}  // namespace chunkhouse::python
