#!/usr/bin/env python3
"""Write small ROS 2 MCAP fixtures for checking the `ros2msg` decoders and ROS 2 lenses of rerun-sdk 0.36.2.

Write the files (needs `mcap` + `mcap-ros2-support`, i.e. /work/main/.venv):
    /work/main/.venv/bin/python tests/python/ros2_fixtures.py OUTDIR

Print what rerun 0.36.2 makes of them (needs rerun-sdk, i.e. /work/main/.venv-rerun):
    /work/main/.venv-rerun/bin/python tests/python/ros2_fixtures.py --dump OUTDIR [file.mcap ...] [--decoders=ros2msg,raw]
(`panic_*.mcap` files are skipped unless named explicitly: they abort the rerun process.)

Every schema is written as a full ROS 2 `.msg` text, followed by one `====...` / `MSG: pkg/Name` section per
(transitive) dependency, exactly as `ros2 bag record` does.  All timestamps: log_time = T0 + k*1000 + topic_index,
publish_time = log_time + 7, header.stamp = (100 + k, 5) unless stated otherwise.
"""
import os
import re
import struct
import sys

T0 = 1_700_000_000_000_000_000
SEP = "=" * 80 + "\n"

# --------------------------------------------------------------------------------------------------
# Message definitions (main text only; dependencies are appended automatically).
# --------------------------------------------------------------------------------------------------
MSGS = {
    "builtin_interfaces/Time": "int32 sec\nuint32 nanosec\n",
    "std_msgs/Header": "builtin_interfaces/Time stamp\nstring frame_id\n",
    "std_msgs/String": "string data\n",
    "std_msgs/MultiArrayDimension": "string label\nuint32 size\nuint32 stride\n",
    "std_msgs/MultiArrayLayout": "std_msgs/MultiArrayDimension[] dim\nuint32 data_offset\n",
    "std_msgs/Float64MultiArray": "std_msgs/MultiArrayLayout layout\nfloat64[] data\n",
    # Not a real ROS message; rerun registers a parser for it anyway (layout-free float64[]).
    "std_msgs/Float64Array": "float64[] data\n",
    "geometry_msgs/Vector3": "float64 x\nfloat64 y\nfloat64 z\n",
    "geometry_msgs/Point": "float64 x\nfloat64 y\nfloat64 z\n",
    "geometry_msgs/Point32": "float32 x\nfloat32 y\nfloat32 z\n",
    "geometry_msgs/Quaternion": "float64 x 0\nfloat64 y 0\nfloat64 z 0\nfloat64 w 1\n",
    "geometry_msgs/Pose": "geometry_msgs/Point position\ngeometry_msgs/Quaternion orientation\n",
    "geometry_msgs/PoseStamped": "std_msgs/Header header\ngeometry_msgs/Pose pose\n",
    "geometry_msgs/Transform": "geometry_msgs/Vector3 translation\ngeometry_msgs/Quaternion rotation\n",
    "geometry_msgs/TransformStamped": (
        "std_msgs/Header header\nstring child_frame_id\ngeometry_msgs/Transform transform\n"
    ),
    "tf2_msgs/TFMessage": "geometry_msgs/TransformStamped[] transforms\n",
    "sensor_msgs/Imu": (
        "std_msgs/Header header\n"
        "geometry_msgs/Quaternion orientation\nfloat64[9] orientation_covariance\n"
        "geometry_msgs/Vector3 angular_velocity\nfloat64[9] angular_velocity_covariance\n"
        "geometry_msgs/Vector3 linear_acceleration\nfloat64[9] linear_acceleration_covariance\n"
    ),
    "sensor_msgs/JointState": (
        "std_msgs/Header header\nstring[] name\nfloat64[] position\nfloat64[] velocity\nfloat64[] effort\n"
    ),
    "sensor_msgs/Joy": "std_msgs/Header header\nfloat32[] axes\nint32[] buttons\n",
    "sensor_msgs/Temperature": "std_msgs/Header header\nfloat64 temperature\nfloat64 variance\n",
    "sensor_msgs/FluidPressure": "std_msgs/Header header\nfloat64 fluid_pressure\nfloat64 variance\n",
    "sensor_msgs/Illuminance": "std_msgs/Header header\nfloat64 illuminance\nfloat64 variance\n",
    "sensor_msgs/RelativeHumidity": "std_msgs/Header header\nfloat64 relative_humidity\nfloat64 variance\n",
    "sensor_msgs/Range": (
        "uint8 ULTRASOUND=0\nuint8 INFRARED=1\n"
        "std_msgs/Header header\nuint8 radiation_type\nfloat32 field_of_view\n"
        "float32 min_range\nfloat32 max_range\nfloat32 range\n"
    ),
    "sensor_msgs/BatteryState": (
        "uint8 POWER_SUPPLY_STATUS_UNKNOWN = 0\nuint8 POWER_SUPPLY_STATUS_CHARGING = 1\n"
        "uint8 POWER_SUPPLY_STATUS_DISCHARGING = 2\nuint8 POWER_SUPPLY_STATUS_NOT_CHARGING = 3\n"
        "uint8 POWER_SUPPLY_STATUS_FULL = 4\n"
        "std_msgs/Header header\nfloat32 voltage\nfloat32 temperature\nfloat32 current\nfloat32 charge\n"
        "float32 capacity\nfloat32 design_capacity\nfloat32 percentage\nuint8 power_supply_status\n"
        "uint8 power_supply_health\nuint8 power_supply_technology\nbool present\nfloat32[] cell_voltage\n"
        "float32[] cell_temperature\nstring location\nstring serial_number\n"
    ),
    "sensor_msgs/NavSatStatus": (
        "int8 STATUS_NO_FIX = -1\nint8 STATUS_FIX = 0\nint8 STATUS_SBAS_FIX = 1\nint8 STATUS_GBAS_FIX = 2\n"
        "int8 status\nuint16 SERVICE_GPS = 1\nuint16 SERVICE_GLONASS = 2\nuint16 SERVICE_COMPASS = 4\n"
        "uint16 SERVICE_GALILEO = 8\nuint16 service\n"
    ),
    "sensor_msgs/NavSatFix": (
        "std_msgs/Header header\nsensor_msgs/NavSatStatus status\nfloat64 latitude\nfloat64 longitude\n"
        "float64 altitude\nfloat64[9] position_covariance\nuint8 COVARIANCE_TYPE_UNKNOWN = 0\n"
        "uint8 COVARIANCE_TYPE_APPROXIMATED = 1\nuint8 COVARIANCE_TYPE_DIAGONAL_KNOWN = 2\n"
        "uint8 COVARIANCE_TYPE_KNOWN = 3\nuint8 position_covariance_type\n"
    ),
    "sensor_msgs/Image": (
        "std_msgs/Header header\nuint32 height\nuint32 width\nstring encoding\nuint8 is_bigendian\n"
        "uint32 step\nuint8[] data\n"
    ),
    "sensor_msgs/CompressedImage": "std_msgs/Header header\nstring format\nuint8[] data\n",
    "sensor_msgs/PointField": (
        "uint8 INT8    = 1\nuint8 UINT8   = 2\nuint8 INT16   = 3\nuint8 UINT16  = 4\nuint8 INT32   = 5\n"
        "uint8 UINT32  = 6\nuint8 FLOAT32 = 7\nuint8 FLOAT64 = 8\n"
        "string name\nuint32 offset\nuint8 datatype\nuint32 count\n"
    ),
    "sensor_msgs/PointCloud2": (
        "std_msgs/Header header\nuint32 height\nuint32 width\nsensor_msgs/PointField[] fields\n"
        "bool is_bigendian\nuint32 point_step\nuint32 row_step\nuint8[] data\nbool is_dense\n"
    ),
    "sensor_msgs/RegionOfInterest": (
        "uint32 x_offset\nuint32 y_offset\nuint32 height\nuint32 width\nbool do_rectify\n"
    ),
    "sensor_msgs/CameraInfo": (
        "std_msgs/Header header\nuint32 height\nuint32 width\nstring distortion_model\nfloat64[] d\n"
        "float64[9] k\nfloat64[9] r\nfloat64[12] p\nuint32 binning_x\nuint32 binning_y\n"
        "sensor_msgs/RegionOfInterest roi\n"
    ),
    "sensor_msgs/MagneticField": (
        "std_msgs/Header header\ngeometry_msgs/Vector3 magnetic_field\nfloat64[9] magnetic_field_covariance\n"
    ),
    "rcl_interfaces/Log": (
        "byte DEBUG=10\nbyte INFO=20\nbyte WARN=30\nbyte ERROR=40\nbyte FATAL=50\n"
        "builtin_interfaces/Time stamp\nuint8 level\nstring name\nstring msg\nstring file\n"
        "string function\nuint32 line\n"
    ),
    "nav_msgs/MapMetaData": (
        "builtin_interfaces/Time map_load_time\nfloat32 resolution\nuint32 width\nuint32 height\n"
        "geometry_msgs/Pose origin\n"
    ),
    "nav_msgs/OccupancyGrid": "std_msgs/Header header\nnav_msgs/MapMetaData info\nint8[] data\n",
    "nav2_msgs/VoxelGrid": (
        "std_msgs/Header header\nuint32[] data\ngeometry_msgs/Point32 origin\ngeometry_msgs/Vector3 resolutions\n"
        "uint32 size_x\nuint32 size_y\nuint32 size_z\n"
    ),
}


def _deps(name, seen):
    for line in MSGS[name].splitlines():
        line = line.split("#")[0].strip()
        if not line:
            continue
        typ = re.sub(r"\[.*\]$", "", line.split()[0])
        if "/" in typ and typ not in seen:
            seen.append(typ)
            _deps(typ, seen)
    return seen


def full_def(name):
    """`pkg/Name` -> complete schema text with dependency sections."""
    text = MSGS[name]
    for dep in _deps(name, []):
        text += SEP + f"MSG: {dep}\n" + MSGS[dep]
    return text


def schema_name(name):
    pkg, typ = name.split("/")
    return f"{pkg}/msg/{typ}"


# --------------------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------------------
def hdr(sec, nsec=5, frame="base"):
    return {"stamp": {"sec": sec, "nanosec": nsec}, "frame_id": frame}


def v3(x, y, z):
    return {"x": x, "y": y, "z": z}


def quat(x, y, z, w):
    return {"x": x, "y": y, "z": z, "w": w}


class Bag:
    def __init__(self, path, chunk_size=1 << 20):
        from mcap.writer import CompressionType, Writer
        from mcap_ros2._dynamic import serialize_dynamic

        self._ser = serialize_dynamic
        self.w = Writer(path, chunk_size=chunk_size, compression=CompressionType.NONE)
        self.w.start(profile="ros2", library="ros2msg_fixtures")
        self.schemas, self.enc, self.chans = {}, {}, {}

    def chan(self, topic, name):
        if name not in self.schemas:
            text = full_def(name)
            self.schemas[name] = self.w.register_schema(schema_name(name), "ros2msg", text.encode())
            self.enc[name] = self._ser(schema_name(name), text)[schema_name(name)]
        if topic not in self.chans:
            self.chans[topic] = (self.w.register_channel(topic, "cdr", self.schemas[name]), name, len(self.chans))
        return self.chans[topic]

    def add(self, topic, name, k, msg=None, raw=None, log_time=None):
        cid, name, idx = self.chan(topic, name)
        lt = T0 + k * 1000 + idx if log_time is None else log_time
        data = raw if raw is not None else self.enc[name](msg)
        self.w.add_message(cid, log_time=lt, publish_time=lt + 7, data=data)

    def close(self):
        self.w.finish()


def imu(k, **over):
    m = {
        "header": hdr(100 + k, frame="imu_link"),
        "orientation": quat(0.0, 0.0, 0.1 * k, 1.0),
        "orientation_covariance": [0.0] * 9,
        "angular_velocity": v3(0.1 * k, 0.2, 0.3),
        "angular_velocity_covariance": [0.0] * 9,
        "linear_acceleration": v3(1.0, 2.0, 9.81),
        "linear_acceleration_covariance": [0.0] * 9,
    }
    m.update(over)
    return m


def image(k, enc, w, h, step, data, frame="cam"):
    return {"header": hdr(100 + k, frame=frame), "height": h, "width": w, "encoding": enc, "is_bigendian": 0,
            "step": step, "data": data}


def pf(name, offset, datatype, count=1):
    return {"name": name, "offset": offset, "datatype": datatype, "count": count}


def cloud(k, fields, point_step, data, width, big=False, frame="lidar"):
    return {"header": hdr(100 + k, frame=frame), "height": 1, "width": width, "fields": fields,
            "is_bigendian": big, "point_step": point_step, "row_step": point_step * width, "data": data,
            "is_dense": True}


# --------------------------------------------------------------------------------------------------
# Fixtures
# --------------------------------------------------------------------------------------------------
def write_all(out):
    os.makedirs(out, exist_ok=True)
    p = lambda n: os.path.join(out, n)

    # -- Imu (+ NaN, + negative stamp on a separate topic) -----------------------------------------
    b = Bag(p("imu.mcap"))
    for k in range(3):
        b.add("/imu", "sensor_msgs/Imu", k, imu(k))
    b.add("/imu_nan", "sensor_msgs/Imu", 0, imu(0, angular_velocity=v3(float("nan"), 0.0, float("inf"))))
    b.add("/imu_negstamp", "sensor_msgs/Imu", 0, imu(0, header=hdr(-1, 0, "x")))
    b.close()

    # -- Imu across 3 MCAP chunks, plus a garbage payload ----------------------------------------
    b = Bag(p("imu_chunks.mcap"), chunk_size=1)  # one MCAP chunk per message
    for k in range(3):
        b.add("/imu", "sensor_msgs/Imu", k, imu(k))
    b.close()
    b = Bag(p("imu_bad.mcap"))
    b.add("/imu", "sensor_msgs/Imu", 0, imu(0))
    b.add("/imu", "sensor_msgs/Imu", 1, raw=b"\x00\x01\x00\x00\x01\x02")  # truncated CDR
    b.add("/imu", "sensor_msgs/Imu", 2, imu(2))
    b.add("/imu_allbad", "sensor_msgs/Imu", 0, raw=b"\x00\x01\x00\x00")
    b.close()

    # -- JointState -------------------------------------------------------------------------------
    b = Bag(p("joint_state.mcap"))
    b.add("/joints", "sensor_msgs/JointState", 0, {"header": hdr(100, frame="base"), "name": ["j1", "j2"],
                                                   "position": [0.1, 0.2], "velocity": [], "effort": [1.0, 2.0]})
    b.add("/joints", "sensor_msgs/JointState", 1, {"header": hdr(101, frame=""), "name": ["j1", "j2", "j3"],
                                                   "position": [1.0], "velocity": [3.0, 4.0, 5.0], "effort": []})
    b.close()

    # -- Scalar messages ----------------------------------------------------------------------------
    b = Bag(p("scalars.mcap"))
    for k in range(2):
        h = hdr(100 + k, frame="s")
        b.add("/temperature", "sensor_msgs/Temperature", k, {"header": h, "temperature": 20.5 + k, "variance": 0.1})
        b.add("/pressure", "sensor_msgs/FluidPressure", k, {"header": h, "fluid_pressure": 101325.0, "variance": 2.0})
        b.add("/illuminance", "sensor_msgs/Illuminance", k, {"header": h, "illuminance": 300.0, "variance": 0.5})
        b.add("/humidity", "sensor_msgs/RelativeHumidity", k, {"header": h, "relative_humidity": 0.45,
                                                               "variance": 0.01})
        b.add("/range", "sensor_msgs/Range", k, {"header": h, "radiation_type": 7, "field_of_view": 0.5,
                                                 "min_range": 0.1, "max_range": 4.0, "range": 1.25 + k})
        b.add("/battery", "sensor_msgs/BatteryState", k, {
            "header": h, "voltage": 12.5, "temperature": float("nan"), "current": -1.5, "charge": 3.3,
            "capacity": 5.0, "design_capacity": 5.5, "percentage": 0.66, "power_supply_status": 2,
            "power_supply_health": 99, "power_supply_technology": 2, "present": True,
            "cell_voltage": [4.1, 4.2, 4.2], "cell_temperature": [], "location": "slot0", "serial_number": "SN1"})
    b.close()

    # -- NavSatFix ----------------------------------------------------------------------------------
    b = Bag(p("navsatfix.mcap"))
    for k in range(2):
        b.add("/gps", "sensor_msgs/NavSatFix", k, {
            "header": hdr(100 + k, frame="gps"), "status": {"status": -2 + 3 * k, "service": 3},
            "latitude": 47.3769 + k, "longitude": 8.5417, "altitude": 408.0 + k,
            "position_covariance": [0.0] * 9, "position_covariance_type": 9})
    b.close()

    # -- Image --------------------------------------------------------------------------------------
    b = Bag(p("image.mcap"))
    cases = [  # (topic, encoding, width, height, bytes_per_pixel)
        ("/img/rgb8", "rgb8", 2, 2, 3), ("/img/bgr8", "bgr8", 2, 2, 3), ("/img/rgba8", "rgba8", 2, 1, 4),
        ("/img/bgra8", "bgra8", 2, 1, 4), ("/img/rgb16", "rgb16", 1, 1, 6), ("/img/bgr16", "bgr16", 1, 1, 6),
        ("/img/rgba16", "rgba16", 1, 1, 8), ("/img/bgra16", "bgra16", 1, 1, 8),
        ("/img/mono8", "mono8", 2, 2, 1), ("/img/mono16", "mono16", 2, 1, 2),
        ("/img/8UC1", "8UC1", 2, 1, 1), ("/img/8SC1", "8SC1", 2, 1, 1), ("/img/8UC3", "8UC3", 1, 1, 3),
        ("/img/16UC1", "16UC1", 2, 1, 2), ("/img/16SC1", "16SC1", 2, 1, 2), ("/img/32SC1", "32SC1", 1, 1, 4),
        ("/img/32FC1", "32FC1", 2, 1, 4), ("/img/64FC1", "64FC1", 1, 1, 8),
        ("/img/yuyv", "yuyv", 2, 1, 2), ("/img/yuv422_yuy2", "yuv422_yuy2", 2, 1, 2),
        ("/img/nv12", "nv12", 2, 2, 1.5),
        ("/img/yuv422", "yuv422", 2, 1, 2), ("/img/bayer", "bayer_rggb8", 2, 2, 1),
        ("/img/RGB8", "RGB8", 1, 1, 3), ("/img/unknown", "foo", 1, 1, 1),
    ]
    for topic, enc, w, h, bpp in cases:
        n = int(w * h * bpp)
        b.add(topic, "sensor_msgs/Image", 0, image(0, enc, w, h, int(w * bpp), bytes(range(n))))
    # mixed color/depth on one topic: the LAST message decides the archetype for the whole chunk
    b.add("/img/mixed", "sensor_msgs/Image", 0, image(0, "rgb8", 1, 1, 3, b"\x01\x02\x03"))
    b.add("/img/mixed", "sensor_msgs/Image", 1, image(1, "mono8", 1, 1, 1, b"\x09", frame=""))
    # good + unsupported in one chunk
    b.add("/img/good_bad", "sensor_msgs/Image", 0, image(0, "rgb8", 1, 1, 3, b"\x01\x02\x03"))
    b.add("/img/good_bad", "sensor_msgs/Image", 1, image(1, "bayer_rggb8", 1, 1, 1, b"\x01"))
    b.close()

    # -- CompressedImage ----------------------------------------------------------------------------
    b = Bag(p("compressed.mcap"))
    jpeg = bytes([0xFF, 0xD8, 0xFF, 0xE0]) + b"fakejpeg"
    png = b"\x89PNG\r\n\x1a\n" + b"fakepng"
    for topic, fmt, data in [("/c/jpeg", "jpeg", jpeg), ("/c/png", "png", png),
                             ("/c/rgb8_jpeg", "rgb8; jpeg compressed bgr8", jpeg), ("/c/weird", "webp", b"RIFF"),
                             ("/c/h264", "h264", b"\x00\x00\x00\x01\x67"), ("/c/H264", "H264", b"\x00\x00\x01\x65"),
                             ("/c/rvl", "16UC1; compressedDepth rvl", b"\x01\x02\x03\x04"),
                             ("/c/depth_png", "16UC1; compressedDepth png", png)]:
        b.add(topic, "sensor_msgs/CompressedImage", 0, {"header": hdr(100, frame="cam"), "format": fmt, "data": data})
        b.add(topic, "sensor_msgs/CompressedImage", 1, {"header": hdr(101, frame=""), "format": fmt, "data": data})
    b.add("/c/mixed", "sensor_msgs/CompressedImage", 0, {"header": hdr(100), "format": "jpeg", "data": jpeg})
    b.add("/c/mixed", "sensor_msgs/CompressedImage", 1, {"header": hdr(101), "format": "h264", "data": b"\x00"})
    b.close()

    # -- PointCloud2 --------------------------------------------------------------------------------
    b = Bag(p("pointcloud.mcap"))
    # xyz float32 + rgb (float32-packed) + intensity float32, 2 points, little endian
    fields = [pf("x", 0, 7), pf("y", 4, 7), pf("z", 8, 7), pf("rgb", 12, 7), pf("intensity", 16, 7)]
    rgb = struct.unpack("<f", struct.pack("<I", 0x00FF8040))[0]
    data = struct.pack("<5f", 1.0, 2.0, 3.0, rgb, 0.5) + struct.pack("<5f", 4.0, 5.0, 6.0, rgb, 0.75)
    b.add("/pc/xyzrgbi", "sensor_msgs/PointCloud2", 0, cloud(0, fields, 20, data, 2))
    b.add("/pc/xyzrgbi", "sensor_msgs/PointCloud2", 1, cloud(1, fields, 20, data[:20], 1))
    # big-endian, mixed datatypes: x int16, y uint16, z float64, ring uint8, t uint32; trailing pad
    fields = [pf("x", 0, 3), pf("y", 2, 4), pf("z", 4, 8), pf("ring", 12, 2), pf("t", 13, 6)]
    data = struct.pack(">hHdBI", -3, 7, 1.5, 9, 123456) + b"\x00" * 3  # point_step 20
    b.add("/pc/be", "sensor_msgs/PointCloud2", 0, cloud(0, fields, 20, data, 1, big=True))
    # no x/y/z at all -> no Points3D, no extra field columns
    fields = [pf("intensity", 0, 7)]
    b.add("/pc/noxyz", "sensor_msgs/PointCloud2", 0, cloud(0, fields, 4, struct.pack("<2f", 1.0, 2.0), 2))
    # empty placeholder (point_step 0) following a valid cloud
    fields = [pf("x", 0, 7), pf("y", 4, 7), pf("z", 8, 7)]
    b.add("/pc/empty", "sensor_msgs/PointCloud2", 0, cloud(0, fields, 12, struct.pack("<3f", 1, 2, 3), 1))
    b.add("/pc/empty", "sensor_msgs/PointCloud2", 1, {"header": hdr(101, frame="lidar"), "height": 0, "width": 0,
                                                      "fields": [], "is_bigendian": False, "point_step": 0,
                                                      "row_step": 0, "data": b"", "is_dense": False})
    # count=3 field and a trailing partial point (data not a multiple of point_step)
    fields = [pf("x", 0, 7), pf("y", 4, 7), pf("z", 8, 7), pf("n", 12, 7, count=3)]
    data = struct.pack("<6f", 1, 2, 3, 7, 8, 9) + struct.pack("<4f", 4, 5, 6, 10)
    b.add("/pc/partial", "sensor_msgs/PointCloud2", 0, cloud(0, fields, 24, data, 2))
    # the first message has no xyz, the second has xyz (timeline slice mismatch)
    fields_a = [pf("x", 0, 7), pf("y", 4, 7), pf("w", 8, 7)]
    fields_b = [pf("x", 0, 7), pf("y", 4, 7), pf("z", 8, 7)]
    b.add("/pc/late_xyz", "sensor_msgs/PointCloud2", 0, cloud(0, fields_a, 12, struct.pack("<3f", 1, 2, 3), 1))
    b.add("/pc/late_xyz", "sensor_msgs/PointCloud2", 1, cloud(1, fields_b, 12, struct.pack("<3f", 4, 5, 6), 1))
    b.close()

    # -- TFMessage ----------------------------------------------------------------------------------
    def ts(sec, parent, child, t, q):
        return {"header": hdr(sec, 0, parent), "child_frame_id": child,
                "transform": {"translation": v3(*t), "rotation": quat(*q)}}

    b = Bag(p("tf.mcap"))
    b.add("/tf", "tf2_msgs/TFMessage", 0, {"transforms": [ts(105, "map", "odom", (1, 2, 3), (0, 0, 0, 1)),
                                                          ts(100, "odom", "base", (0.1, 0.2, 0.3),
                                                             (0, 0, 0.7071067811865476, 0.7071067811865476))]})
    b.add("/tf", "tf2_msgs/TFMessage", 1, {"transforms": []})
    b.add("/tf", "tf2_msgs/TFMessage", 2, {"transforms": [ts(102, "map", "odom", (4, 5, 6), (0, 0, 0, 1))]})
    b.add("/tf_static", "tf2_msgs/TFMessage", 0, {"transforms": [ts(0, "base", "cam", (0, 0, 1), (0, 0, 0, 1)),
                                                                 ts(0, "base", "imu", (0, 1, 0), (0, 0, 0, 1))]})
    b.add("tf_static", "tf2_msgs/TFMessage", 0, {"transforms": [ts(0, "base", "lidar", (1, 0, 0), (0, 0, 0, 1))]})
    b.close()

    # -- Joy ------------------------------------------------------------------------------------------
    b = Bag(p("joy.mcap"))
    b.add("/joy", "sensor_msgs/Joy", 0, {"header": hdr(100, frame="js"), "axes": [0.5, -1.0], "buttons": [0, 1, 1]})
    b.add("/joy", "sensor_msgs/Joy", 1, {"header": hdr(101, frame="js"), "axes": [], "buttons": [2]})
    b.close()

    # -- Float64MultiArray / Float64Array --------------------------------------------------------------
    b = Bag(p("float64.mcap"))
    layout = {"dim": [{"label": "rows", "size": 2, "stride": 4}, {"label": "cols", "size": 2, "stride": 2}],
              "data_offset": 0}
    b.add("/fma", "std_msgs/Float64MultiArray", 0, {"layout": layout, "data": [1.0, 2.0, 3.0, 4.0]})
    b.add("/fma", "std_msgs/Float64MultiArray", 1, {"layout": {"dim": [], "data_offset": 0}, "data": []})
    b.add("/fa", "std_msgs/Float64Array", 0, {"data": [0.25, float("nan")]})
    b.close()

    # -- Lens inputs (ros2_reflection + ros2msg lenses) -------------------------------------------------
    b = Bag(p("lenses.mcap"))
    for k in range(2):
        b.add("/chatter", "std_msgs/String", k, {"data": f"hello {k}"})
        b.add("/pose", "geometry_msgs/PoseStamped", k, {
            "header": hdr(100 + k, frame="map"),
            "pose": {"position": {"x": 1.0 + k, "y": 0.5, "z": 1e-50},
                     "orientation": quat(0, 0, 0.3826834323650898, 0.9238795325112867)}})
        b.add("/camera/camera_info", "sensor_msgs/CameraInfo", k, {
            "header": hdr(100 + k, frame="cam_optical" if k == 0 else ""), "height": 480, "width": 640,
            "distortion_model": "plumb_bob", "d": [0.1, 0.0, 0.0, 0.0, 0.0],
            "k": [525.0, 0.0, 319.5, 0.0, 526.0, 239.5, 0.0, 0.0, 1.0], "r": [1.0, 0, 0, 0, 1.0, 0, 0, 0, 1.0],
            "p": [525.0, 0, 319.5, 0, 0, 526.0, 239.5, 0, 0, 0, 1.0, 0], "binning_x": 0, "binning_y": 0,
            "roi": {"x_offset": 0, "y_offset": 0, "height": 0, "width": 0, "do_rectify": False}})
        b.add("/rosout", "rcl_interfaces/Log", k, {
            "stamp": {"sec": 100 + k, "nanosec": 5}, "level": [10, 20, 30, 40, 50, 0][k * 3 % 6] if k else 20,
            "name": "demo.node", "msg": f"message {k}", "file": "node.cpp", "function": "tick", "line": 42 + k})
        b.add("/imu/mag", "sensor_msgs/MagneticField", k, {
            "header": hdr(100 + k, frame="imu_link"), "magnetic_field": v3(2.2e-5, 0.5, -4.4),
            "magnetic_field_covariance": [0.0] * 9})
        b.add("/map", "nav_msgs/OccupancyGrid", k, {
            "header": hdr(100 + k, frame="map"),
            "info": {"map_load_time": {"sec": 1, "nanosec": 2}, "resolution": 0.5, "width": 3, "height": 2,
                     "origin": {"position": v3(-1.0, -1.0, 0.0), "orientation": quat(0, 0, 0, 1)}},
            "data": [0, 100, -1, 50, 1, 2]})
        b.add("/voxel_grid", "nav2_msgs/VoxelGrid", k, {
            "header": hdr(100 + k, frame="map"),
            # column (x=0,y=0): z0 free(00), z1 marked(11), z2 unknown(01); column (x=1,y=0): all free
            "data": [(1 << 1) | (1 << 17) | (1 << 2), 0], "origin": v3(1.0, 2.0, 3.0),
            "resolutions": v3(0.5, 0.5, 0.25), "size_x": 2, "size_y": 1, "size_z": 3})
    # A log with unknown level and one more rcl level, to show the color/level mapping
    for k, lvl in enumerate([10, 30, 40, 50, 7]):
        b.add("/rosout_levels", "rcl_interfaces/Log", k, {
            "stamp": {"sec": 200 + k, "nanosec": 0}, "level": lvl, "name": "n", "msg": "m", "file": "f",
            "function": "g", "line": k})
    # Occupancy grid whose data length does not match width*height
    b.add("/map_bad", "nav_msgs/OccupancyGrid", 0, {
        "header": hdr(100, frame="map"),
        "info": {"map_load_time": {"sec": 0, "nanosec": 0}, "resolution": 1.0, "width": 2, "height": 2,
                 "origin": {"position": v3(0, 0, 0), "orientation": quat(0, 0, 0, 1)}},
        "data": [1, 2, 3]})
    b.close()

    # -- Edge cases ---------------------------------------------------------------------------------
    def temp_cdr(rep, frame, temp, align8):
        """Hand-made sensor_msgs/Temperature payload. rep: 2nd byte of the encapsulation header."""
        big = rep in (0x00, 0x10)
        e = ">" if big else "<"
        body = struct.pack(e + "iI", 100, 5) + struct.pack(e + "I", len(frame) + 1) + frame.encode() + b"\0"
        al = 8 if align8 else 4
        body += b"\0" * ((-len(body)) % al)
        body += struct.pack(e + "dd", temp, 0.5)
        return bytes([0, rep, 0, 0]) + body

    b = Bag(p("edge.mcap"))
    b.add("/temp_be", "sensor_msgs/Temperature", 0, raw=temp_cdr(0x00, "abcdef", 1.5, True))
    b.add("/temp_cdr2_al8", "sensor_msgs/Temperature", 0, raw=temp_cdr(0x11, "abcdef", 2.5, True))
    b.add("/temp_cdr2_al4", "sensor_msgs/Temperature", 0, raw=temp_cdr(0x11, "abcdef", 3.5, False))
    b.add("/temp_xml", "sensor_msgs/Temperature", 0, raw=temp_cdr(0x04, "abcdef", 3.5, True))
    # TFMessage topic whose only message has no transforms
    b.add("/tf_empty", "tf2_msgs/TFMessage", 0, {"transforms": []})
    # PointCloud2 with an invalid PointField datatype (9) -> message rejected by the decoder
    b.add("/pc_baddt", "sensor_msgs/PointCloud2", 0, cloud(0, [pf("x", 0, 9)], 4, b"\0\0\0\0", 1))
    b.add("/pc_baddt", "sensor_msgs/PointCloud2", 1, cloud(1, [pf("x", 0, 7), pf("y", 0, 7), pf("z", 0, 7)], 4,
                                                            struct.pack("<f", 1.0), 1))
    # PointCloud2 whose 2nd message changes the datatype of an extra field -> append fails half-way
    f1 = [pf("x", 0, 7), pf("y", 4, 7), pf("z", 8, 7), pf("i", 12, 7)]
    f2 = [pf("x", 0, 7), pf("y", 4, 7), pf("z", 8, 7), pf("i", 12, 2)]
    # Image whose data length does not match width*height*channels (no validation)
    b.add("/img_short", "sensor_msgs/Image", 0, image(0, "rgb8", 4, 4, 12, b"\x01\x02"))
    # Messages out of log_time order within one MCAP chunk
    b.add("/temp_order", "sensor_msgs/Temperature", 0, {"header": hdr(300), "temperature": 3.0, "variance": 0.0},
          log_time=T0 + 30)
    b.add("/temp_order", "sensor_msgs/Temperature", 0, {"header": hdr(100), "temperature": 1.0, "variance": 0.0},
          log_time=T0 + 10)
    # Reflection (lens input) with a negative header stamp: no ros2_timestamp cell for that row
    for k, sec in enumerate([-1, 100]):
        b.add("/pose_negstamp", "geometry_msgs/PoseStamped", k, {
            "header": hdr(sec, 0, "map"), "pose": {"position": v3(1, 2, 3), "orientation": quat(0, 0, 0, 1)}})
    b.add("/pose_negstamp_only", "geometry_msgs/PoseStamped", 0, {
        "header": hdr(-1, 0, "map"), "pose": {"position": v3(1, 2, 3), "orientation": quat(0, 0, 0, 1)}})
    b.close()

    # The reference implementation PANICS on this file (index out of bounds while sorting the misaligned
    # PointCloud2 chunk); the stream dies. Kept in its own file so that it does not hide anything else.
    b = Bag(p("panic_pc_dtchange.mcap"))
    b.add("/pc_dtchange", "sensor_msgs/PointCloud2", 0, cloud(0, f1, 16, struct.pack("<4f", 1, 2, 3, 4), 1))
    b.add("/pc_dtchange", "sensor_msgs/PointCloud2", 1, cloud(1, f2, 16, struct.pack("<4f", 1, 2, 3, 4), 1))
    b.close()


# --------------------------------------------------------------------------------------------------
# Dump (run with the rerun venv)
# --------------------------------------------------------------------------------------------------
def dump(out, files, decoders):
    import pyarrow as pa
    import rerun.experimental as rx

    files = files or sorted(f for f in os.listdir(out) if f.endswith(".mcap") and not f.startswith("panic_"))
    for f in files:
        print(f"\n##### {f}  decoders={decoders}")
        r = rx.McapReader(os.path.join(out, f), decoders=decoders)
        for c in r.stream():
            rb = c.to_record_batch()
            print(f"--- {c.entity_path} rows={c.num_rows} static={c.is_static}")
            for fld in rb.schema:
                if fld.name.startswith("rerun.controls"):
                    continue
                md = {k.decode(): v.decode() for k, v in (fld.metadata or {}).items()}
                col = rb.column(fld.name)
                if pa.types.is_timestamp(col.type) or pa.types.is_duration(col.type):
                    col = col.cast(pa.int64())
                    print(f"   [time] {fld.name} = {col.to_pylist()}")
                    continue
                tag = f"arch={md.get('rerun:archetype')} type={md.get('rerun:component_type')}"
                print(f"   {fld.name}: {fld.type}  ({tag})")
                print(f"      = {repr(col.to_pylist())[:400]}")


if __name__ == "__main__":
    args = sys.argv[1:]
    if args and args[0] == "--dump":
        decs = None
        rest = []
        for a in args[1:]:
            if a.startswith("--decoders="):
                decs = a.split("=", 1)[1].split(",")
            else:
                rest.append(a)
        dump(rest[0], rest[1:], decs)
    else:
        write_all(args[0] if args else "ros2msg_fixtures")
