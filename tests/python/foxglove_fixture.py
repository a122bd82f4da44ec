"""MCAP files of Foxglove's protobuf schemas (foxglove-schemas-protobuf), for Rerun's `foxglove`
lenses: `write(path)` writes one message or more of each schema chunkhouse has a lens for;
`write_unsupported(path)` one whose lens chunkhouse does not have (foxglove.PointCloud)."""

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
from foxglove_schemas_protobuf.PosesInFrame_pb2 import PosesInFrame
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


def write_unsupported(path):
    with open(path, "wb") as fh:
        w = Writer(fh)
        w.write_message("/raw", _stamp(PointCloud(frame_id="lidar", point_stride=4, data=b"\x00\x00\x80\x3f"), T0),
                        log_time=T0, publish_time=T0)
        w.finish()
