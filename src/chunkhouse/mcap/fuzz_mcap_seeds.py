"""Seeds for fuzz_mcap: small MCAP files written by the `mcap` library (unchunked, chunked with
zstd, lz4 and no compression, with schemas, channels, metadata and attachments), and one of
protobuf messages.
Usage: python fuzz_mcap_seeds.py OUTDIR"""

import sys
from pathlib import Path

from mcap.writer import CompressionType, Writer

out = Path(sys.argv[1])
out.mkdir(parents=True, exist_ok=True)
for name, chunked, compression in (("unchunked", False, CompressionType.NONE), ("zstd", True, CompressionType.ZSTD),
                                   ("lz4", True, CompressionType.LZ4), ("plain", True, CompressionType.NONE)):
    with open(out / f"{name}.mcap", "wb") as f:
        w = Writer(f, chunk_size=512, compression=compression, use_chunking=chunked)
        w.start(profile="ros2", library="seed")
        s = w.register_schema(name="std_msgs/msg/String", encoding="ros2msg", data=b"string data")
        a = w.register_channel(topic="/chatter", message_encoding="cdr", schema_id=s)
        b = w.register_channel(topic="/raw", message_encoding="json", schema_id=0, metadata={"k": "v"})
        for i in range(40):
            w.add_message(channel_id=a if i % 2 else b, log_time=i, publish_time=i, data=b"x" * (i % 9), sequence=i)
        w.add_metadata("m", {"a": "b"})
        w.add_attachment(create_time=0, log_time=0, name="n", media_type="text/plain", data=b"hi")
        w.finish()

# Protobuf: every kind of field Rerun's protobuf decoder lays out (tests/python/protobuf_fixture.py).
sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "tests" / "python"))
import protobuf_fixture  # noqa: E402

protobuf_fixture.write(str(out / "protobuf.mcap"))

# A robot description (the `urdf` decoder): a small robot on /robot_description.
import urdf_fixture  # noqa: E402

urdf_fixture._write(str(out / "urdf.mcap"), 0, ["<robot name='r'><material name='m'><color rgba='1 0 0 1'/></material>"
                                                "<link name='a'><visual><geometry><box size='1 2 3'/></geometry>"
                                                "<material name='m'/></visual><collision><geometry><sphere radius='1'/>"
                                                "</geometry></collision></link><link name='b'/><joint name='j' "
                                                "type='fixed'><origin rpy='0 0 1'/><parent link='a'/><child link='b'/>"
                                                "</joint></robot>"])
