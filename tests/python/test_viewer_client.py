"""ViewerClient and the error paths of the viewer protocol, against Rerun's binary and rerun-sdk.

Tables: ours and rerun-sdk's `send_table` go to one `rerun --serve-grpc`; ReadTables returns
both, equal to each other and to the batch sent. Errors (URL parsing of both parsers, unwritable
save paths, non-Chunk items, screenshots on a proxy) are compared with what rerun-sdk raises for
the same input. Screenshots need the headless viewer (Vulkan lavapipe).
"""

from __future__ import annotations

import json
import os
import re
import struct
import time
import uuid
import warnings
from pathlib import Path

import pyarrow as pa
import pytest

import chunkhouse as rr
from chunkhouse import _core
from chunkhouse.experimental import ViewerClient, send_chunks
from viewer_helpers import (
    accepts, free_port, reference_venv, rerun_binary, rerun_process, run_reference, wait_for, write_batch,
)

LAVAPIPE_ICDS = sorted(Path("/usr/share/vulkan/icd.d").glob("lvp_icd*.json"))


@pytest.fixture(scope="module")
def ref_venv() -> Path:
    return reference_venv()


@pytest.fixture(scope="module")
def rerun_bin(ref_venv) -> Path:
    return rerun_binary(ref_venv)


@pytest.fixture
def proxy(tmp_path, rerun_bin):
    """A `rerun --serve-grpc` on a free port: its URL."""
    port = free_port()
    with rerun_process(rerun_bin, ["--serve-grpc", "--port", str(port)], port, tmp_path / "proxy.log"):
        yield f"rerun+http://127.0.0.1:{port}/proxy"


def sample_batch() -> pa.RecordBatch:
    schema = pa.schema([
        pa.field("id", pa.int64(), nullable=False, metadata={"note": "the key"}),
        pa.field("name", pa.utf8()),
        pa.field("values", pa.list_(pa.float32())),
        pa.field("when", pa.timestamp("ns")),
    ], metadata={"table:source": "chunkhouse tests"})
    return pa.record_batch([
        pa.array([1, 2, 3], pa.int64()),
        pa.array(["a", None, "c"]),
        pa.array([[1.0, 2.0], None, []], pa.list_(pa.float32())),
        pa.array([0, 1_000_000_000, None], pa.timestamp("ns")),
    ], schema=schema)


SEND_TABLE_REFERENCE = """
import sys, json, pyarrow as pa
from rerun.experimental import ViewerClient
with pa.ipc.open_file(sys.argv[2]) as f:
    batch = f.get_batch(0)
client = ViewerClient.connect(sys.argv[1])
client.send_table("theirs", batch)
client.send_table("theirs_list", [batch, batch])
print(json.dumps({"ok": True}))
"""


def test_send_table_matches_rerun_sdk(tmp_path, proxy, ref_venv):
    batch = sample_batch()
    client = ViewerClient.connect(proxy)
    assert client.url == proxy
    client.send_table("ours", batch)
    client.send_table("ours_list", [batch, batch])
    run_reference(ref_venv, SEND_TABLE_REFERENCE, proxy, str(write_batch(batch, tmp_path / "batch.arrow")))
    tables = dict(_core.ViewerClientInternal.connect(proxy, 10.0).read_tables(4, 20.0))
    assert sorted(tables) == ["ours", "ours_list", "theirs", "theirs_list"]
    doubled = pa.concat_batches([batch, batch])
    assert tables["ours"].equals(batch, check_metadata=True)
    assert tables["theirs"].equals(tables["ours"], check_metadata=True)
    assert tables["ours_list"].equals(doubled, check_metadata=True)
    assert tables["theirs_list"].equals(tables["ours_list"], check_metadata=True)


ERRORS_REFERENCE = """
import sys, json, warnings
import rerun as rr
from rerun.experimental import ViewerClient, send_chunks
args = json.loads(sys.argv[1])

def outcome(f):
    try:
        f()
        return ["ok", ""]
    except Exception as e:
        return [type(e).__name__, str(e)]

rec = rr.RecordingStream("errors", recording_id="r")
out = {
    "connect_grpc": [outcome(lambda u=u: rec.connect_grpc(u)) for u in args["proxy_urls"]],
    "viewer": [outcome(lambda u=u: ViewerClient(u)) for u in args["origin_urls"]],
    "save": [outcome(lambda p=p: rec.save(p)) for p in args["save_paths"]],
    "items": [outcome(lambda i=i: send_chunks(i, recording=rec)) for i in (["x"], [1.5], 5, None)],
    "screenshot": outcome(lambda: ViewerClient.connect(args["proxy"]).save_screenshot("/tmp/x.png")),
}
print(json.dumps(out))
"""

# connect_grpc URLs rerun-sdk rejects (valid ones would make it wait ~5 s for a connection).
BAD_PROXY_URLS = [
    "http://127.0.0.1:9876/proxy", "", "not a url", "rerun+http://127.0.0.1:9876", "rerun+http://127.0.0.1:9876/",
    "rerun+http://127.0.0.1:9876/catalog", "rerun+http:///proxy", "rerun+http://127.0.0.1:9876/foo",
    "rerun+http://127.0.0.1:9876/proxy/extra", "rerun+http://127.0.0.1:99999/proxy", "rerun+http://[::1/proxy",
    "rerun+http://a b/proxy", "rerun+http://:80/proxy", "rerun+http://999.1.1.1/proxy", "grpc://127.0.0.1:9876/proxy",
    "rerun+http://127.0.0.1:9876/entry/zz", "rerun+http://127.0.0.1:9876/entry/" + "0" * 32,
    "rerun+http://127.0.0.1:9876/folder", "rerun+https://rerun.io:70000/proxy", "localhost:9876/catalog",
]


def test_errors_match_rerun_sdk(tmp_path, proxy, ref_venv):
    dead = free_port()
    origin_urls = ["http://x", "", "rerun+http://127.0.0.1:99999", "rerun://[::1", "rerun+http://:80",
                   "rerun+http://a b:1/", f"rerun+http://127.0.0.1:{dead}/proxy", f"rerun+http://localhost:{dead}",
                   f"127.0.0.1:{dead}"]
    save_paths = [str(tmp_path / "missing_dir" / "x.rrd"), str(tmp_path)]
    theirs = run_reference(ref_venv, ERRORS_REFERENCE, json.dumps(
        {"proxy_urls": BAD_PROXY_URLS, "origin_urls": origin_urls, "save_paths": save_paths, "proxy": proxy}))

    def outcome(f):
        try:
            f()
            return ["ok", ""]
        except Exception as e:  # noqa: BLE001
            return [e, str(e)]

    rec = rr.RecordingStream("errors", recording_id="r")
    ours = {
        "connect_grpc": [outcome(lambda u=u: rec.connect_grpc(u)) for u in BAD_PROXY_URLS],
        "viewer": [outcome(lambda u=u: ViewerClient(u)) for u in origin_urls],
        "save": [outcome(lambda p=p: rec.save(p)) for p in save_paths],
        "items": [outcome(lambda i=i: send_chunks(i, recording=rec)) for i in (["x"], [1.5], 5, None)],
        "screenshot": outcome(lambda: ViewerClient.connect(proxy).save_screenshot("/tmp/x.png")),
    }
    builtin = {"RuntimeError": RuntimeError, "ValueError": ValueError, "ConnectionError": ConnectionError,
               "TypeError": TypeError}
    for key in ("connect_grpc", "viewer", "save", "items"):
        assert len(ours[key]) == len(theirs[key]) > 0, key
        for (our_err, our_text), (their_type, their_text) in zip(ours[key], theirs[key]):
            assert their_type != "ok", (key, their_text)
            assert isinstance(our_err, builtin[their_type]), (key, their_type, our_text)
            assert our_text == their_text, key
    # The server's metadata differs call to call (a date): compare the summary line.
    our_err, our_text = ours["screenshot"]
    assert isinstance(our_err, ConnectionError)
    assert our_text.splitlines()[0] == theirs["screenshot"][1].splitlines()[0] == \
        "gRPC error (Operation is not implemented or not supported)"
    assert "\nDetails: metadata: {" in our_text


def test_proxy_url_defaults():
    """Facts from notes/viewer_protocol.md §3: ports by host, 0.0.0.0 dialed as 127.0.0.1, the
    schemes, no scheme for localhost, a '+' turned into a space."""
    assert _core.parse_proxy_url("127.0.0.1:9876/proxy") == "rerun+http://127.0.0.1:9876/proxy"
    assert _core.parse_proxy_url("rerun+http://localhost/proxy") == "rerun+http://localhost:9876/proxy"
    assert _core.parse_proxy_url("rerun+http://0.0.0.0:1234/proxy/") == "rerun+http://127.0.0.1:1234/proxy"
    assert _core.parse_proxy_url("rerun+http://example.com/proxy") == "rerun+http://example.com:80/proxy"
    assert _core.parse_proxy_url("rerun+https://example.com/proxy") == "rerun://example.com:443/proxy"
    assert _core.parse_proxy_url("rerun://EXAMPLE.com:7/proxy") == "rerun://example.com:7/proxy"
    assert _core.parse_proxy_url("rerun http://127.0.0.1:5/proxy") == "rerun+http://127.0.0.1:5/proxy"
    assert _core.parse_proxy_url("rerun+http://[::1]/proxy") == "rerun+http://[::1]:9876/proxy"
    assert _core.parse_viewer_origin("rerun+http://localhost/anything") == "rerun+http://localhost:80"
    assert _core.parse_viewer_origin("rerun://h.example") == "rerun://h.example:443"


def test_flush_without_a_server_fails_after_the_connect_timeout():
    port = free_port()
    rec = rr.RecordingStream("flush_test", recording_id="r")
    started = time.monotonic()
    rec.connect_grpc(f"rerun+http://127.0.0.1:{port}/proxy")  # does not wait, does not raise
    assert time.monotonic() - started < 2
    with pytest.raises(RuntimeError, match=rf"^gRPC has been unable to connect for \d+s, "
                                           rf"uri: rerun\+http://127\.0\.0\.1:{port}/proxy$"):
        rec.flush(timeout_sec=30)
    assert 4.5 < time.monotonic() - started < 15


def test_server_gone_mid_stream(tmp_path, rerun_bin):
    """When the proxy dies, sending goes on without blocking and flush raises (no hang)."""
    port = free_port()
    chunk = rr.experimental.Chunk.from_columns("/e", [rr.TimeColumn("f", sequence=[1])],
                                               rr.Points3D.columns(positions=[[1, 2, 3]]))
    rec = rr.RecordingStream("gone", recording_id="r")
    with rerun_process(rerun_bin, ["--serve-grpc", "--port", str(port)], port, tmp_path / "proxy.log"):
        rec.connect_grpc(f"rerun+http://127.0.0.1:{port}/proxy")
        send_chunks([chunk] * 5, recording=rec)
        rec.flush(timeout_sec=20)
    started = time.monotonic()
    with pytest.raises(RuntimeError, match=rf"^gRPC stream to rerun\+http://127\.0\.0\.1:{port}/proxy"):
        while time.monotonic() - started < 10:  # until the client has noticed
            send_chunks([chunk] * 300, recording=rec)  # more than the sink's queue holds
            rec.flush(timeout_sec=20)
            time.sleep(0.05)
    rec.disconnect()
    assert time.monotonic() - started < 10


def test_screenshot_that_is_never_answered_times_out(tmp_path, rerun_bin):
    """`rerun --save` accepts SaveScreenshot but never answers: the deadline ends the call."""
    port = free_port()
    with rerun_process(rerun_bin, ["--save", str(tmp_path / "x.rrd"), "--port", str(port)], port, tmp_path / "s.log"):
        client = ViewerClient.connect(f"rerun+http://127.0.0.1:{port}/proxy")
        client._screenshot_timeout_sec = 1.0
        with pytest.raises(TimeoutError, match="^Deadline expired before operation could complete$"):
            client.save_screenshot(str(tmp_path / "never.png"))


def test_close_of_a_connected_client_warns(proxy):
    """Spec case 77 (first half): nothing was spawned, so close() only warns."""
    client = ViewerClient.connect(proxy)
    with pytest.warns(UserWarning, match=r"^ViewerClient\.close\(\) called with no viewer to terminate"):
        client.close()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with ViewerClient.connect(proxy):
            pass  # not spawned: no close, no warning at the end of the block


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR", "not a PNG"
    return struct.unpack(">II", data[16:24])


def group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
        return True
    except ProcessLookupError:
        return False


@pytest.mark.skipif(not LAVAPIPE_ICDS, reason="the headless Rerun viewer needs a Vulkan driver: "
                    "mesa-vulkan-drivers and libvulkan1 (scripts/setup.sh installs them)")
def test_spawned_headless_viewer_screenshot_and_close(tmp_path, rerun_bin, corpus_dir):
    """Spec case 77 and §10.2: spawn a headless viewer, send it data and a table, save a
    screenshot (a 1920x1080 PNG), close() stops its process group, a second close() warns."""
    port = free_port()
    client = ViewerClient.spawn(headless=True, port=port, executable_path=str(rerun_bin))
    pid = client._pid
    try:
        assert pid is not None and client._kill_on_exit and client.url == f"rerun+http://127.0.0.1:{port}/proxy"
        rec = rr.RecordingStream("viewer_shot", recording_id="shot")
        rec.connect_grpc(client.url)
        send_chunks(rr.experimental.RrdReader(corpus_dir / "sequence_points.rrd").stream(), recording=rec)
        rec.flush(timeout_sec=20)
        client.send_table("table", sample_batch())
        shot = tmp_path / "shot.png"
        client.save_screenshot(str(shot), view_id=None)
        time.sleep(0.3)  # the viewer rewrites the file just after answering
        assert wait_for(lambda: shot.exists() and shot.stat().st_size > 1000 and png_size(shot), 10,
                        "the screenshot") == (1920, 1080)
        with pytest.raises(ConnectionError, match="Failed to save screenshot"):
            client.save_screenshot(str(tmp_path / "shot.xyz"))
        with pytest.raises(ConnectionError, match="expected a UUID"):
            client.save_screenshot(str(tmp_path / "view.png"), view_id="not-a-uuid")
        rec.disconnect()
    finally:
        client.close()
    wait_for(lambda: not group_alive(pid), 10, "the viewer's process group to end")
    assert not accepts(port)
    with pytest.warns(UserWarning, match="no viewer to terminate"):
        client.close()


@pytest.mark.skipif(not LAVAPIPE_ICDS, reason="the headless Rerun viewer needs a Vulkan driver: "
                    "mesa-vulkan-drivers and libvulkan1 (scripts/setup.sh installs them)")
def test_spawn_context_manager_and_busy_port(tmp_path, rerun_bin, proxy):
    """An attached viewer ends with its `with` block; on a busy port nothing is spawned (pid
    None) and the client talks to what listens there."""
    port = free_port()
    with ViewerClient.spawn(headless=True, port=port, executable_path=str(rerun_bin)) as client:
        pid = client._pid
        assert pid is not None and group_alive(pid)
    assert client._pid is None
    wait_for(lambda: not group_alive(pid), 10, "the viewer's process group to end")
    busy = int(proxy.rsplit(":", 1)[1].split("/")[0])
    reused = ViewerClient.spawn(headless=True, port=busy, executable_path=str(rerun_bin))
    assert reused._pid is None
    reused.send_table(str(uuid.uuid4()), sample_batch())
    with pytest.warns(UserWarning, match="no viewer to terminate"):
        reused.close()


def test_spawn_without_an_executable():
    with pytest.raises(RuntimeError, match=re.escape("Failed to find Rerun Viewer executable in PATH.")):
        ViewerClient.spawn(headless=True, port=free_port(), executable_name="no-such-rerun-viewer-executable")
