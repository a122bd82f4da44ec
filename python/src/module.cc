// chunkhouse._core: the C++ library seen from Python. Arrow data crosses through the Arrow C
// data interface (PyCapsules), so record batches reach pyarrow without copies.
#include <nanobind/nanobind.h>
#include <nanobind/stl/string.h>

#include "arrow_interop.h"
#include "bindings.h"
#include "chunkhouse/base/version.h"
#include "errors.h"

NB_MODULE(_core, m) {
  using namespace chunkhouse::python;
  m.doc() = "chunkhouse C++ core";
  m.attr("__version__") = std::string(chunkhouse::kVersion);
  RegisterErrors(m);
  RegisterArrowInterop(m);
  RegisterRrd(m);
  RegisterStream(m);
  RegisterDataframe(m);
  RegisterCatalog(m);
  RegisterSelector(m);
  RegisterChunkBuild(m);
  RegisterLens(m);
  RegisterViewer(m);
  RegisterImporters(m);
  RegisterMcap(m);
}
