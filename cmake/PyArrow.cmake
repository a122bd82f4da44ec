# Locate Arrow C++ inside the pyarrow wheel of the Python interpreter CMake found.
# Debian has no libarrow-dev; the wheel ships the shared libraries and headers, and it is
# the same libarrow that pyarrow loads, so buffers cross into Python without copies.
execute_process(
  COMMAND "${Python_EXECUTABLE}" -c
    "import pyarrow as pa; print(pa.__version__); print(pa.get_include()); print(pa.get_library_dirs()[0])"
  OUTPUT_VARIABLE _pyarrow_out
  RESULT_VARIABLE _pyarrow_rc
  OUTPUT_STRIP_TRAILING_WHITESPACE)
if(NOT _pyarrow_rc EQUAL 0)
  message(FATAL_ERROR "pyarrow is not importable from ${Python_EXECUTABLE}; install it first "
                      "(pip install -r requirements-dev.txt)")
endif()
string(REPLACE "\n" ";" _pyarrow_out "${_pyarrow_out}")
list(GET _pyarrow_out 0 PYARROW_VERSION)
list(GET _pyarrow_out 1 PYARROW_INCLUDE_DIR)
list(GET _pyarrow_out 2 PYARROW_LIBRARY_DIR)
string(REGEX MATCH "^([0-9]+)\\.([0-9]+)" _m "${PYARROW_VERSION}")
math(EXPR ARROW_SO_VERSION "${CMAKE_MATCH_1} * 100 + ${CMAKE_MATCH_2}")
message(STATUS "Arrow C++ ${PYARROW_VERSION} from pyarrow: ${PYARROW_LIBRARY_DIR}")

function(_chunkhouse_arrow_lib target name)
  set(_path "${PYARROW_LIBRARY_DIR}/lib${name}.so.${ARROW_SO_VERSION}")
  if(NOT EXISTS "${_path}")
    message(FATAL_ERROR "expected ${_path} in the pyarrow wheel")
  endif()
  add_library(${target} SHARED IMPORTED GLOBAL)
  set_target_properties(${target} PROPERTIES
    IMPORTED_LOCATION "${_path}"
    IMPORTED_NO_SONAME FALSE
    INTERFACE_INCLUDE_DIRECTORIES "${PYARROW_INCLUDE_DIR}")
endfunction()

_chunkhouse_arrow_lib(Arrow::arrow arrow)
_chunkhouse_arrow_lib(Arrow::compute arrow_compute)
_chunkhouse_arrow_lib(Arrow::parquet parquet)
