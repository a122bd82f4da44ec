"""Seeds for fuzz_ros2: every channel of the ROS 2 test fixtures (tests/python/ros2_fixtures.py),
as its definition with its messages (the reflection path) and, for the types Rerun's ros2msg
decoder converts, as that type's index with its messages (the semantic path).
Usage: python fuzz_ros2_seeds.py OUTDIR"""

import struct
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "tests" / "python"))
import ros2_fixtures  # noqa: E402
from mcap.reader import make_reader  # noqa: E402

SEMANTIC = sorted([
    "sensor_msgs/msg/BatteryState", "sensor_msgs/msg/CompressedImage", "sensor_msgs/msg/FluidPressure",
    "sensor_msgs/msg/Illuminance", "sensor_msgs/msg/Image", "sensor_msgs/msg/Imu", "sensor_msgs/msg/JointState",
    "sensor_msgs/msg/Joy", "sensor_msgs/msg/NavSatFix", "sensor_msgs/msg/PointCloud2", "sensor_msgs/msg/Range",
    "sensor_msgs/msg/RelativeHumidity", "sensor_msgs/msg/Temperature", "std_msgs/msg/Float64Array",
    "std_msgs/msg/Float64MultiArray", "tf2_msgs/msg/TFMessage"])


def framed(payloads):
    return b"".join(struct.pack("<H", len(p)) + p for p in payloads if len(p) < 65536)


out = Path(sys.argv[1])
out.mkdir(parents=True, exist_ok=True)
with tempfile.TemporaryDirectory() as tmp:
    ros2_fixtures.write_all(tmp)
    n = 0
    for f in sorted(Path(tmp).glob("*.mcap")):
        if f.name.startswith("panic_"):
            continue
        by_channel = {}
        with open(f, "rb") as fh:
            for schema, channel, message in make_reader(fh).iter_messages():
                by_channel.setdefault(channel.id, (schema, []))[1].append(message.data)
        for schema, payloads in by_channel.values():
            if schema is None or schema.encoding != "ros2msg":
                continue
            n += 1
            text = schema.data[:65535]
            (out / f"reflect_{n}").write_bytes(b"\x00" + struct.pack("<H", len(text)) + text + framed(payloads[:4]))
            if schema.name in SEMANTIC:
                (out / f"semantic_{n}").write_bytes(b"\x01" + bytes([SEMANTIC.index(schema.name)]) + framed(payloads[:4]))
