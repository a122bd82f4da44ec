"""A minimal `rerun.RecordingStream`: enough to send pre-built chunks to a file or a viewer.

    rec = chunkhouse.RecordingStream("my_app", recording_id="run-1")
    rec.connect_grpc("rerun+http://127.0.0.1:9876/proxy")   # or rec.save("out.rrd")
    rec.send_chunks(chunkhouse.experimental.RrdReader("in.rrd").stream())
    rec.disconnect()

The work (sinks, encoding, the gRPC stream) is done in C++ (chunkhouse/client/recording_stream.h).
As in Rerun, a recording buffers what it is sent until a sink is set; `rr.init` makes a global
recording, `with rec:` makes `rec` the active one for the current thread.
"""

from __future__ import annotations

import atexit
import hashlib
import logging
import multiprocessing
import os
import sys
import threading
import uuid
import weakref
from pathlib import Path
from typing import TYPE_CHECKING, Any, Optional, Union

from . import _core
from .errors import Error as _Error

if TYPE_CHECKING:
    from types import TracebackType

_DEFAULT_PROXY_URL = "rerun+http://127.0.0.1:9876/proxy"

_global_recording: Optional[RecordingStream] = None
_thread_local = threading.local()
_live: weakref.WeakSet[RecordingStream] = weakref.WeakSet()


def _runtime_error(call, *args):
    """Rerun raises RuntimeError from its recording's sinks (bad endpoint, uncreatable file, flush)."""
    try:
        return call(*args)
    except _Error as err:
        if isinstance(err, RuntimeError):
            raise
        raise RuntimeError(str(err)) from None


def _python_version_payload() -> bytes:
    """StoreSourceExtra of a Python SDK: a serialized PythonVersion{major=1, minor=2, patch=3, suffix=4}."""

    def varint_field(number: int, value: int) -> bytes:
        out = bytes([number << 3])
        while True:
            byte = value & 0x7F
            value >>= 7
            out += bytes([byte | (0x80 if value else 0)])
            if not value:
                return out

    v = sys.version_info
    payload = varint_field(1, v.major) + varint_field(2, v.minor) + varint_field(3, v.micro)
    suffix = "" if v.releaselevel == "final" else f"{v.releaselevel[0] if v.releaselevel != 'candidate' else 'rc'}{v.serial}"
    if suffix:
        data = suffix.encode()
        payload += bytes([(4 << 3) | 2, len(data)]) + data
    return payload


def _default_recording_id(application_id: str) -> str:
    """The same for a process and its multiprocessing children (they share the authkey)."""
    try:
        seed = bytes(multiprocessing.current_process().authkey)
    except Exception:  # noqa: BLE001
        seed = os.urandom(8)
    digest = hashlib.sha256(seed + application_id.encode() + b"chunkhouse-recording").digest()
    return uuid.UUID(bytes=digest[:16], version=4).hex


def _env_enabled(default_enabled: bool) -> bool:
    value = os.environ.get("RERUN", "").strip().lower()
    if value in ("1", "on", "true", "yes"):
        return True
    if value in ("0", "off", "false", "no"):
        return False
    return default_enabled


def _no_blueprints(default_blueprint: Any) -> None:
    if default_blueprint is not None:
        raise NotImplementedError("chunkhouse does not support blueprints (default_blueprint must be None)")


class RecordingStream:
    """A recording: its identity, and the sink (buffer, .rrd file or viewer) its data goes to."""

    def __init__(self, application_id: str, *, recording_id: Union[str, uuid.UUID, None] = None,
                 make_default: bool = False, make_thread_default: bool = False, default_enabled: bool = True,
                 send_properties: bool = True, batcher_config: Any = None) -> None:
        # An explicitly created recording gets a fresh id (as in Rerun), not the process default.
        recording_id = str(recording_id) if recording_id is not None else uuid.uuid4().hex
        self._init(str(application_id), recording_id, default_enabled, send_properties)
        if make_default:
            set_global_data_recording(self)
        if make_thread_default:
            set_thread_local_data_recording(self)

    def _init(self, application_id: str, recording_id: str, default_enabled: bool, send_properties: bool) -> None:
        self._enabled = _env_enabled(default_enabled)
        self.inner = _core.RecordingStream.create(application_id, recording_id, send_properties,
                                                  _python_version_payload())
        self._prev: Optional[RecordingStream] = None
        _live.add(self)

    def to_native(self) -> _core.RecordingStream:
        return self.inner

    # -- identity ------------------------------------------------------------------------------

    def get_application_id(self) -> str:
        return self.inner.application_id

    def get_recording_id(self) -> str:
        return self.inner.recording_id

    def is_enabled(self) -> bool:
        return self._enabled

    # -- sinks ---------------------------------------------------------------------------------

    def connect_grpc(self, url: Optional[str] = None, *, default_blueprint: Any = None) -> None:
        """Stream to a Rerun viewer or proxy at `url` (`rerun+http://host:port/proxy`, the default
        `rerun+http://127.0.0.1:9876/proxy`). Does not wait for the connection."""
        _no_blueprints(default_blueprint)
        if not self._enabled:
            logging.warning("Rerun is disabled - connect_grpc() call ignored")
            return
        _runtime_error(self.inner.connect_grpc, _DEFAULT_PROXY_URL if url is None else url)

    def save(self, path: Union[str, Path], default_blueprint: Any = None, *, write_footer: bool = True) -> None:
        """Write to an .rrd file as data arrives; its footer is written when the sink is closed
        (disconnect, another sink, the end of a `with` block, or the recording's end)."""
        _no_blueprints(default_blueprint)
        if not self._enabled:
            logging.warning("Rerun is disabled - save() call ignored. You must call rerun.init before saving a recording.")
            return
        _runtime_error(self.inner.save, os.fspath(path), bool(write_footer))

    def disconnect(self) -> None:
        """Close the current sink (flushed, footer written, stream ended) and buffer again."""
        _runtime_error(self.inner.disconnect)

    def flush(self, *, timeout_sec: float = 1e38) -> None:
        """Wait until everything sent so far has been handed to the sink (at most `timeout_sec`;
        zero starts the flush without waiting). Raises RuntimeError on failure."""
        _runtime_error(self.inner.flush, float(timeout_sec))

    # -- data ----------------------------------------------------------------------------------

    def send_chunks(self, chunks: Any) -> None:
        """Send chunks to this recording (see `chunkhouse.experimental.send_chunks`)."""
        from .experimental._send_chunks import send_chunks

        send_chunks(chunks, recording=self)

    # -- context -------------------------------------------------------------------------------

    def __enter__(self) -> RecordingStream:
        self._prev = set_thread_local_data_recording(self)
        return self

    def __exit__(self, exc_type: Optional[type[BaseException]], exc_val: Optional[BaseException],
                 exc_tb: Optional[TracebackType]) -> None:
        try:
            self.flush()
            # A file sink is finalised (footer written) so the .rrd is complete when the block ends.
            _runtime_error(self.inner.finalize_file_sink)
        finally:
            set_thread_local_data_recording(self._prev)
            self._prev = None

    def __repr__(self) -> str:
        return f"RecordingStream(application_id={self.get_application_id()!r}, recording_id={self.get_recording_id()!r})"


@atexit.register
def _close_all() -> None:
    """At exit every recording's sink is closed: files get their footer, streams end cleanly."""
    for rec in list(_live):
        try:
            rec.inner.disconnect()
        except Exception as err:  # noqa: BLE001
            logging.error("Failed to flush messages during shutdown: %s", err)


# -- the active recording ------------------------------------------------------------------------


def get_global_data_recording() -> Optional[RecordingStream]:
    return _global_recording


def set_global_data_recording(recording: Optional[RecordingStream]) -> Optional[RecordingStream]:
    global _global_recording
    prev, _global_recording = _global_recording, recording
    return prev


def get_thread_local_data_recording() -> Optional[RecordingStream]:
    return getattr(_thread_local, "recording", None)


def set_thread_local_data_recording(recording: Optional[RecordingStream]) -> Optional[RecordingStream]:
    prev = get_thread_local_data_recording()
    _thread_local.recording = recording
    return prev


def get_data_recording(recording: Optional[RecordingStream] = None) -> Optional[RecordingStream]:
    """`recording` if given, else the thread's active recording, else the global one, else None."""
    if recording is not None:
        return recording
    return get_thread_local_data_recording() or get_global_data_recording()


def get_application_id(recording: Optional[RecordingStream] = None) -> Optional[str]:
    rec = get_data_recording(recording)
    return rec.get_application_id() if rec is not None else None


def get_recording_id(recording: Optional[RecordingStream] = None) -> Optional[str]:
    rec = get_data_recording(recording)
    return rec.get_recording_id() if rec is not None else None


def is_enabled(recording: Optional[RecordingStream] = None) -> bool:
    rec = get_data_recording(recording)
    return rec is not None and rec.is_enabled()


# -- module-level functions (rr.init, rr.connect_grpc, rr.save, rr.disconnect) --------------------


def init(application_id: str, *, recording_id: Union[str, uuid.UUID, None] = None, spawn: bool = False,
         init_logging: bool = True, default_enabled: bool = True, strict: Optional[bool] = None,
         default_blueprint: Any = None, send_properties: bool = True) -> None:
    """Make a global recording (its id defaults to one shared by this process and its
    multiprocessing children); with `spawn=True` also start a viewer and connect to it."""
    _no_blueprints(default_blueprint)
    if init_logging:
        rec = RecordingStream.__new__(RecordingStream)
        rid = str(recording_id) if recording_id is not None else _default_recording_id(str(application_id))
        rec._init(str(application_id), rid, default_enabled, send_properties)
        set_global_data_recording(rec)
    if spawn:
        from .experimental._spawn import spawn_viewer

        spawn_viewer(port=9876)
        connect_grpc(_DEFAULT_PROXY_URL)


def _require(recording: Optional[RecordingStream], what: str) -> Optional[RecordingStream]:
    rec = get_data_recording(recording)
    if rec is None or not rec.is_enabled():
        if what == "save":
            logging.warning("Rerun is disabled - save() call ignored. You must call rerun.init before saving a recording.")
        else:
            logging.warning("Rerun is disabled - %s() call ignored", what)
        return None
    return rec


def connect_grpc(url: Optional[str] = None, *, default_blueprint: Any = None,
                 recording: Optional[RecordingStream] = None) -> None:
    """Connect the active (or given) recording to a viewer or proxy (see RecordingStream.connect_grpc)."""
    rec = _require(recording, "connect_grpc")
    if rec is not None:
        rec.connect_grpc(url, default_blueprint=default_blueprint)


def save(path: Union[str, Path], default_blueprint: Any = None, recording: Optional[RecordingStream] = None, *,
         write_footer: bool = True) -> None:
    """Save the active (or given) recording to an .rrd file (see RecordingStream.save)."""
    rec = _require(recording, "save")
    if rec is not None:
        rec.save(path, default_blueprint, write_footer=write_footer)


def disconnect(recording: Optional[RecordingStream] = None) -> None:
    """Close the active (or given) recording's sink; it buffers again."""
    rec = get_data_recording(recording)
    if rec is not None:
        rec.disconnect()
