"""An MCAP file of a protobuf message type with every kind of field Rerun's protobuf decoder
lays out (scalars of each width, bytes, an enum, a nested message, repeated scalars, messages
and enums, string- and int-keyed maps, a oneof, a proto3 optional), its descriptor built by hand
so no .proto compiler is needed. Usage: write(path)."""

from google.protobuf import descriptor_pb2, descriptor_pool, message_factory
from mcap_protobuf.writer import Writer
T0 = 1_700_000_000_000_000_000
fdp = descriptor_pb2.FileDescriptorProto(name="chunkhouse_test.proto", package="chtest", syntax="proto3")
color = fdp.enum_type.add(name="Color")
for i, n in enumerate(["RED", "GREEN", "BLUE"]):
    color.value.add(name=n, number=i)
inner = fdp.message_type.add(name="Inner")
F = descriptor_pb2.FieldDescriptorProto
inner.field.add(name="a", number=1, type=F.TYPE_INT32, label=F.LABEL_OPTIONAL)
inner.field.add(name="s", number=2, type=F.TYPE_STRING, label=F.LABEL_OPTIONAL)
t = fdp.message_type.add(name="Test")
def fld(name, num, typ, label=F.LABEL_OPTIONAL, type_name=None, oneof=None, proto3_optional=False):
    f = t.field.add(name=name, number=num, type=typ, label=label)
    if type_name: f.type_name = type_name
    if oneof is not None: f.oneof_index = oneof
    if proto3_optional: f.proto3_optional = True
    return f
fld("d", 1, F.TYPE_DOUBLE); fld("f", 2, F.TYPE_FLOAT); fld("i32", 3, F.TYPE_INT32); fld("i64", 4, F.TYPE_INT64)
fld("u32", 5, F.TYPE_UINT32); fld("u64", 6, F.TYPE_UINT64); fld("s32", 7, F.TYPE_SINT32); fld("fx64", 8, F.TYPE_FIXED64)
fld("b", 9, F.TYPE_BOOL); fld("s", 10, F.TYPE_STRING); fld("by", 11, F.TYPE_BYTES)
fld("color", 12, F.TYPE_ENUM, type_name=".chtest.Color"); fld("inner", 13, F.TYPE_MESSAGE, type_name=".chtest.Inner")
fld("ri", 14, F.TYPE_INT32, F.LABEL_REPEATED); fld("rinner", 15, F.TYPE_MESSAGE, F.LABEL_REPEATED, ".chtest.Inner")
# maps
for name, num, ktype, vtype, vname in [("m", 16, F.TYPE_STRING, F.TYPE_INT32, None), ("mi", 17, F.TYPE_INT32, F.TYPE_MESSAGE, ".chtest.Inner")]:
    entry = t.nested_type.add(name=name.capitalize() + "Entry")
    entry.options.map_entry = True
    entry.field.add(name="key", number=1, type=ktype, label=F.LABEL_OPTIONAL)
    v = entry.field.add(name="value", number=2, type=vtype, label=F.LABEL_OPTIONAL)
    if vname: v.type_name = vname
    fld(name, num, F.TYPE_MESSAGE, F.LABEL_REPEATED, f".chtest.Test.{name.capitalize()}Entry")
t.oneof_decl.add(name="choice")
fld("c_text", 18, F.TYPE_STRING, oneof=0); fld("c_num", 19, F.TYPE_INT32, oneof=0)
t.oneof_decl.add(name="_opt")
fld("opt", 20, F.TYPE_INT32, oneof=1, proto3_optional=True)
fld("rcolor", 21, F.TYPE_ENUM, F.LABEL_REPEATED, ".chtest.Color")
pool = descriptor_pool.DescriptorPool()
pool.Add(fdp)
Test = message_factory.GetMessageClass(pool.FindMessageTypeByName("chtest.Test"))
msgs = [
    Test(d=1.5, f=2.5, i32=-3, i64=-4, u32=5, u64=6, s32=-7, fx64=8, b=True, s="hi", by=b"\x00\x01", color=2,
         inner={"a": 1, "s": "x"}, ri=[1, 2, 3], rinner=[{"a": 2}, {"s": "y"}], m={"z": 1, "a": 2},
         mi={3: {"a": 3}, 1: {"a": 1}}, c_text="text", opt=0, rcolor=[1, 0]),
    Test(),
    Test(c_num=7, inner={}, s="only"),
]


def write(path):
    with open(path, "wb") as fh:
        w = Writer(fh)
        for i, m in enumerate(msgs):
            w.write_message(topic="/test", message=m, log_time=T0 + 10 * i, publish_time=T0 + 10 * i)
        w.finish()
