#pragma once
// Errors crossing into Python: a failed Status is thrown as StatusError, and one translator turns
// it into the chunkhouse.errors class of its kind (each also a builtin users already catch:
// ValueError, LookupError, FileNotFoundError, PermissionError, ConnectionError, TimeoutError).
#include <nanobind/nanobind.h>

#include <exception>
#include <string>

#include "chunkhouse/base/status.h"

namespace chunkhouse::python {

struct StatusError : std::exception {
  explicit StatusError(Status s) : status(std::move(s)), message(status.message()) {}
  const char* what() const noexcept override { return message.c_str(); }
  Status status;
  std::string message;
};

[[noreturn]] inline void Throw(const Status& st) { throw StatusError(st); }
inline void Check(const Status& st) {
  if (!st.ok()) Throw(st);
}
template <typename T>
T Unwrap(Result<T> r) {
  if (!r.ok()) Throw(r.status());
  return std::move(r).ValueUnsafe();
}

// Runs `f` without the GIL and returns its result (errors thrown after the GIL is back).
template <typename F>
auto Released(F&& f) {
  decltype(f()) result;
  {
    nanobind::gil_scoped_release release;
    result = f();
  }
  if constexpr (std::is_same_v<decltype(result), Status>) {
    Check(result);
  } else {
    return Unwrap(std::move(result));
  }
}

// Runs `f` keeping the GIL when the work is small (`rows` under a few thousand: handing the GIL
// back and forth costs more than the work), else as Released.
template <typename F>
auto ReleasedIfLarge(int64_t rows, F&& f) {
  if (rows >= 4096) return Released(std::forward<F>(f));
  auto result = f();
  if constexpr (std::is_same_v<decltype(result), Status>) {
    Check(result);
  } else {
    return Unwrap(std::move(result));
  }
}

// A Python object that may be released on any thread (it takes the GIL to drop its reference):
// for callables and iterators held by pipelines that run on worker threads.
class GilObject {
 public:
  explicit GilObject(nanobind::handle h) : ptr_(h.ptr()) { Py_XINCREF(ptr_); }
  GilObject(const GilObject&) = delete;
  GilObject& operator=(const GilObject&) = delete;
  ~GilObject();
  nanobind::handle get() const { return ptr_; }

 private:
  PyObject* ptr_;
};

// A Python exception as a Status, so it can travel through C++ and be raised again unchanged
// where the call into C++ returns: an exception instance, or the one a callback just raised.
Status PythonErrorStatus(nanobind::handle exception);
Status CapturePythonError(nanobind::python_error& error);

void RegisterErrors(nanobind::module_& m);

}  // namespace chunkhouse::python
