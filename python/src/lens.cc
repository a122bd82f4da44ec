// Lenses for Python: _core.DeriveLens / MutateLens (immutable builders, what Rerun's
// DeriveLensInternal / MutateLensInternal are), building a set of them, applying it to a chunk or
// as a stream step, and Chunk.apply_selector. The Python wrappers in chunkhouse/experimental/_lens.py
// and _chunk.py give them Rerun's exact surface.
#include <arrow/c/bridge.h>
#include <nanobind/nanobind.h>
#include <nanobind/stl/optional.h>
#include <nanobind/stl/shared_ptr.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/vector.h>

#include "bindings.h"
#include "chunkhouse/transform/lens.h"
#include "errors.h"
#include "selector.h"
#include "stream.h"

namespace nb = nanobind;
using namespace nb::literals;

namespace chunkhouse::python {
namespace {

using transform::CastTo;
using transform::Lens;
using transform::LensSet;
using transform::OutputMode;

constexpr const char* kEmptyComponent = "Invalid `ComponentIdentifier`: must not be empty";

struct PyDeriveLens {
  Lens lens;
};
struct PyMutateLens {
  Lens lens;
};
struct PyLensSet {
  LensSet set;
};

// A pyarrow DataType (anything with __arrow_c_schema__) as an Arrow type.
std::shared_ptr<arrow::DataType> ImportType(nb::handle obj) {
  nb::capsule capsule = nb::borrow<nb::capsule>(obj.attr("__arrow_c_schema__")());
  auto* c = static_cast<ArrowSchema*>(PyCapsule_GetPointer(capsule.ptr(), "arrow_schema"));
  if (c == nullptr) throw nb::python_error();
  return Unwrap(arrow::ImportType(c));
}

CastTo ParseCast(nb::handle cast_to) {
  if (cast_to.is_none()) return {};
  if (nb::isinstance<nb::str>(cast_to)) {
    std::string text = nb::cast<std::string>(cast_to);
    if (text != "auto") {
      throw nb::value_error(("Unknown cast_to '" + text + "', expected 'auto' or a pyarrow DataType").c_str());
    }
    return CastTo{CastTo::Kind::kAuto, nullptr};
  }
  return CastTo{CastTo::Kind::kType, ImportType(cast_to)};
}

TimeType ParseTimelineType(const std::string& text) {
  if (text == "sequence") return TimeType::kSequence;
  if (text == "duration_ns") return TimeType::kDuration;
  if (text == "timestamp_ns") return TimeType::kTimestamp;
  throw nb::value_error(("Unknown timeline type '" + text +
                         "', expected 'sequence', 'duration_ns', or 'timestamp_ns'")
                            .c_str());
}

// The lenses of a Python list of _core.DeriveLens / MutateLens, checked (Rerun's build errors).
LensSet Build(const nb::list& lenses) {
  std::vector<Lens> out;
  for (nb::handle item : lenses) {
    if (nb::isinstance<PyDeriveLens>(item)) {
      out.push_back(nb::cast<const PyDeriveLens&>(item).lens);
    } else if (nb::isinstance<PyMutateLens>(item)) {
      out.push_back(nb::cast<const PyMutateLens&>(item).lens);
    } else {
      throw nb::value_error("Expected a DeriveLensInternal or MutateLensInternal instance");
    }
  }
  return Unwrap(LensSet::Make(std::move(out)));
}

}  // namespace

void RegisterLens(nb::module_& m) {
  nb::class_<PyDeriveLens>(m, "DeriveLens", "A derive lens under construction (immutable; each to_* returns a new one).")
      .def(
          "__init__",
          [](PyDeriveLens* self, const std::string& input, std::optional<std::string> output_entity, bool scatter) {
            if (input.empty()) throw nb::value_error(kEmptyComponent);
            new (self) PyDeriveLens{Lens::Derive(input, std::move(output_entity), scatter)};
          },
          "input_component"_a, nb::kw_only(), "output_entity"_a = nb::none(), "scatter"_a = false)
      .def(
          "to_component",
          [](const PyDeriveLens& self, const std::string& component, std::optional<std::string> archetype,
             std::optional<std::string> component_type, const PySelector& selector, nb::handle cast_to) {
            CastTo cast = ParseCast(cast_to);
            PyDeriveLens next = self;
            next.lens.ToComponent(ComponentDescriptor{std::move(archetype), component, std::move(component_type)},
                                  selector.selector, std::move(cast));
            return next;
          },
          "component"_a, "archetype"_a.none(), "component_type"_a.none(), "selector"_a, "cast_to"_a.none())
      .def(
          "to_timeline",
          [](const PyDeriveLens& self, const std::string& name, const std::string& type, const PySelector& selector) {
            TimeType t = ParseTimelineType(type);
            PyDeriveLens next = self;
            next.lens.ToTimeline(name, t, selector.selector);
            return next;
          },
          "timeline_name"_a, "timeline_type"_a, "selector"_a);

  nb::class_<PyMutateLens>(m, "MutateLens", "A mutate lens: one component replaced by a selector's result.")
      .def(
          "__init__",
          [](PyMutateLens* self, const std::string& input, const PySelector& selector, bool keep_row_ids) {
            if (input.empty()) throw nb::value_error(kEmptyComponent);
            new (self) PyMutateLens{Lens::Mutate(input, selector.selector, keep_row_ids)};
          },
          "input_component"_a, "selector"_a, nb::kw_only(), "keep_row_ids"_a = false);

  nb::class_<PyLensSet>(m, "LensSet", "Lenses checked for the engine.")
      .def("__init__", [](PyLensSet* self, const nb::list& lenses) { new (self) PyLensSet{Build(lenses)}; },
           "lenses"_a)
      .def(
          "apply",
          [](const PyLensSet& self, const std::shared_ptr<Chunk>& chunk) {
            return ReleasedIfLarge(chunk->num_rows(), [&] {
              return transform::ApplyLenses(chunk, self.set, OutputMode::kForwardUnmatched);
            });
          },
          "chunk"_a, "Chunk.apply_lenses: the engine in forward_unmatched mode; errors are ValueErrors.");

  m.def(
      "stream_lenses",
      [](const PyStream& stream, const std::string& output_mode, const nb::list& lenses,
         std::optional<std::vector<std::string>> content) {
        OutputMode mode = Unwrap(transform::ParseOutputMode(output_mode));
        LensSet set = Build(lenses);
        std::optional<EntityPathFilter> filter;
        if (content) {
          std::string text;
          for (const auto& rule : *content) text += (text.empty() ? "" : " ") + rule;
          filter = EntityPathFilter::Parse(text);
        }
        auto step = std::make_shared<transform::LensTransform>(std::move(set), mode, std::move(filter));
        return PyStream{transform::Pipeline::Then(stream.pipeline,
                                                  transform::Step{transform::Step::Kind::kTransform, {}, step})};
      },
      "stream"_a, "output_mode"_a, "lenses"_a, "content"_a.none(),
      "LazyChunkStream.lenses: checks the mode, builds the lenses, and adds the step.");

  m.def(
      "apply_selector",
      [](const std::shared_ptr<Chunk>& chunk, const std::string& source, const PySelector& selector) {
        return Released([&] { return transform::ApplySelector(*chunk, source, selector.selector); });
      },
      "chunk"_a, "source"_a, "selector"_a, "Chunk.apply_selector; errors are ValueErrors.");
}

}  // namespace chunkhouse::python
