// chunkhouse._core.Selector: the C++ selector with the Python surface of Rerun's
// SelectorInternal (rerun.experimental.Selector wraps it in python/chunkhouse/_selector.py).
// Exception types and texts are Rerun's (notes/selector_lens.md §3.1): a parse error is a
// ValueError, an execution error a RuntimeError "Selector execution failed: ...", argument errors
// TypeErrors.
#include <nanobind/nanobind.h>
#include <nanobind/stl/optional.h>
#include <nanobind/stl/string.h>

#include <arrow/array.h>
#include <arrow/util/bitmap_ops.h>

#include "arrow_interop.h"
#include "bindings.h"
#include "chunkhouse/base/type_text.h"
#include "chunkhouse/transform/selector.h"
#include "errors.h"
#include "selector.h"

namespace nb = nanobind;
using namespace nb::literals;

namespace chunkhouse::python {
namespace {

using transform::Selector;
using ArrayPtr = std::shared_ptr<arrow::Array>;
using FnResult = Result<std::optional<ArrayPtr>>;

// The UTF-8 text of a Python str (or of str(obj)).
std::string Text(nb::handle obj) {
  nb::str s = nb::str(obj);
  Py_ssize_t size = 0;
  const char* data = PyUnicode_AsUTF8AndSize(s.ptr(), &size);
  if (data == nullptr) throw nb::python_error();
  return std::string(data, static_cast<size_t>(size));
}

// A Python callable as a selector stage. The engine may call it from any thread: it takes the GIL
// itself, and every Python exception becomes error text (Rerun does not re-raise them).
class PyCallable {
 public:
  explicit PyCallable(nb::object fn) : fn_(std::move(fn)) {}
  ~PyCallable() {
    if (!Py_IsInitialized()) {
      fn_.release();  // the interpreter is gone: nothing left to decrement
      return;
    }
    nb::gil_scoped_acquire gil;
    fn_.reset();
  }

  FnResult Call(const ArrayPtr& input) const {
    nb::gil_scoped_acquire gil;
    nb::object arg;
    try {
      arg = ExportArray(*input);
    } catch (const std::exception& e) {
      return InvalidArgument("Failed to convert array to PyArrow: {}", e.what());
    }
    nb::object out;
    try {
      out = fn_(arg);
    } catch (nb::python_error& e) {
      return InvalidArgument("Python callback failed: {}", Describe(e));
    }
    if (out.is_none()) return std::nullopt;
    try {
      return std::optional<ArrayPtr>(ImportArray(out));
    } catch (nb::python_error& e) {
      return InvalidArgument("Failed to convert callback result to Arrow: {}", Describe(e));
    } catch (const nb::builtin_exception& e) {
      return InvalidArgument("Failed to convert callback result to Arrow: TypeError: {}", e.what());
    } catch (const StatusError& e) {
      return InvalidArgument("Failed to convert callback result to Arrow: {}", e.message);
    }
  }

 private:
  // "<qualname>: <str(exc)>", as pyo3 prints an exception. The error is normalized first: before
  // Python 3.12 a fetched "value" may still be the raw constructor argument.
  static std::string Describe(nb::python_error& e) {
    e.restore();
    PyObject *type = nullptr, *value = nullptr, *tb = nullptr;
    PyErr_Fetch(&type, &value, &tb);
    PyErr_NormalizeException(&type, &value, &tb);
    nb::object t = nb::steal(type), v = nb::steal(value), trace = nb::steal(tb);
    std::string text;
    try {
      text = Text(v);
    } catch (nb::python_error&) {
      text = "<exception str() failed>";
    }
    return Text(t.attr("__qualname__")) + ": " + text;
  }

  nb::object fn_;
};

// arrow-rs keeps no offset on a fixed-size list: a sliced one owns just its slice of the child.
// Ours may keep the offset (an identity selector on a sliced input); give Python arrow-rs's
// layout, so that `.values` of a result is the same as from Rerun.
ArrayPtr AsRerunLays(const ArrayPtr& array) {
  if (array->type_id() != arrow::Type::FIXED_SIZE_LIST || array->offset() == 0) return array;
  const auto& fsl = static_cast<const arrow::FixedSizeListArray&>(*array);
  const int64_t size = fsl.value_length();
  std::shared_ptr<arrow::Buffer> bitmap;
  if (fsl.null_count() > 0) {
    bitmap = Unwrap(arrow::internal::CopyBitmap(arrow::default_memory_pool(), fsl.null_bitmap_data(), fsl.offset(),
                                                fsl.length()));
  }
  return std::make_shared<arrow::FixedSizeListArray>(fsl.type(), fsl.length(),
                                                     fsl.values()->Slice(fsl.offset() * size, fsl.length() * size),
                                                     bitmap, fsl.null_count());
}

// Runs a selector without the GIL (callables take it back); a failure is Rerun's RuntimeError.
nb::object Run(const PySelector& self, const ArrayPtr& input, bool per_row) {
  std::optional<FnResult> result;
  {
    nb::gil_scoped_release release;
    result.emplace(per_row ? self.selector.ExecutePerRow(input) : self.selector.Execute(input));
  }
  if (!result->ok()) throw std::runtime_error("Selector execution failed: " + result->status().message());
  const std::optional<ArrayPtr>& out = **result;
  if (!out) return nb::none();
  return ExportArray(*AsRerunLays(*out));
}

ArrayPtr SourceArray(nb::handle source) {
  try {
    return ImportArray(source);
  } catch (const nb::builtin_exception& e) {
    throw nb::type_error((std::string("argument 'source': ") + e.what()).c_str());
  }
}

}  // namespace

void RegisterSelector(nb::module_& m) {
  nb::class_<PySelector>(m, "Selector", "A parsed selector (Rerun's SelectorInternal).")
      .def(
          "__init__",
          [](PySelector* self, nb::handle query) {
            if (!nb::isinstance<nb::str>(query)) {
              // pyo3's wording: None is named by its repr, other objects by their type.
              std::string what = query.is_none() ? "'None'"
                                                 : "'" + Text(query.type().attr("__name__")) +
                                                       "' object";
              throw nb::type_error(("argument 'query': " + what + " is not an instance of 'str'").c_str());
            }
            new (self) PySelector{Unwrap(Selector::Parse(Text(query)))};
          },
          "query"_a.none())
      .def("execute", [](const PySelector& self, nb::handle source) { return Run(self, SourceArray(source), false); },
           "source"_a.none())
      .def(
          "execute_per_row",
          [](const PySelector& self, nb::handle source) {
            ArrayPtr input = SourceArray(source);
            if (input->type_id() != arrow::Type::LIST) {
              throw nb::type_error(("expected a ListArray, got " + TypeDebug(*input->type())).c_str());
            }
            return Run(self, input, true);
          },
          "source"_a.none())
      .def(
          "pipe",
          [](const PySelector& self, nb::handle func) {
            if (nb::isinstance<PySelector>(func)) return PySelector{self.selector.Pipe(nb::cast<const PySelector&>(func).selector)};
            if (!PyCallable_Check(func.ptr())) throw nb::type_error("pipe() argument must be a callable or a Selector");
            auto callable = std::make_shared<PyCallable>(nb::borrow<nb::object>(func));
            return PySelector{self.selector.Pipe([callable](const ArrayPtr& a) { return callable->Call(a); })};
          },
          "func"_a.none())
      .def("__str__", [](const PySelector& self) { return self.selector.ToString(); })
      .def("__repr__", [](const PySelector& self) { return "Selector(" + RustDebugString(self.selector.ToString()) + ")"; })
      .def("try_to_string", [](const PySelector& self) -> std::optional<std::string> {
        if (self.selector.has_callable()) return std::nullopt;
        return self.selector.ToString();
      });
}

}  // namespace chunkhouse::python
