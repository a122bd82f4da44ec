#include "chunkhouse/mcap/cdr.h"
#include "chunkhouse/mcap/bytes.h"

#include <arrow/builder.h>
#include <arrow/util/utf8.h>
#include <fmt/format.h>

#include <cstring>
#include <set>

namespace chunkhouse::mcap::cdr {

using ros2::Builtin;

struct Node {
  enum class Op : uint8_t { kPrim, kString, kStruct, kArray } op = Op::kPrim;
  Builtin prim = Builtin::kUInt8;
  bool fixed = false;      // kArray: a fixed-length array (no length on the wire)
  size_t fixed_len = 0;
  std::vector<Node> children;  // kStruct: the fields; kArray: the element
  enum class Stamp : uint8_t { kNone, kSec, kNanosec } stamp = Stamp::kNone;
  bool skip = false;  // walked (checked) but not kept: a field the caller does not want
  size_t min_size = 0;  // the fewest bytes one value takes on the wire
  std::shared_ptr<arrow::DataType> type;
};

namespace {

size_t PrimSize(Builtin b) {
  switch (b) {
    case Builtin::kBool: case Builtin::kByte: case Builtin::kChar: case Builtin::kInt8: case Builtin::kUInt8:
      return 1;
    case Builtin::kInt16: case Builtin::kUInt16:
      return 2;
    case Builtin::kInt32: case Builtin::kUInt32: case Builtin::kFloat32:
      return 4;
    default:
      return 8;
  }
}

std::shared_ptr<arrow::DataType> PrimType(Builtin b) {
  switch (b) {
    case Builtin::kBool: return arrow::boolean();
    case Builtin::kByte: case Builtin::kChar: case Builtin::kUInt8: return arrow::uint8();
    case Builtin::kInt8: return arrow::int8();
    case Builtin::kInt16: return arrow::int16();
    case Builtin::kUInt16: return arrow::uint16();
    case Builtin::kInt32: return arrow::int32();
    case Builtin::kUInt32: return arrow::uint32();
    case Builtin::kInt64: return arrow::int64();
    case Builtin::kUInt64: return arrow::uint64();
    case Builtin::kFloat32: return arrow::float32();
    case Builtin::kFloat64: return arrow::float64();
    case Builtin::kString: case Builtin::kWString: return arrow::utf8();
  }
  return arrow::null();
}

struct Compiler {
  const ros2::MessageSchema& schema;
  const std::set<std::string>& skip;  // top-level fields left out
  size_t nodes = 0;

  Status Count(const std::string& name) {
    if (++nodes > kMaxPlanNodes) {
      return InvalidArgument("message `{}` is too large to decode (more than {} fields once nested messages are expanded)",
                             name, kMaxPlanNodes);
    }
    return Status::OK();
  }

  Status Prim(Builtin b, Node* n) {
    if (b == Builtin::kWString) return InvalidArgument("ROS 2 `wstring` decoding is not supported");
    n->op = b == Builtin::kString ? Node::Op::kString : Node::Op::kPrim;
    n->prim = b;
    n->min_size = b == Builtin::kString ? 4 : PrimSize(b);
    n->type = PrimType(b);
    return Status::OK();
  }

  Status Struct(const ros2::MessageSpec& spec, int depth, Node* n) {
    if (depth > kMaxDepth) {
      return InvalidArgument("message `{}` nests deeper than {} levels (does it contain itself?)", spec.name, kMaxDepth);
    }
    n->op = Node::Op::kStruct;
    arrow::FieldVector fields;
    n->children.resize(spec.fields.size());
    for (size_t i = 0; i < spec.fields.size(); ++i) {
      ARROW_RETURN_NOT_OK(Type(spec, spec.fields[i].type, depth + 1, &n->children[i]));
      n->min_size += n->children[i].min_size;
      if (depth == 0 && skip.count(spec.fields[i].name)) {
        n->children[i].skip = true;
      } else {
        fields.push_back(arrow::field(spec.fields[i].name, n->children[i].type, true));
      }
    }
    n->type = arrow::struct_(std::move(fields));
    return Status::OK();
  }

  Status Type(const ros2::MessageSpec& scope, const ros2::Type& t, int depth, Node* n) {
    ARROW_RETURN_NOT_OK(Count(scope.name));
    if (t.array != ros2::Type::Array::kNone) {
      n->op = Node::Op::kArray;
      n->fixed = t.array == ros2::Type::Array::kFixed;
      n->fixed_len = t.array_size;
      n->children.resize(1);
      ARROW_RETURN_NOT_OK(Type(scope, t.Element(), depth, &n->children[0]));
      n->min_size = n->fixed ? n->fixed_len * n->children[0].min_size : 4;
      if (n->fixed && n->children[0].min_size && n->fixed_len > (size_t{1} << 32) / n->children[0].min_size) {
        return InvalidArgument("array field of `{}` claims {} elements", scope.name, n->fixed_len);
      }
      n->type = arrow::list(arrow::field("item", n->children[0].type, true));
      return Status::OK();
    }
    if (t.kind == ros2::Type::Kind::kBuiltin) return Prim(t.builtin, n);
    ARROW_ASSIGN_OR_RAISE(const ros2::MessageSpec* spec, schema.Resolve(scope, t));
    if (auto b = spec->EnumLike()) return Prim(*b, n);
    return Struct(*spec, depth, n);
  }
};

// Marks the nodes holding header.stamp (or a top-level stamp) as Rerun's reflection finds it.
void MarkStamp(const ros2::MessageSchema& schema, Node* root) {
  auto field = [](const ros2::MessageSpec& spec, const std::string& name) -> int {
    for (size_t i = 0; i < spec.fields.size(); ++i) {
      if (spec.fields[i].name == name) return static_cast<int>(i);
    }
    return -1;
  };
  auto message = [&](const ros2::MessageSpec& scope, int i) -> const ros2::MessageSpec* {
    const ros2::Type& t = scope.fields[static_cast<size_t>(i)].type;
    if (t.kind != ros2::Type::Kind::kComplex || t.array != ros2::Type::Array::kNone) return nullptr;
    auto spec = schema.Resolve(scope, t);
    if (!spec.ok() || (*spec)->EnumLike()) return nullptr;
    return *spec;
  };
  const ros2::MessageSpec* scope = &schema.spec;
  Node* node = root;
  int stamp = -1;
  if (int h = field(*scope, "header"); h >= 0 && message(*scope, h)) {
    node = &root->children[static_cast<size_t>(h)];
    scope = message(*scope, h);
  }
  stamp = field(*scope, "stamp");
  if (stamp < 0) return;
  const ros2::MessageSpec* time = message(*scope, stamp);
  if (!time) return;
  Node& t = node->children[static_cast<size_t>(stamp)];
  auto scalar = [](const ros2::Type& ty, Builtin b) {
    return ty.kind == ros2::Type::Kind::kBuiltin && ty.array == ros2::Type::Array::kNone && ty.builtin == b;
  };
  int sec = field(*time, "sec"), nsec = field(*time, "nanosec");
  if (sec < 0 || nsec < 0 || !scalar(time->fields[static_cast<size_t>(sec)].type, Builtin::kInt32) ||
      !scalar(time->fields[static_cast<size_t>(nsec)].type, Builtin::kUInt32)) {
    return;
  }
  t.children[static_cast<size_t>(sec)].stamp = Node::Stamp::kSec;
  t.children[static_cast<size_t>(nsec)].stamp = Node::Stamp::kNanosec;
}

struct Cursor {
  const uint8_t* data = nullptr;
  size_t size = 0;
  size_t pos = 0;
  bool big_endian = false;
  int64_t budget = 0;  // elements left to visit
  std::optional<int32_t> sec;
  std::optional<uint32_t> nanosec;
  std::vector<uint8_t> scratch;

  Status Need(size_t n) const {
    if (n > size - pos) {
      return DataLoss("message ends at byte {} of its payload, {} more byte(s) needed", size, n - (size - pos));
    }
    return Status::OK();
  }
  Status Align(size_t n) {
    size_t aligned = (pos + n - 1) / n * n;
    if (aligned > size) return DataLoss("message ends at byte {} of its payload, inside alignment padding", size);
    pos = aligned;
    return Status::OK();
  }
  template <typename T>
  T Read() {
    const T v = Load<T>(data + pos, big_endian);
    pos += sizeof(T);
    return v;
  }
};

template <typename T, typename B>
Status AppendPrim(Cursor& c, arrow::ArrayBuilder* b) {
  T v = c.Read<T>();
  if (b) return static_cast<B*>(b)->Append(v);
  return Status::OK();
}

template <bool kAppend>
Status Walk(const Node& n, Cursor& c, arrow::ArrayBuilder* b);

template <typename T, typename B>
Status AppendPrims(Cursor& c, size_t count, arrow::ArrayBuilder* b) {
  ARROW_RETURN_NOT_OK(c.Need(count * sizeof(T)));
  auto* values = static_cast<B*>(b);
  if (!values) {
    c.pos += count * sizeof(T);
    return Status::OK();
  }
  c.scratch.resize(count * sizeof(T));
  if (c.big_endian && sizeof(T) > 1) {
    for (size_t k = 0; k < count; ++k) {
      const T v = Load<T>(c.data + c.pos + k * sizeof(T), /*big_endian=*/true);
      std::memcpy(c.scratch.data() + k * sizeof(T), &v, sizeof(T));
    }
  } else {
    std::memcpy(c.scratch.data(), c.data + c.pos, count * sizeof(T));
  }
  c.pos += count * sizeof(T);
  return values->AppendValues(reinterpret_cast<const T*>(c.scratch.data()), static_cast<int64_t>(count));
}

// A run of primitives (array elements) appended at once.
Status PrimRun(Builtin p, Cursor& c, size_t count, arrow::ArrayBuilder* b) {
  if (count == 0) return Status::OK();
  ARROW_RETURN_NOT_OK(c.Align(PrimSize(p)));
  switch (p) {
    case Builtin::kBool: {
      ARROW_RETURN_NOT_OK(c.Need(count));
      if (b) {
        auto* bb = static_cast<arrow::BooleanBuilder*>(b);
        ARROW_RETURN_NOT_OK(bb->Reserve(static_cast<int64_t>(count)));
        for (size_t i = 0; i < count; ++i) bb->UnsafeAppend(c.data[c.pos + i] != 0);
      }
      c.pos += count;
      return Status::OK();
    }
    case Builtin::kByte: case Builtin::kChar: case Builtin::kUInt8:
      return AppendPrims<uint8_t, arrow::UInt8Builder>(c, count, b);
    case Builtin::kInt8: return AppendPrims<int8_t, arrow::Int8Builder>(c, count, b);
    case Builtin::kInt16: return AppendPrims<int16_t, arrow::Int16Builder>(c, count, b);
    case Builtin::kUInt16: return AppendPrims<uint16_t, arrow::UInt16Builder>(c, count, b);
    case Builtin::kInt32: return AppendPrims<int32_t, arrow::Int32Builder>(c, count, b);
    case Builtin::kUInt32: return AppendPrims<uint32_t, arrow::UInt32Builder>(c, count, b);
    case Builtin::kInt64: return AppendPrims<int64_t, arrow::Int64Builder>(c, count, b);
    case Builtin::kUInt64: return AppendPrims<uint64_t, arrow::UInt64Builder>(c, count, b);
    case Builtin::kFloat32: return AppendPrims<float, arrow::FloatBuilder>(c, count, b);
    case Builtin::kFloat64: return AppendPrims<double, arrow::DoubleBuilder>(c, count, b);
    default: return DataLoss("not a primitive");
  }
}

Status Scalar(const Node& n, Cursor& c, arrow::ArrayBuilder* b) {
  const size_t size = PrimSize(n.prim);
  ARROW_RETURN_NOT_OK(c.Align(size));
  ARROW_RETURN_NOT_OK(c.Need(size));
  if (n.stamp == Node::Stamp::kSec) {
    Cursor peek = c;
    c.sec = peek.Read<int32_t>();
  } else if (n.stamp == Node::Stamp::kNanosec) {
    Cursor peek = c;
    c.nanosec = peek.Read<uint32_t>();
  }
  switch (n.prim) {
    case Builtin::kBool: {
      bool v = c.data[c.pos++] != 0;
      return b ? static_cast<arrow::BooleanBuilder*>(b)->Append(v) : Status::OK();
    }
    case Builtin::kByte: case Builtin::kChar: case Builtin::kUInt8: return AppendPrim<uint8_t, arrow::UInt8Builder>(c, b);
    case Builtin::kInt8: return AppendPrim<int8_t, arrow::Int8Builder>(c, b);
    case Builtin::kInt16: return AppendPrim<int16_t, arrow::Int16Builder>(c, b);
    case Builtin::kUInt16: return AppendPrim<uint16_t, arrow::UInt16Builder>(c, b);
    case Builtin::kInt32: return AppendPrim<int32_t, arrow::Int32Builder>(c, b);
    case Builtin::kUInt32: return AppendPrim<uint32_t, arrow::UInt32Builder>(c, b);
    case Builtin::kInt64: return AppendPrim<int64_t, arrow::Int64Builder>(c, b);
    case Builtin::kUInt64: return AppendPrim<uint64_t, arrow::UInt64Builder>(c, b);
    case Builtin::kFloat32: return AppendPrim<float, arrow::FloatBuilder>(c, b);
    case Builtin::kFloat64: return AppendPrim<double, arrow::DoubleBuilder>(c, b);
    default: return DataLoss("not a primitive");
  }
}

Status String(Cursor& c, arrow::ArrayBuilder* b) {
  ARROW_RETURN_NOT_OK(c.Align(4));
  ARROW_RETURN_NOT_OK(c.Need(4));
  const uint32_t len = c.Read<uint32_t>();
  ARROW_RETURN_NOT_OK(c.Need(len));
  const uint8_t* s = c.data + c.pos;
  const size_t n = len ? len - 1 : 0;  // the terminating NUL
  c.pos += len;
  if (!arrow::util::ValidateUTF8(s, static_cast<int64_t>(n))) {
    return DataLoss("string ending at byte {} of the payload is not valid UTF-8", c.pos);
  }
  if (b) return static_cast<arrow::StringBuilder*>(b)->Append(s, static_cast<int32_t>(n));
  return Status::OK();
}

template <bool kAppend>
Status Walk(const Node& n, Cursor& c, arrow::ArrayBuilder* b) {
  switch (n.op) {
    case Node::Op::kPrim:
      return Scalar(n, c, kAppend ? b : nullptr);
    case Node::Op::kString:
      return String(c, kAppend ? b : nullptr);
    case Node::Op::kStruct: {
      auto* sb = static_cast<arrow::StructBuilder*>(b);
      int field = 0;
      for (const Node& child : n.children) {
        if (child.skip) {
          ARROW_RETURN_NOT_OK(Walk<false>(child, c, nullptr));
        } else {
          ARROW_RETURN_NOT_OK(Walk<kAppend>(child, c, kAppend ? sb->field_builder(field++) : nullptr));
        }
      }
      if constexpr (kAppend) return sb->Append();
      return Status::OK();
    }
    case Node::Op::kArray: {
      size_t count = n.fixed_len;
      if (!n.fixed) {
        ARROW_RETURN_NOT_OK(c.Align(4));
        ARROW_RETURN_NOT_OK(c.Need(4));
        count = c.Read<uint32_t>();
      }
      const Node& e = n.children[0];
      if (e.min_size && count > (c.size - c.pos) / e.min_size) {
        return DataLoss("sequence at byte {} of the payload claims {} elements, more than the {} byte(s) left hold",
                       c.pos, count, c.size - c.pos);
      }
      c.budget -= static_cast<int64_t>(count);
      if (c.budget < 0) return DataLoss("message holds more elements than its size allows");
      auto* lb = static_cast<arrow::ListBuilder*>(b);
      if constexpr (kAppend) ARROW_RETURN_NOT_OK(lb->Append());
      arrow::ArrayBuilder* values = kAppend ? lb->value_builder() : nullptr;
      if (e.op == Node::Op::kPrim) return PrimRun(e.prim, c, count, values);
      for (size_t i = 0; i < count; ++i) ARROW_RETURN_NOT_OK(Walk<kAppend>(e, c, values));
      return Status::OK();
    }
  }
  return Status::OK();
}

// Room for `rows` values of `n` in `b` and, through fixed-length arrays, in what it holds
// (sequences' contents are not known ahead).
Status Reserve(const Node& n, arrow::ArrayBuilder* b, int64_t rows) {
  if (rows <= 0 || rows > (int64_t{1} << 26)) return Status::OK();
  ARROW_RETURN_NOT_OK(b->Reserve(rows));
  if (n.op == Node::Op::kStruct) {
    auto* sb = static_cast<arrow::StructBuilder*>(b);
    int field = 0;
    for (const Node& child : n.children) {
      if (!child.skip) ARROW_RETURN_NOT_OK(Reserve(child, sb->field_builder(field++), rows));
    }
  } else if (n.op == Node::Op::kArray && n.fixed) {
    ARROW_RETURN_NOT_OK(Reserve(n.children[0], static_cast<arrow::ListBuilder*>(b)->value_builder(),
                                rows * static_cast<int64_t>(std::min<size_t>(n.fixed_len, 1 << 16))));
  }
  return Status::OK();
}

}  // namespace

Decoder::~Decoder() = default;

Status Decoder::Reserve(int64_t rows) { return cdr::Reserve(*root_, builder_.get(), rows); }

Result<std::unique_ptr<Decoder>> Decoder::Make(const ros2::MessageSchema& schema, const std::set<std::string>& skip) {
  ARROW_RETURN_NOT_OK(schema.CheckResolves());
  std::unique_ptr<Decoder> d(new Decoder());
  d->root_ = std::make_unique<Node>();
  Compiler compiler{schema, skip};
  ARROW_RETURN_NOT_OK(compiler.Struct(schema.spec, 0, d->root_.get()));
  MarkStamp(schema, d->root_.get());
  d->type_ = d->root_->type;
  ARROW_RETURN_NOT_OK(arrow::MakeBuilder(arrow::default_memory_pool(), d->type_, &d->builder_));
  return d;
}

Status Decoder::Append(const uint8_t* data, size_t size, std::optional<int64_t>* stamp) {
  if (size < 4) return DataLoss("message of {} byte(s) is shorter than its 4-byte encapsulation header", size);
  if (data[0] != 0) return DataLoss("Invalid first byte got `{}`, but it should always be `0x00`", data[0]);
  // CDR and CDR2 (plain, not parameter lists or XML), either byte order.
  const uint8_t rep = data[1];
  if (rep != 0x00 && rep != 0x01 && rep != 0x10 && rep != 0x11) {
    return DataLoss("message is not encoded using a CDR representation (identifier 0x{:02x})", rep);
  }
  Cursor c;
  c.data = data + 4;
  c.size = size - 4;
  c.big_endian = rep == 0x00 || rep == 0x10;
  c.budget = 1024 + 64 * static_cast<int64_t>(size);
  ARROW_RETURN_NOT_OK(Walk<false>(*root_, c, nullptr));
  const auto sec = c.sec;
  const auto nanosec = c.nanosec;
  c.pos = 0;
  c.budget = 1024 + 64 * static_cast<int64_t>(size);
  ARROW_RETURN_NOT_OK(Walk<true>(*root_, c, builder_.get()));
  stamp->reset();
  if (sec && nanosec) *stamp = int64_t{*sec} * 1000000000 + int64_t{*nanosec};
  return Status::OK();
}

int64_t Decoder::length() const { return builder_->length(); }

Result<std::shared_ptr<arrow::Array>> Decoder::Finish() { return builder_->Finish(); }

}  // namespace chunkhouse::mcap::cdr
