#include "arrow_interop.h"

#include <arrow/array.h>
#include <arrow/c/abi.h>
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

std::string QualifiedTypeName(nb::handle obj) {
  nb::handle type = obj.type();
  auto text = [](nb::handle h) {
    nb::str s = nb::str(h);
    Py_ssize_t size = 0;
    const char* data = PyUnicode_AsUTF8AndSize(s.ptr(), &size);
    if (data == nullptr) throw nb::python_error();
    return std::string(data, static_cast<size_t>(size));
  };
  return text(type.attr("__module__")) + "." + text(type.attr("__qualname__"));
}

namespace {

// The same data without validity bitmaps that mark nothing null, at every level (each node judged
// on its own offset and length): what arrow-rs keeps when it imports an array, which Rerun's
// selectors can tell apart (see chunkhouse/transform/selector.h).
bool HasAllValidBitmap(const arrow::ArrayData& data) {
  if (!data.buffers.empty() && data.buffers[0] != nullptr && data.GetNullCount() == 0) return true;
  for (const auto& child : data.child_data) {
    if (HasAllValidBitmap(*child)) return true;
  }
  return data.dictionary != nullptr && HasAllValidBitmap(*data.dictionary);
}

std::shared_ptr<arrow::ArrayData> WithoutAllValidBitmaps(const std::shared_ptr<arrow::ArrayData>& data) {
  if (!HasAllValidBitmap(*data)) return data;  // the usual case: nothing to copy
  auto out = data->Copy();
  if (!out->buffers.empty() && out->buffers[0] != nullptr && out->GetNullCount() == 0) {
    out->buffers[0] = nullptr;
    out->null_count = 0;
  }
  for (auto& child : out->child_data) child = WithoutAllValidBitmaps(child);
  if (out->dictionary) out->dictionary = WithoutAllValidBitmaps(out->dictionary);
  return out;
}

}  // namespace

std::shared_ptr<arrow::Array> ImportArray(nb::handle obj) {
  if (!nb::hasattr(obj, "__arrow_c_array__")) {
    throw nb::type_error(("Expected instance of pyarrow.lib.Array, got " + QualifiedTypeName(obj)).c_str());
  }
  nb::object pair = obj.attr("__arrow_c_array__")();
  if (!nb::isinstance<nb::tuple>(pair) || nb::len(pair) != 2) {
    throw nb::type_error("Expected __arrow_c_array__ to return a tuple of (schema, array) capsules.");
  }
  auto* schema = static_cast<ArrowSchema*>(PyCapsule_GetPointer(pair[0].ptr(), "arrow_schema"));
  if (schema == nullptr) throw nb::python_error();
  auto* array = static_cast<ArrowArray*>(PyCapsule_GetPointer(pair[1].ptr(), "arrow_array"));
  if (array == nullptr) throw nb::python_error();
  // Import moves the array out and releases the schema; the capsules' destructors then find both
  // released and do nothing.
  auto imported = Unwrap(arrow::ImportArray(array, schema));
  // Foreign producers are not trusted: buffers must be as long as the array says.
  Check(imported->Validate());
  auto data = WithoutAllValidBitmaps(imported->data());
  return data == imported->data() ? imported : arrow::MakeArray(data);
}

std::shared_ptr<arrow::RecordBatch> ImportBatch(nb::handle obj) {
  if (!nb::hasattr(obj, "__arrow_c_array__")) {
    throw nb::type_error(("Expected instance of pyarrow.lib.RecordBatch, got " + QualifiedTypeName(obj)).c_str());
  }
  nb::object pair = obj.attr("__arrow_c_array__")();
  if (!nb::isinstance<nb::tuple>(pair) || nb::len(pair) != 2) {
    throw nb::type_error("Expected __arrow_c_array__ to return a tuple of (schema, array) capsules.");
  }
  auto* schema = static_cast<ArrowSchema*>(PyCapsule_GetPointer(pair[0].ptr(), "arrow_schema"));
  if (schema == nullptr) throw nb::python_error();
  auto* array = static_cast<ArrowArray*>(PyCapsule_GetPointer(pair[1].ptr(), "arrow_array"));
  if (array == nullptr) throw nb::python_error();
  auto batch = Unwrap(arrow::ImportRecordBatch(array, schema));
  Check(batch->Validate());
  return batch;
}

nb::object ExportArray(const arrow::Array& array) {
  auto schema = std::make_unique<ArrowSchema>();
  auto c_array = std::make_unique<ArrowArray>();
  Check(arrow::ExportArray(array, c_array.get(), schema.get()));
  // Looked up once (a selector exports one array per chunk); never released, as pyarrow outlives us.
  static nb::handle import_capsule =
      nb::object(nb::module_::import_("pyarrow").attr("Array").attr("_import_from_c_capsule")).release();
  return import_capsule(Capsule(std::move(schema), "arrow_schema"), Capsule(std::move(c_array), "arrow_array"));
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
