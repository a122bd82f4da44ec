// Sorbet migrations (spec/rrd_format.md §6.3): older chunk layouts rewritten in memory into
// the current one, step by step, each step applied only to batches older than its target.
#include <arrow/array.h>
#include <arrow/record_batch.h>
#include <arrow/type.h>
#include <arrow/util/key_value_metadata.h>
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <tuple>

#include "chunkhouse/base/sorbet.h"
#include "chunkhouse/chunk/chunk.h"

namespace chunkhouse {

namespace {

using Version = std::tuple<int, int, int>;
using Pairs = std::vector<std::pair<std::string, std::string>>;

struct Column {
  std::string name;
  std::shared_ptr<arrow::DataType> type;
  bool nullable = true;
  Pairs md;
  std::shared_ptr<arrow::Array> array;
};

Pairs ToPairs(const std::shared_ptr<const arrow::KeyValueMetadata>& md) {
  Pairs out;
  if (!md) return out;
  for (int64_t i = 0; i < md->size(); ++i) out.emplace_back(md->key(i), md->value(i));
  return out;
}

std::shared_ptr<arrow::KeyValueMetadata> FromPairs(const Pairs& p) {
  auto md = std::make_shared<arrow::KeyValueMetadata>();
  for (const auto& [k, v] : p) md->Append(k, v);
  return md;
}

std::string* Find(Pairs& p, std::string_view key) {
  for (auto& [k, v] : p)
    if (k == key) return &v;
  return nullptr;
}

void Erase(Pairs& p, std::string_view key) {
  p.erase(std::remove_if(p.begin(), p.end(), [&](const auto& kv) { return kv.first == key; }),
          p.end());
}

void Set(Pairs& p, std::string_view key, std::string value) {
  if (auto* v = Find(p, key)) {
    *v = std::move(value);
  } else {
    p.emplace_back(std::string(key), std::move(value));
  }
}

void RenameKey(Pairs& p, std::string_view from, std::string_view to) {
  for (auto& [k, v] : p)
    if (k == from) k = std::string(to);
}

void ReplaceAll(std::string& s, std::string_view from, std::string_view to) {
  for (size_t pos = s.find(from); pos != std::string::npos; pos = s.find(from, pos + to.size()))
    s.replace(pos, from.size(), to);
}

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

Version ParseVersion(std::string_view v) {
  int a = 0, b = 0, c = 0;
  if (std::sscanf(std::string(v).c_str(), "%d.%d.%d", &a, &b, &c) < 1) return {0, 0, 1};
  return {a, b, c};
}

Version DetectVersion(const Pairs& schema_md) {
  for (const auto& [k, v] : schema_md)
    if (k == meta::kSorbetVersion) return ParseVersion(v);
  for (const auto& [k, v] : schema_md)
    if (k.rfind("rerun.", 0) == 0) return {0, 0, 1};
  for (const auto& [k, v] : schema_md)
    if (k == "rerun:version") return {0, 0, 2};
  return {0, 0, 1};
}

const std::string* FindConst(const Pairs& p, std::string_view key) {
  for (const auto& [k, v] : p)
    if (k == key) return &v;
  return nullptr;
}

std::string_view KindOf(const Pairs& md) {
  const std::string* k = FindConst(md, "rerun:kind");
  if (!k) k = FindConst(md, "rerun.kind");
  if (!k) return "data";
  if (*k == "control" || *k == "row_id") return "control";
  if (*k == "index" || *k == "time") return "index";
  return "data";
}

// 0.0.1 -> 0.0.2: column order and renamed archetypes.
void To002(std::vector<Column>& cols) {
  std::stable_sort(cols.begin(), cols.end(), [](const Column& a, const Column& b) {
    auto rank = [](std::string_view k) { return k == "control" ? 0 : k == "index" ? 1 : 2; };
    return rank(KindOf(a.md)) < rank(KindOf(b.md));
  });
  struct Rename {
    std::string_view from, to;
    std::vector<std::pair<std::string_view, std::string_view>> fields;
  };
  static const std::array<Rename, 3> renames = {{
      {"rerun.archetypes.Scalar", "rerun.archetypes.Scalars", {{"scalar", "scalars"}}},
      {"rerun.archetypes.SeriesLine", "rerun.archetypes.SeriesLines",
       {{"color", "colors"}, {"width", "widths"}, {"name", "names"}}},
      {"rerun.archetypes.SeriesPoint", "rerun.archetypes.SeriesPoints",
       {{"color", "colors"}, {"marker", "markers"}, {"name", "names"}, {"marker_size", "marker_sizes"}}},
  }};
  for (auto& c : cols) {
    std::string* arch = Find(c.md, "rerun.archetype");
    if (!arch) continue;
    for (const auto& r : renames) {
      if (*arch != r.from) continue;
      *arch = std::string(r.to);
      if (std::string* field = Find(c.md, "rerun.archetype_field")) {
        for (const auto& [f, t] : r.fields)
          if (*field == f) *field = std::string(t);
      }
    }
  }
}

// 0.0.2 -> 0.1.0: colon keys and the (archetype, component, component_type) descriptor.
void To010(std::vector<Column>& cols, Pairs& schema_md) {
  static constexpr std::array<std::string_view, 8> kRenamed = {
      "index_name", "entity_path", "kind", "is_static", "is_indicator", "is_tombstone",
      "is_semantically_empty", "is_sorted"};
  for (auto& c : cols) {
    for (auto key : kRenamed) RenameKey(c.md, fmt::format("rerun.{}", key), fmt::format("rerun:{}", key));
    std::optional<std::string> a, f, comp;
    if (auto* v = Find(c.md, "rerun.archetype")) a = *v;
    if (auto* v = Find(c.md, "rerun.archetype_field")) f = *v;
    if (auto* v = Find(c.md, "rerun.component")) comp = *v;
    Erase(c.md, "rerun.archetype");
    Erase(c.md, "rerun.archetype_field");
    Erase(c.md, "rerun.component");
    if (KindOf(c.md) != "data") continue;
    std::string ctype = comp.value_or(c.name);
    bool indicator = EndsWith(c.name, "Indicator") || EndsWith(ctype, "Indicator");
    if (indicator) {
      std::string full = ctype.find('.') == std::string::npos ? "rerun.components." + ctype : ctype;
      Set(c.md, "rerun:component", full);
    } else if (a && f) {
      Set(c.md, "rerun:archetype", *a);
      Set(c.md, "rerun:component", ArchetypeShortName(*a) + ":" + *f);
      Set(c.md, "rerun:component_type", ctype);
    } else if (f) {
      Set(c.md, "rerun:component", *f);
      Set(c.md, "rerun:component_type", ctype);
    } else if (a) {
      Set(c.md, "rerun:archetype", *a);
      Set(c.md, "rerun:component", ctype);
      Set(c.md, "rerun:component_type", ctype);
    } else {
      Set(c.md, "rerun:component", ctype);
    }
  }
  Pairs renamed;
  for (auto& [k, v] : schema_md) {
    if (k == "rerun.version") continue;
    std::string key = k;
    if (key.rfind("rerun.", 0) == 0) key = "rerun:" + key.substr(6);
    renamed.emplace_back(key, v);
  }
  schema_md = std::move(renamed);
  // RecordingProperties became RecordingInfo at the /__properties root.
  if (std::string* path = Find(schema_md, "rerun:entity_path"); path && *path == "/__properties/recording") {
    *path = "/__properties";
  }
  for (auto& c : cols) {
    ReplaceAll(c.name, "property:recording:RecordingInfo:", "property:RecordingInfo:");
    ReplaceAll(c.name, "RecordingProperties", "RecordingInfo");
    for (auto& [k, v] : c.md) ReplaceAll(v, "RecordingProperties", "RecordingInfo");
  }
}

// 0.1.0 -> 0.1.1: indicator components are gone.
void To011(std::vector<Column>& cols) {
  cols.erase(std::remove_if(cols.begin(), cols.end(),
                            [](Column& c) {
                              if (auto* v = Find(c.md, "rerun:is_indicator"); v && *v == "true") return true;
                              auto* comp = Find(c.md, "rerun:component");
                              return comp && comp->rfind("rerun.components.", 0) == 0 &&
                                     EndsWith(*comp, "Indicator");
                            }),
             cols.end());
}

// 0.1.1 -> 0.1.2: Pose* component types and two renamed components.
void To012(std::vector<Column>& cols) {
  for (auto& c : cols) {
    if (auto* t = Find(c.md, "rerun:component_type")) {
      for (std::string_view n : {"Translation3D", "RotationAxisAngle", "RotationQuat", "Scale3D", "TransformMat3x3"}) {
        if (*t == fmt::format("rerun.components.Pose{}", n)) *t = fmt::format("rerun.components.{}", n);
      }
    }
    if (auto* comp = Find(c.md, "rerun:component")) {
      if (*comp == "Transform3D:axis_length") {
        *comp = "TransformAxes3D:axis_length";
        Set(c.md, "rerun:archetype", "rerun.archetypes.TransformAxes3D");
      } else if (*comp == "CoordinateFrame:frame_id") {
        *comp = "CoordinateFrame:frame";
      }
    }
  }
}

// 0.1.2 -> 0.1.3
void To013(std::vector<Column>& cols) {
  for (auto& c : cols) {
    if (auto* t = Find(c.md, "rerun:component_type"); t && *t == "rerun.components.SeriesVisible") {
      *t = "rerun.components.Visible";
    }
  }
}

// Every data column is a list of instances; wrap bare values into one-element lists.
Status WrapIntoLists(std::vector<Column>& cols, bool& changed) {
  for (auto& c : cols) {
    if (KindOf(c.md) != "data" || c.type->id() == arrow::Type::LIST) continue;
    const int64_t n = c.array->length();
    std::vector<int32_t> offsets(static_cast<size_t>(n) + 1);
    for (int64_t i = 0; i <= n; ++i) {
      if (i > std::numeric_limits<int32_t>::max()) return Status::Invalid("column too long to wrap");
      offsets[static_cast<size_t>(i)] = static_cast<int32_t>(i);
    }
    auto type = arrow::list(arrow::field("item", c.type, true));
    std::shared_ptr<arrow::Buffer> validity;
    if (c.array->null_count() > 0 && c.array->data()->buffers.size() > 0 && c.array->data()->offset == 0) {
      validity = c.array->data()->buffers[0];
    }
    auto data = arrow::ArrayData::Make(type, n, {validity, arrow::Buffer::FromVector(offsets)},
                                       {c.array->data()}, validity ? c.array->null_count() : 0);
    c.array = arrow::MakeArray(data);
    c.type = type;
    c.nullable = true;
    changed = true;
  }
  return Status::OK();
}

}  // namespace

Result<std::shared_ptr<arrow::RecordBatch>> MigrateToCurrentSorbet(
    std::shared_ptr<arrow::RecordBatch> batch) {
  const auto& schema = *batch->schema();
  Pairs schema_md = ToPairs(schema.metadata());
  Version version = DetectVersion(schema_md);
  bool needs_wrap = false;
  for (const auto& f : schema.fields()) {
    Pairs md = ToPairs(f->metadata());
    if (KindOf(md) == "data" && f->type()->id() != arrow::Type::LIST) needs_wrap = true;
  }
  constexpr Version kCurrent{0, 1, 3};
  if (version >= kCurrent && !needs_wrap) return batch;

  std::vector<Column> cols;
  for (int i = 0; i < schema.num_fields(); ++i) {
    const auto& f = *schema.field(i);
    cols.push_back({f.name(), f.type(), f.nullable(), ToPairs(f.metadata()), batch->column(i)});
  }
  if (version < Version{0, 0, 2}) To002(cols);
  if (version < Version{0, 1, 0}) To010(cols, schema_md);
  if (version < Version{0, 1, 1}) To011(cols);
  if (version < Version{0, 1, 2}) To012(cols);
  if (version < Version{0, 1, 3}) To013(cols);
  bool wrapped = false;
  ARROW_RETURN_NOT_OK(WrapIntoLists(cols, wrapped));
  if (version < kCurrent) Set(schema_md, meta::kSorbetVersion, std::string(meta::kCurrentSorbetVersion));

  arrow::FieldVector fields;
  arrow::ArrayVector arrays;
  for (auto& c : cols) {
    fields.push_back(arrow::field(c.name, c.type, c.nullable, FromPairs(c.md)));
    arrays.push_back(c.array);
  }
  return arrow::RecordBatch::Make(arrow::schema(fields, FromPairs(schema_md)), batch->num_rows(), arrays);
}

}  // namespace chunkhouse
