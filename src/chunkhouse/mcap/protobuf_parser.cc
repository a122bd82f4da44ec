#include "chunkhouse/mcap/protobuf_parser.h"

#include <arrow/array.h>
#include <arrow/builder.h>
#include <arrow/util/key_value_metadata.h>
#include <fmt/format.h>
#include <google/protobuf/descriptor.h>
#include <google/protobuf/descriptor.pb.h>
#include <google/protobuf/descriptor_database.h>
#include <google/protobuf/dynamic_message.h>
#include <google/protobuf/message.h>

#include <algorithm>
#include <mutex>
#include <unordered_map>

namespace chunkhouse::mcap {

namespace pb = google::protobuf;

struct ProtobufSchema::State {
  pb::SimpleDescriptorDatabase database;
  std::unique_ptr<pb::DescriptorPool> pool;
  pb::DynamicMessageFactory factory;
  mutable std::mutex mu;  // the factory's prototypes are made on first use
};

ProtobufSchema::ProtobufSchema() : state_(std::make_unique<State>()) {}
ProtobufSchema::~ProtobufSchema() = default;

Result<std::shared_ptr<ProtobufSchema>> ProtobufSchema::Parse(const std::string& data) {
  pb::FileDescriptorSet set;
  if (!set.ParseFromString(data)) return InvalidArgument("the schema is not a protobuf FileDescriptorSet");
  std::shared_ptr<ProtobufSchema> s(new ProtobufSchema());
  for (const auto& file : set.file()) {
    if (!s->state_->database.Add(file)) return InvalidArgument("file {} of the descriptor set cannot be added", file.name());
  }
  s->state_->pool = std::make_unique<pb::DescriptorPool>(&s->state_->database);
  for (const auto& file : set.file()) {
    if (!s->state_->pool->FindFileByName(file.name())) {
      return InvalidArgument("file {} of the descriptor set does not build", file.name());
    }
  }
  return s;
}

const pb::Descriptor* ProtobufSchema::Find(const std::string& full_name) const {
  return state_->pool->FindMessageTypeByName(full_name);
}

const pb::Message* ProtobufSchema::Prototype(const pb::Descriptor* type) const {
  std::lock_guard<std::mutex> lock(state_->mu);
  return state_->factory.GetPrototype(type);
}


namespace {

constexpr int kMaxDepth = 64;

// A oneof Rerun groups into a struct: a real oneof of more than one field.
const pb::OneofDescriptor* GroupedOneof(const pb::FieldDescriptor* f) {
  const pb::OneofDescriptor* o = f->real_containing_oneof();
  return o && o->field_count() > 1 ? o : nullptr;
}

// The fields of a message as Rerun orders them: by field number, a grouped oneof at its first field.
struct Grouped {
  const pb::FieldDescriptor* field = nullptr;  // or
  const pb::OneofDescriptor* oneof = nullptr;
};
std::vector<Grouped> GroupedFields(const pb::Descriptor* d) {
  std::vector<const pb::FieldDescriptor*> by_number;
  for (int i = 0; i < d->field_count(); ++i) by_number.push_back(d->field(i));
  std::sort(by_number.begin(), by_number.end(),
            [](const pb::FieldDescriptor* a, const pb::FieldDescriptor* b) { return a->number() < b->number(); });
  std::vector<Grouped> out;
  std::vector<const pb::OneofDescriptor*> seen;
  for (const pb::FieldDescriptor* f : by_number) {
    if (const pb::OneofDescriptor* o = GroupedOneof(f)) {
      if (std::find(seen.begin(), seen.end(), o) == seen.end()) {
        seen.push_back(o);
        out.push_back({nullptr, o});
      }
      continue;
    }
    out.push_back({f, nullptr});
  }
  return out;
}

std::shared_ptr<const arrow::KeyValueMetadata> Extension(const char* name) {
  return arrow::key_value_metadata({"ARROW:extension:name"}, {name});
}

Result<std::shared_ptr<arrow::DataType>> StructType(const pb::Descriptor* d, int depth);

std::shared_ptr<arrow::DataType> EnumType() {
  return arrow::struct_({arrow::field("name", arrow::utf8(), true), arrow::field("value", arrow::int32(), true)});
}

// A field's type, without its repetition.
Result<std::shared_ptr<arrow::DataType>> ElementType(const pb::FieldDescriptor* f, int depth) {
  switch (f->cpp_type()) {
    case pb::FieldDescriptor::CPPTYPE_DOUBLE: return arrow::float64();
    case pb::FieldDescriptor::CPPTYPE_FLOAT: return arrow::float32();
    case pb::FieldDescriptor::CPPTYPE_INT32: return arrow::int32();
    case pb::FieldDescriptor::CPPTYPE_INT64: return arrow::int64();
    case pb::FieldDescriptor::CPPTYPE_UINT32: return arrow::uint32();
    case pb::FieldDescriptor::CPPTYPE_UINT64: return arrow::uint64();
    case pb::FieldDescriptor::CPPTYPE_BOOL: return arrow::boolean();
    case pb::FieldDescriptor::CPPTYPE_STRING:
      return f->type() == pb::FieldDescriptor::TYPE_BYTES ? arrow::binary() : arrow::utf8();
    case pb::FieldDescriptor::CPPTYPE_ENUM: return EnumType();
    case pb::FieldDescriptor::CPPTYPE_MESSAGE: {
      if (f->is_map()) {
        const pb::FieldDescriptor* k = f->message_type()->map_key();
        const pb::FieldDescriptor* v = f->message_type()->map_value();
        ARROW_ASSIGN_OR_RAISE(auto kt, ElementType(k, depth + 1));
        ARROW_ASSIGN_OR_RAISE(auto vt, ElementType(v, depth + 1));
        auto entries = arrow::field("entries", arrow::struct_({arrow::field(k->name(), kt, false), arrow::field(v->name(), vt, true)}), false);
        return std::make_shared<arrow::MapType>(entries);
      }
      return StructType(f->message_type(), depth + 1);
    }
  }
  return Unimplemented("protobuf field type {}", f->type_name());
}

Result<std::shared_ptr<arrow::Field>> FieldOf(const pb::FieldDescriptor* f, int depth) {
  ARROW_ASSIGN_OR_RAISE(auto t, ElementType(f, depth));
  if (f->is_repeated() && !f->is_map()) t = arrow::list(arrow::field("item", t, true));
  auto field = arrow::field(f->name(), t, true);
  if (f->cpp_type() == pb::FieldDescriptor::CPPTYPE_ENUM) field = field->WithMetadata(Extension("rerun.datatypes.ProtobufEnum"));
  return field;
}

Result<std::shared_ptr<arrow::DataType>> StructType(const pb::Descriptor* d, int depth) {
  if (depth > kMaxDepth) {
    return InvalidArgument("protobuf message {} nests deeper than {} levels (it contains itself)", d->full_name(), kMaxDepth);
  }
  arrow::FieldVector fields;
  for (const Grouped& g : GroupedFields(d)) {
    if (g.field) {
      ARROW_ASSIGN_OR_RAISE(auto f, FieldOf(g.field, depth));
      fields.push_back(std::move(f));
    } else {
      arrow::FieldVector variants;
      for (int i = 0; i < g.oneof->field_count(); ++i) {
        ARROW_ASSIGN_OR_RAISE(auto f, FieldOf(g.oneof->field(i), depth));
        variants.push_back(std::move(f));
      }
      fields.push_back(arrow::field(g.oneof->name(), arrow::struct_(std::move(variants)), true)
                           ->WithMetadata(Extension("rerun.datatypes.ProtobufOneOf")));
    }
  }
  return arrow::struct_(std::move(fields));
}

// A null, in the builder and (for structs) in every child, as Rerun appends it.
Status AppendNull(arrow::ArrayBuilder* b) {
  if (b->type()->id() == arrow::Type::STRUCT) {
    auto* s = static_cast<arrow::StructBuilder*>(b);
    for (int i = 0; i < s->num_fields(); ++i) ARROW_RETURN_NOT_OK(AppendNull(s->field_builder(i)));
    return s->Append(false);
  }
  return b->AppendNull();
}

// Every enum value in a message (and what it holds) is one its type knows; otherwise Rerun's
// decoder fails the message.
Status CheckEnums(const pb::Message& m, int depth) {
  if (depth > kMaxDepth) return InvalidArgument("message nests too deep");
  const pb::Reflection* r = m.GetReflection();
  std::vector<const pb::FieldDescriptor*> set;
  r->ListFields(m, &set);
  for (const pb::FieldDescriptor* f : set) {
    if (f->cpp_type() == pb::FieldDescriptor::CPPTYPE_ENUM) {
      const int n = f->is_repeated() ? r->FieldSize(m, f) : 1;
      for (int i = 0; i < n; ++i) {
        const int v = f->is_repeated() ? r->GetRepeatedEnumValue(m, f, i) : r->GetEnumValue(m, f);
        if (!f->enum_type()->FindValueByNumber(v)) return InvalidArgument("unknown enum number {}", v);
      }
    } else if (f->cpp_type() == pb::FieldDescriptor::CPPTYPE_MESSAGE) {
      if (f->is_repeated()) {
        for (int i = 0; i < r->FieldSize(m, f); ++i) ARROW_RETURN_NOT_OK(CheckEnums(r->GetRepeatedMessage(m, f, i), depth + 1));
      } else {
        ARROW_RETURN_NOT_OK(CheckEnums(r->GetMessage(m, f), depth + 1));
      }
    }
  }
  return Status::OK();
}

// GroupedFields per message type, computed once per parser (not per message).
class Groups {
 public:
  const std::vector<Grouped>& Of(const pb::Descriptor* d) {
    auto it = cache_.find(d);
    if (it == cache_.end()) it = cache_.emplace(d, GroupedFields(d)).first;
    return it->second;
  }

 private:
  std::unordered_map<const pb::Descriptor*, std::vector<Grouped>> cache_;
};

Status AppendMessage(const pb::Message& m, arrow::StructBuilder* b, int depth, Groups& groups);

// One value of a field (element `index` of a repeated one; -1 for a singular one).
Status AppendOne(const pb::Message& m, const pb::FieldDescriptor* f, int index, arrow::ArrayBuilder* b, int depth,
                 Groups& groups) {
  const pb::Reflection* r = m.GetReflection();
  const bool rep = index >= 0;
  switch (f->cpp_type()) {
    case pb::FieldDescriptor::CPPTYPE_DOUBLE:
      return static_cast<arrow::DoubleBuilder*>(b)->Append(rep ? r->GetRepeatedDouble(m, f, index) : r->GetDouble(m, f));
    case pb::FieldDescriptor::CPPTYPE_FLOAT:
      return static_cast<arrow::FloatBuilder*>(b)->Append(rep ? r->GetRepeatedFloat(m, f, index) : r->GetFloat(m, f));
    case pb::FieldDescriptor::CPPTYPE_INT32:
      return static_cast<arrow::Int32Builder*>(b)->Append(rep ? r->GetRepeatedInt32(m, f, index) : r->GetInt32(m, f));
    case pb::FieldDescriptor::CPPTYPE_INT64:
      return static_cast<arrow::Int64Builder*>(b)->Append(rep ? r->GetRepeatedInt64(m, f, index) : r->GetInt64(m, f));
    case pb::FieldDescriptor::CPPTYPE_UINT32:
      return static_cast<arrow::UInt32Builder*>(b)->Append(rep ? r->GetRepeatedUInt32(m, f, index) : r->GetUInt32(m, f));
    case pb::FieldDescriptor::CPPTYPE_UINT64:
      return static_cast<arrow::UInt64Builder*>(b)->Append(rep ? r->GetRepeatedUInt64(m, f, index) : r->GetUInt64(m, f));
    case pb::FieldDescriptor::CPPTYPE_BOOL:
      return static_cast<arrow::BooleanBuilder*>(b)->Append(rep ? r->GetRepeatedBool(m, f, index) : r->GetBool(m, f));
    case pb::FieldDescriptor::CPPTYPE_STRING: {
      std::string scratch;
      const std::string& s = rep ? r->GetRepeatedStringReference(m, f, index, &scratch) : r->GetStringReference(m, f, &scratch);
      if (f->type() == pb::FieldDescriptor::TYPE_BYTES) return static_cast<arrow::BinaryBuilder*>(b)->Append(s);
      return static_cast<arrow::StringBuilder*>(b)->Append(s);
    }
    case pb::FieldDescriptor::CPPTYPE_ENUM: {
      const int v = rep ? r->GetRepeatedEnumValue(m, f, index) : r->GetEnumValue(m, f);
      const pb::EnumValueDescriptor* e = f->enum_type()->FindValueByNumber(v);
      if (!e) return InvalidArgument("unknown enum number {}", v);
      auto* s = static_cast<arrow::StructBuilder*>(b);
      ARROW_RETURN_NOT_OK(static_cast<arrow::StringBuilder*>(s->field_builder(0))->Append(e->name()));
      ARROW_RETURN_NOT_OK(static_cast<arrow::Int32Builder*>(s->field_builder(1))->Append(v));
      return s->Append();
    }
    case pb::FieldDescriptor::CPPTYPE_MESSAGE:
      return AppendMessage(rep ? r->GetRepeatedMessage(m, f, index) : r->GetMessage(m, f),
                           static_cast<arrow::StructBuilder*>(b), depth + 1, groups);
  }
  return Status::OK();
}

// A field that is set: its value, its list, or its map (entries sorted by key).
Status AppendField(const pb::Message& m, const pb::FieldDescriptor* f, arrow::ArrayBuilder* b, int depth,
                   Groups& groups) {
  const pb::Reflection* r = m.GetReflection();
  if (f->is_map()) {
    auto* map = static_cast<arrow::MapBuilder*>(b);
    const pb::FieldDescriptor* kf = f->message_type()->map_key();
    const pb::FieldDescriptor* vf = f->message_type()->map_value();
    std::vector<const pb::Message*> entries;
    for (int i = 0; i < r->FieldSize(m, f); ++i) entries.push_back(&r->GetRepeatedMessage(m, f, i));
    auto key_less = [&](const pb::Message* a, const pb::Message* c) {
      const pb::Reflection* ra = a->GetReflection();
      switch (kf->cpp_type()) {
        case pb::FieldDescriptor::CPPTYPE_BOOL: return ra->GetBool(*a, kf) < ra->GetBool(*c, kf);
        case pb::FieldDescriptor::CPPTYPE_INT32: return ra->GetInt32(*a, kf) < ra->GetInt32(*c, kf);
        case pb::FieldDescriptor::CPPTYPE_INT64: return ra->GetInt64(*a, kf) < ra->GetInt64(*c, kf);
        case pb::FieldDescriptor::CPPTYPE_UINT32: return ra->GetUInt32(*a, kf) < ra->GetUInt32(*c, kf);
        case pb::FieldDescriptor::CPPTYPE_UINT64: return ra->GetUInt64(*a, kf) < ra->GetUInt64(*c, kf);
        default: return ra->GetString(*a, kf) < ra->GetString(*c, kf);
      }
    };
    std::stable_sort(entries.begin(), entries.end(), key_less);
    ARROW_RETURN_NOT_OK(map->Append());
    for (const pb::Message* e : entries) {
      ARROW_RETURN_NOT_OK(AppendOne(*e, kf, -1, map->key_builder(), depth + 1, groups));
      ARROW_RETURN_NOT_OK(AppendOne(*e, vf, -1, map->item_builder(), depth + 1, groups));
    }
    return Status::OK();
  }
  if (f->is_repeated()) {
    auto* list = static_cast<arrow::ListBuilder*>(b);
    ARROW_RETURN_NOT_OK(list->Append());
    for (int i = 0; i < r->FieldSize(m, f); ++i) ARROW_RETURN_NOT_OK(AppendOne(m, f, i, list->value_builder(), depth, groups));
    return Status::OK();
  }
  return AppendOne(m, f, -1, b, depth, groups);
}

bool IsSet(const pb::Message& m, const pb::FieldDescriptor* f) {
  const pb::Reflection* r = m.GetReflection();
  return f->is_repeated() ? r->FieldSize(m, f) > 0 : r->HasField(m, f);
}

Status AppendMessage(const pb::Message& m, arrow::StructBuilder* b, int depth, Groups& groups) {
  if (depth > kMaxDepth) return InvalidArgument("message nests too deep");
  int i = 0;
  for (const Grouped& g : groups.Of(m.GetDescriptor())) {
    arrow::ArrayBuilder* fb = b->field_builder(i++);
    if (g.field) {
      const pb::FieldDescriptor* f = g.field;
      if (IsSet(m, f)) {
        ARROW_RETURN_NOT_OK(AppendField(m, f, fb, depth, groups));
      } else if (f->has_presence() || f->is_map() || f->is_repeated()) {
        ARROW_RETURN_NOT_OK(AppendNull(fb));
      } else {
        ARROW_RETURN_NOT_OK(AppendOne(m, f, -1, fb, depth, groups));  // reflection gives the default
      }
      continue;
    }
    auto* group = static_cast<arrow::StructBuilder*>(fb);
    bool any = false;
    for (int v = 0; v < g.oneof->field_count(); ++v) {
      const pb::FieldDescriptor* f = g.oneof->field(v);
      if (IsSet(m, f)) {
        ARROW_RETURN_NOT_OK(AppendField(m, f, group->field_builder(v), depth, groups));
        any = true;
      } else {
        ARROW_RETURN_NOT_OK(AppendNull(group->field_builder(v)));
      }
    }
    ARROW_RETURN_NOT_OK(group->Append(any));
  }
  return b->Append();
}

class Parser : public MessageParser {
 public:
  Parser(std::shared_ptr<const ProtobufSchema> schema, const pb::Descriptor* type, const pb::Message* prototype,
         std::unique_ptr<arrow::ArrayBuilder> builder)
      : schema_(std::move(schema)), type_(type), message_(prototype->New()), builder_(std::move(builder)) {}

  Status Append(const Message& m, RowTimes* times) override {
    message_->Clear();
    if (!message_->ParseFromArray(m.data.data(), static_cast<int>(m.data.size()))) {
      return InvalidArgument("invalid message for schema {}: failed to decode Protobuf message", type_->full_name());
    }
    ARROW_RETURN_NOT_OK(CheckEnums(*message_, 0));
    ARROW_RETURN_NOT_OK(AppendMessage(*message_, static_cast<arrow::StructBuilder*>(builder_.get()), 0, groups_));
    times->Add(m);
    return Status::OK();
  }
  Result<std::vector<ParsedChunk>> Finish(RowTimes*) override {
    ARROW_ASSIGN_OR_RAISE(auto values, builder_->Finish());
    ARROW_ASSIGN_OR_RAISE(auto list, OnePerRow(values));  // one message per row
    std::vector<ParsedChunk> out(1);
    const std::string& name = type_->full_name();
    out[0].components.emplace_back(D(name, name + ":message", ""), std::move(list));
    return out;
  }

 private:
  std::shared_ptr<const ProtobufSchema> schema_;  // keeps the pool (and the prototype) alive
  const pb::Descriptor* type_;
  std::unique_ptr<pb::Message> message_;
  std::unique_ptr<arrow::ArrayBuilder> builder_;
  Groups groups_;
};

}  // namespace

Result<std::unique_ptr<MessageParser>> ProtobufParser(std::shared_ptr<const ProtobufSchema> schema,
                                                      const pb::Descriptor* type) {
  ARROW_ASSIGN_OR_RAISE(auto struct_type, StructType(type, 0));
  std::unique_ptr<arrow::ArrayBuilder> builder;
  ARROW_RETURN_NOT_OK(arrow::MakeBuilder(arrow::default_memory_pool(), struct_type, &builder));
  const pb::Message* prototype = schema->Prototype(type);
  if (!prototype) return InvalidArgument("no prototype for protobuf message {}", type->full_name());
  return std::make_unique<Parser>(std::move(schema), type, prototype, std::move(builder));
}

}  // namespace chunkhouse::mcap
