"""MCAP files of Foxglove's protobuf schemas (foxglove-schemas-protobuf), for Rerun's `foxglove`
lenses: `write(path)` writes one message or more of each schema chunkhouse has a lens for;
`write_point_clouds(path)` point clouds and voxel grids (packed element fields)."""
import struct


from foxglove_schemas_protobuf.CameraCalibration_pb2 import CameraCalibration
from foxglove_schemas_protobuf.CompressedImage_pb2 import CompressedImage
from foxglove_schemas_protobuf.CompressedVideo_pb2 import CompressedVideo
from foxglove_schemas_protobuf.FrameTransform_pb2 import FrameTransform
from foxglove_schemas_protobuf.FrameTransforms_pb2 import FrameTransforms
from foxglove_schemas_protobuf.LocationFix_pb2 import LocationFix
from foxglove_schemas_protobuf.LocationFixes_pb2 import LocationFixes
from foxglove_schemas_protobuf.Log_pb2 import Log
from foxglove_schemas_protobuf.PoseInFrame_pb2 import PoseInFrame
from foxglove_schemas_protobuf.PointCloud_pb2 import PointCloud
from foxglove_schemas_protobuf.PackedElementField_pb2 import PackedElementField
from foxglove_schemas_protobuf.PosesInFrame_pb2 import PosesInFrame
from foxglove_schemas_protobuf.VoxelGrid_pb2 import VoxelGrid
from foxglove_schemas_protobuf.RawImage_pb2 import RawImage
from mcap_protobuf.writer import Writer

T0 = 1_700_000_000_000_000_000


def _stamp(msg, ns, field="timestamp"):
    getattr(msg, field).FromNanoseconds(ns)
    return msg


def _pose(x):
    return {"position": {"x": x, "y": 2.0, "z": 3.0}, "orientation": {"x": 0.0, "y": 0.0, "z": 0.3826834323650898,
                                                                        "w": 0.9238795325112867}}


def _transform(parent, child, x, ns):
    t = FrameTransform(parent_frame_id=parent, child_frame_id=child, translation={"x": x, "y": 0.5, "z": -1.0},
                       rotation={"x": 0.0, "y": 0.0, "z": 0.0, "w": 1.0})
    return _stamp(t, ns)


def _fix(ns, lat, frame="gps"):
    f = LocationFix(frame_id=frame, latitude=lat, longitude=13.4, altitude=34.0,
                    color={"r": 1.0, "g": 0.5, "b": 0.0, "a": 1.0})
    return _stamp(f, ns)


def write(path):
    with open(path, "wb") as fh:
        w = Writer(fh)
        for i, (level, text) in enumerate([(2, "hello"), (3, "careful"), (5, "boom"), (0, "what"), (4, "bad")]):
            w.write_message("/log", _stamp(Log(level=level, message=text, name="node", file="a.cc", line=i), T0 + i * 1000),
                            log_time=T0 + i, publish_time=T0 + i)
        for i in range(2):
            w.write_message("/tf", _transform("world", "base", float(i), T0 + 5000 - i), log_time=T0 + 10 + i,
                            publish_time=T0 + 10 + i)
            w.write_message("/tfs", FrameTransforms(transforms=[_transform("world", "a", 1.0, T0 + 300 + i),
                                                                _transform("a", "b", 2.0, T0 + 100 + i)]),
                            log_time=T0 + 20 + i, publish_time=T0 + 20 + i)
            w.write_message("/pose", _stamp(PoseInFrame(frame_id="map", pose=_pose(float(i))), T0 + 7 + i),
                            log_time=T0 + 30 + i, publish_time=T0 + 30 + i)
            w.write_message("/poses", _stamp(PosesInFrame(frame_id="map", poses=[_pose(1.0), _pose(-1.0)][: i + 1]),
                                             T0 + 8 + i), log_time=T0 + 40 + i, publish_time=T0 + 40 + i)
            w.write_message("/gps", _fix(T0 + 50 + i, 52.5 + i), log_time=T0 + 50 + i, publish_time=T0 + 50 + i)
            w.write_message("/fixes", LocationFixes(fixes=[_fix(T0 + 70, 1.0, "a"), _fix(T0 + 60 + i, 2.0, "")]),
                            log_time=T0 + 60 + i, publish_time=T0 + 60 + i)
            w.write_message("/camera/image", _stamp(CompressedImage(frame_id=["cam", ""][i], format=["jpeg", "png"][i],
                                                                    data=bytes([255, 216, i])), T0 + 80 + i),
                            log_time=T0 + 80 + i, publish_time=T0 + 80 + i)
            w.write_message("/camera/info", _stamp(CameraCalibration(frame_id="cam", width=640, height=480,
                                                                     K=[500.0, 0.0, 320.0, 0.0, 500.0, 240.0, 0.0, 0.0, 1.0]),
                                                   T0 + 90 + i), log_time=T0 + 90 + i, publish_time=T0 + 90 + i)
        # Raw images: packed rows, padded rows (step > row bytes), a blob longer than the image.
        for i, (enc, width, height, step, data) in enumerate([
                ("rgb8", 2, 2, 6, bytes(range(12))), ("mono16", 2, 2, 6, bytes(range(12))),
                ("mono8", 3, 1, 0, bytes(range(5))), ("32FC1", 1, 1, 4, b"\x00\x00\x80\x3f")]):
            w.write_message("/camera/raw", _stamp(RawImage(frame_id=["cam", ""][i % 2], width=width, height=height,
                                                           encoding=enc, step=step, data=data), T0 + 100 + i),
                            log_time=T0 + 100 + i, publish_time=T0 + 100 + i)
        for i, fmt in enumerate(["h264", "H265", "av1"]):
            w.write_message("/camera/video", _stamp(CompressedVideo(frame_id="cam", format=fmt, data=bytes([0, 0, 1, i])),
                                                    T0 + 110 + i), log_time=T0 + 110 + i, publish_time=T0 + 110 + i)
        w.finish()


def _field(name, offset, numeric_type):
    return PackedElementField(name=name, offset=offset, type=numeric_type)


def write_point_clouds(path):
    F32, U8, I16, F64, U16 = 7, 1, 4, 8, 3
    with open(path, "wb") as fh:
        w = Writer(fh)
        # xyz as float32 + rgba as uint8, a trailing partial point.
        data = b"".join(struct.pack("<fffBBBB", i, -i, 0.5 * i, 255, 128 * (i % 2), 0, 200) for i in range(3)) + b"\x01"
        pc = PointCloud(frame_id="lidar", point_stride=16, data=data, pose=_pose(1.0),
                        fields=[_field("x", 0, F32), _field("y", 4, F32), _field("z", 8, F32), _field("red", 12, U8),
                                _field("green", 13, U8), _field("blue", 14, U8), _field("alpha", 15, U8)])
        w.write_message("/cloud", _stamp(pc, T0), log_time=T0, publish_time=T0)
        # int16 xyz, float64 colours without alpha, no pose; a field past the point's end.
        data = b"".join(struct.pack("<hhhdddH", i, 2 * i, -3, 0.5, 2.0, -1.0, 7) for i in range(2))
        pc = PointCloud(frame_id="", point_stride=32, data=data,
                        fields=[_field("x", 0, I16), _field("y", 2, I16), _field("z", 4, I16), _field("red", 6, F64),
                                _field("green", 14, F64), _field("blue", 22, F64), _field("w", 31, U16)])
        w.write_message("/cloud", _stamp(pc, T0 + 1), log_time=T0 + 1, publish_time=T0 + 1)
        # no z: positions null; no stride.
        w.write_message("/cloud", _stamp(PointCloud(frame_id="lidar", point_stride=12, data=bytes(24),
                                                    fields=[_field("x", 0, F32), _field("y", 4, F32)]), T0 + 2),
                        log_time=T0 + 2, publish_time=T0 + 2)
        w.write_message("/cloud", _stamp(PointCloud(frame_id="lidar", point_stride=0, data=bytes(8),
                                                    fields=[_field("x", 0, F32)]), T0 + 3),
                        log_time=T0 + 3, publish_time=T0 + 3)
        # Voxel grids: 2 slices of 2x3 cells of one byte of colour each, padded rows.
        cells = bytes([10 * k for k in range(16)])
        vg = VoxelGrid(frame_id="map", row_count=2, column_count=3, cell_size={"x": 0.1, "y": 0.1, "z": 0.2},
                       slice_stride=8, row_stride=4, cell_stride=1, pose=_pose(0.0),
                       fields=[_field("red", 0, U8), _field("green", 0, U8), _field("blue", 0, U8)], data=cells)
        w.write_message("/voxels", _stamp(vg, T0 + 4), log_time=T0 + 4, publish_time=T0 + 4)
        vg = VoxelGrid(frame_id="map", row_count=1, column_count=2, cell_size={"x": 1, "y": 1, "z": 1}, slice_stride=0,
                       row_stride=2, cell_stride=1, data=b"\x01\x02")
        w.write_message("/voxels", _stamp(vg, T0 + 5), log_time=T0 + 5, publish_time=T0 + 5)
        w.finish()


def write_hostile(path):
    """Images whose claimed size is far beyond their bytes (Rerun's reader misbehaves on these)."""
    with open(path, "wb") as fh:
        w = Writer(fh)
        for i, (width, height, step) in enumerate([(4_000_000_000, 4_000_000_000, 4_000_000_000), (65536, 65536, 0)]):
            w.write_message("/camera/raw", _stamp(RawImage(frame_id="cam", width=width, height=height, encoding="rgba16",
                                                           step=step, data=bytes(16)), T0 + i),
                            log_time=T0 + i, publish_time=T0 + i)
        w.finish()


def write_bad_encoding(path):
    """A RawImage of an encoding Rerun does not know: its format and buffer columns fail, the rest stays."""
    with open(path, "wb") as fh:
        w = Writer(fh)
        w.write_message("/raw", _stamp(RawImage(frame_id="cam", width=1, height=1, encoding="bogus", step=1, data=b"x"),
                                       T0), log_time=T0, publish_time=T0)
        w.finish()
