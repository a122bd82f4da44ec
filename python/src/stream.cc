// Bindings for chunk pipelines and stores: _core.Stream (an immutable pipeline description; the
// Python LazyChunkStream adds the move semantics and argument checks), its runs, ChunkStore and
// LazyStore. Pipelines run with the GIL released; Python callables take it themselves.
#include <nanobind/nanobind.h>

#include <utility>
#include <nanobind/stl/optional.h>
#include <nanobind/stl/pair.h>
#include <nanobind/stl/shared_ptr.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/vector.h>

#include "arrow_interop.h"
#include "bindings.h"
#include "chunkhouse/chunk/chunk.h"
#include "chunkhouse/store/collect.h"
#include "chunkhouse/store/lazy_store.h"
#include "chunkhouse/transform/execute.h"
#include "chunkhouse/transform/rrd_source.h"
#include "chunkhouse/transform/write.h"
#include "errors.h"
#include "stream.h"

namespace nb = nanobind;
using namespace nb::literals;

namespace chunkhouse::python {

using transform::Pipeline;
using transform::PipelinePtr;
using transform::Step;
using transform::StructuredFilter;

namespace {

// The error Rerun's wrapper raises when an object that should be a Chunk is not one.
Status NotAChunk(nb::handle obj) {
  std::string text = "'" + std::string(nb::type_name(obj.type()).c_str()) + "' object has no attribute '_internal'";
  return PythonErrorStatus(nb::module_::import_("builtins").attr("AttributeError")(nb::str(text.c_str())));
}

Result<std::shared_ptr<Chunk>> AsChunk(nb::handle obj) {
  std::shared_ptr<Chunk> chunk;
  if (!nb::try_cast(obj, chunk) || !chunk) return NotAChunk(obj);
  return chunk;
}

// map / flat_map: a Python callable, in order, on the pulling thread.
class PyTransform : public transform::ChunkTransform {
 public:
  PyTransform(nb::handle fn, bool flat) : fn_(fn), flat_(flat) {}
  bool parallel() const override { return false; }
  Result<std::vector<std::shared_ptr<Chunk>>> Apply(const std::shared_ptr<Chunk>& chunk) const override {
    nb::gil_scoped_acquire gil;
    try {
      nb::object out = fn_.get()(chunk);
      std::vector<std::shared_ptr<Chunk>> chunks;
      if (!flat_) {
        ARROW_ASSIGN_OR_RAISE(auto c, AsChunk(out));
        chunks.push_back(std::move(c));
        return chunks;
      }
      for (nb::handle item : nb::iter(out)) {
        ARROW_ASSIGN_OR_RAISE(auto c, AsChunk(item));
        chunks.push_back(std::move(c));
      }
      return chunks;
    } catch (nb::python_error& e) {
      return CapturePythonError(e);
    }
  }

 private:
  GilObject fn_;
  bool flat_;
};

// from_iter: pulls a Python iterator (one-shot: every run shares it), up to kBatch items per
// hold of the GIL. An error after some items is kept for the next pull, so those items are
// processed first, as when pulling one at a time.
std::shared_ptr<transform::SourceFactory> IteratorSource(nb::handle iterable) {
  constexpr size_t kBatch = 256;
  struct State {
    explicit State(nb::handle it) : iterator(it) {}
    GilObject iterator;
    Status pending;
  };
  auto state = std::make_shared<State>(nb::iter(iterable));
  return std::make_shared<transform::CallbackSourceFactory>([state]() -> Result<std::vector<std::shared_ptr<Chunk>>> {
    nb::gil_scoped_acquire gil;
    if (!state->pending.ok()) return std::exchange(state->pending, Status::OK());
    std::vector<std::shared_ptr<Chunk>> batch;
    while (batch.size() < kBatch) {
      PyObject* item = PyIter_Next(state->iterator.get().ptr());
      Result<std::shared_ptr<Chunk>> chunk;
      if (item == nullptr) {
        if (!PyErr_Occurred()) break;
        nb::python_error e;
        chunk = CapturePythonError(e);
      } else {
        chunk = AsChunk(nb::steal(item));
      }
      if (!chunk.ok()) {
        if (batch.empty()) return chunk.status();
        state->pending = chunk.status();
        break;
      }
      batch.push_back(std::move(*chunk));
    }
    return batch;
  });
}

StructuredFilter MakeFilter(std::optional<std::vector<std::string>> content, std::optional<std::string> has_timeline,
                            std::optional<bool> is_static, std::optional<std::vector<std::string>> components) {
  StructuredFilter f;
  if (content) {
    std::string text;
    for (const auto& rule : *content) text += (text.empty() ? "" : " ") + rule;
    f.content = EntityPathFilter::Parse(text);
    f.content_text = text;
  }
  f.has_timeline = std::move(has_timeline);
  f.is_static = is_static;
  f.components = std::move(components);
  return f;
}

// One run, pulled from Python.
class StreamRun {
 public:
  explicit StreamRun(std::unique_ptr<transform::ChunkSource> source) : source_(std::move(source)) {}
  StreamRun(StreamRun&&) = default;
  ~StreamRun() { Stop(); }
  std::shared_ptr<Chunk> Next() {
    if (!source_) throw nb::stop_iteration();
    auto chunk = Released([&] { return source_->Next(); });
    if (!chunk) {
      Stop();
      throw nb::stop_iteration();
    }
    return chunk;
  }

 private:
  // Ends the run without the GIL: its threads may be waiting for it.
  void Stop() {
    if (!source_) return;
    nb::gil_scoped_release release;
    source_.reset();
  }

  std::unique_ptr<transform::ChunkSource> source_;
};

std::optional<OptimizationProfile> ProfileFrom(nb::handle profile) {
  if (profile.is_none()) return std::nullopt;
  OptimizationProfile p;
  auto opt_u64 = [&](const char* name) -> std::optional<uint64_t> {
    nb::object v = profile.attr(name);
    if (v.is_none()) return std::nullopt;
    return nb::cast<uint64_t>(v);
  };
  p.max_bytes = opt_u64("max_bytes");
  p.max_rows = opt_u64("max_rows");
  p.max_rows_if_unsorted = opt_u64("max_rows_if_unsorted");
  p.extra_passes = nb::cast<int>(profile.attr("extra_passes"));
  p.gop_batching = nb::cast<bool>(profile.attr("gop_batching"));
  nb::object ratio = profile.attr("split_size_ratio");
  if (!ratio.is_none()) p.split_size_ratio = nb::cast<double>(ratio);
  p.fix_keyframe = nb::cast<bool>(profile.attr("fix_keyframe"));
  return p;
}

}  // namespace

PyStream PyStream::FromChunks(std::vector<std::shared_ptr<Chunk>> chunks) {
  return PyStream{Pipeline::From(std::make_shared<transform::VectorSourceFactory>(std::move(chunks)))};
}

PyStream PyStream::FromRrd(const std::string& path, const StoreId& store) {
  return PyStream{Pipeline::From(std::make_shared<transform::RrdSourceFactory>(path, store))};
}

std::vector<std::shared_ptr<Chunk>> PyStream::ToChunks() const {
  return Released([&]() -> Result<std::vector<std::shared_ptr<Chunk>>> {
    std::vector<std::shared_ptr<Chunk>> out;
    ARROW_RETURN_NOT_OK(transform::Drain(pipeline, [&](std::shared_ptr<Chunk> c) {
      out.push_back(std::move(c));
      return Status::OK();
    }));
    return out;
  });
}

void RegisterStream(nb::module_& m) {
  nb::class_<StreamRun>(m, "StreamRun", "One run of a pipeline, pulled chunk by chunk.")
      .def("__iter__", [](nb::handle self) { return self; })
      .def("__next__", &StreamRun::Next);

  nb::class_<PyStream>(m, "Stream", "A chunk pipeline's description (immutable; see LazyChunkStream).")
      .def_static("from_chunks", &PyStream::FromChunks, "chunks"_a)
      .def_static("from_iter", [](nb::handle iterable) { return PyStream{Pipeline::From(IteratorSource(iterable))}; },
                  "iterable"_a)
      .def_static("merge",
                  [](const std::vector<PyStream>& inputs) {
                    std::vector<PipelinePtr> ps;
                    for (const auto& s : inputs) ps.push_back(s.pipeline);
                    return PyStream{Pipeline::Merge(std::move(ps))};
                  },
                  "inputs"_a)
      .def("filter",
           [](const PyStream& s, std::optional<std::vector<std::string>> content, std::optional<std::string> has_timeline,
              std::optional<bool> is_static, std::optional<std::vector<std::string>> components) {
             return PyStream{Pipeline::Then(s.pipeline, Step{Step::Kind::kFilter,
                                                             MakeFilter(content, has_timeline, is_static, components),
                                                             nullptr})};
           },
           "content"_a.none(), "has_timeline"_a.none(), "is_static"_a.none(), "components"_a.none())
      .def("drop",
           [](const PyStream& s, std::optional<std::vector<std::string>> content, std::optional<std::string> has_timeline,
              std::optional<bool> is_static, std::optional<std::vector<std::string>> components) {
             return PyStream{Pipeline::Then(s.pipeline, Step{Step::Kind::kDrop,
                                                             MakeFilter(content, has_timeline, is_static, components),
                                                             nullptr})};
           },
           "content"_a.none(), "has_timeline"_a.none(), "is_static"_a.none(), "components"_a.none())
      .def("split",
           [](const PyStream& s, std::optional<std::vector<std::string>> content, std::optional<std::string> has_timeline,
              std::optional<bool> is_static, std::optional<std::vector<std::string>> components) {
             auto [m, u] = Pipeline::Split(s.pipeline, MakeFilter(content, has_timeline, is_static, components));
             return std::make_pair(PyStream{m}, PyStream{u});
           },
           "content"_a.none(), "has_timeline"_a.none(), "is_static"_a.none(), "components"_a.none())
      .def("map",
           [](const PyStream& s, nb::handle fn) {
             return PyStream{Pipeline::Then(s.pipeline, Step{Step::Kind::kTransform, {}, std::make_shared<PyTransform>(fn, false)})};
           },
           "fn"_a)
      .def("flat_map",
           [](const PyStream& s, nb::handle fn) {
             return PyStream{Pipeline::Then(s.pipeline, Step{Step::Kind::kTransform, {}, std::make_shared<PyTransform>(fn, true)})};
           },
           "fn"_a)
      .def("run", [](const PyStream& s) { return StreamRun(Released([&] { return transform::Compile(s.pipeline); })); })
      .def("to_chunks", &PyStream::ToChunks)
      .def("collect",
           [](const PyStream& s, nb::handle profile) {
             auto p = ProfileFrom(profile);
             return std::make_shared<ChunkSet>(Released([&] { return Collect(s.pipeline, p); }));
           },
           "optimize"_a.none())
      .def("write_rrd",
           [](const PyStream& s, const std::string& path, const std::string& application_id,
              const std::string& recording_id) {
             Released([&] { return transform::WriteRrd(s.pipeline, path, application_id, recording_id); });
           },
           "path"_a, "application_id"_a, "recording_id"_a);

  nb::class_<ChunkSet>(m, "ChunkStore", "A recording's chunks in memory, kept by Rerun's insertion rules.")
      .def_static("from_chunks",
                  [](const std::vector<std::shared_ptr<Chunk>>& chunks) {
                    auto set = std::make_shared<ChunkSet>();
                    Released([&]() -> Status {
                      for (const auto& c : chunks) ARROW_RETURN_NOT_OK(set->Insert(c));
                      return Status::OK();
                    });
                    return set;
                  },
                  "chunks"_a)
      .def("__len__", &ChunkSet::size)
      .def("summary", &ChunkSet::Summary)
      .def("schema", [](const ChunkSet& s) { return ExportSchema(*s.schema().ToArrow()); })
      .def("chunks", [](const ChunkSet& s) { return Unwrap(s.chunks()); })
      .def("stream", [](const ChunkSet& s) { return PyStream::FromChunks(Unwrap(s.chunks())); });

  nb::class_<LazyStore>(m, "LazyStore", "A store over an .rrd footer manifest; chunks read on demand.")
      .def("__len__", &LazyStore::size)
      .def("summary", &LazyStore::Summary)
      .def("schema", [](const LazyStore& s) { return ExportSchema(*s.schema().ToArrow()); })
      .def_prop_ro("chunks_loaded", &LazyStore::chunks_loaded)
      .def("stream", [](const LazyStore& s) { return PyStream{Pipeline::From(s.source())}; });
}

}  // namespace chunkhouse::python
