"""ViewerClient: tables and screenshots for a running Rerun viewer, as rerun.experimental's.

    with ViewerClient.spawn(headless=True, port=9877) as viewer:
        viewer.send_table("results", batch)
        viewer.save_screenshot("/tmp/shot.png")

The gRPC work (MessageProxyService.WriteTable, ViewerControlService.SaveScreenshot) is done in C++
(chunkhouse/client/proxy_client.h). Unlike rerun-sdk, every call has a deadline (a viewer can
leave a screenshot request unanswered): TimeoutError when it passes.
"""

from __future__ import annotations

import os
import signal
import subprocess
import warnings
from typing import TYPE_CHECKING, Any, Optional, Union

from .. import _core
from ._spawn import reap, spawn_viewer

if TYPE_CHECKING:
    from types import TracebackType
    from uuid import UUID

    import pyarrow as pa

_DEFAULT_URL = "rerun+http://127.0.0.1:9876/proxy"


def _to_record_batch(table: Any) -> pa.RecordBatch:
    import pyarrow as pa

    if isinstance(table, pa.RecordBatch):
        return table
    if isinstance(table, list):
        return pa.concat_batches(table)
    return pa.concat_batches(table.collect())  # a datafusion DataFrame


class ViewerClient:
    """A connection to a Rerun viewer: `connect` to a running one, or `spawn` a new one.

    `close()` stops a spawned viewer. A viewer spawned attached (`detach_process=False`, the
    default for headless ones) is also stopped when a `with` block ends or the client is
    collected; a detached one only by `close()`.
    """

    # Deadlines of the calls (seconds).
    _connect_timeout_sec = 10.0
    _send_table_timeout_sec = 300.0
    _screenshot_timeout_sec = 60.0

    def __init__(self, url: str = _DEFAULT_URL, *, _pid: Optional[int] = None, _kill_on_exit: bool = False) -> None:
        """Connect to the viewer at `url` (scheme `rerun://`, `rerun+http://` or `rerun+https://`;
        only scheme, host and port are used). Raises ValueError for a malformed URL and
        ConnectionError when nothing answers."""
        self._pid: Optional[int] = _pid
        self._kill_on_exit: bool = _kill_on_exit
        self._url: str = url
        self._internal = _core.ViewerClientInternal.connect(url, self._connect_timeout_sec)

    @classmethod
    def connect(cls, url: str = _DEFAULT_URL) -> ViewerClient:
        """Connect to an already running viewer."""
        return cls(url)

    @classmethod
    def spawn(cls, *, headless: bool = False, port: int = 9876, memory_limit: str = "75%",
              server_memory_limit: str = "1GiB", hide_welcome_screen: bool = False,
              detach_process: Optional[bool] = None, executable_name: str = "rerun",
              executable_path: Optional[str] = None) -> ViewerClient:
        """Start a viewer (the `rerun` executable on PATH, or `executable_path`) on `port` and
        connect to it. `detach_process` defaults to `not headless`. If something already listens
        on the port, nothing is started and the client connects to it (close() then warns)."""
        if detach_process is None:
            detach_process = not headless
        pid = spawn_viewer(port=port, memory_limit=memory_limit, server_memory_limit=server_memory_limit,
                           hide_welcome_screen=hide_welcome_screen, detach_process=detach_process,
                           executable_name=executable_name, executable_path=executable_path, headless=headless)
        try:
            return cls(f"rerun+http://127.0.0.1:{port}/proxy", _pid=pid, _kill_on_exit=not detach_process)
        except BaseException:
            if pid is not None:  # not left running behind a failed connection
                _terminate(pid)
            raise

    @property
    def url(self) -> str:
        """The URL this client was given."""
        return self._url

    def send_table(self, name: str, table: Union[pa.RecordBatch, list, Any]) -> None:
        """Show a table (a RecordBatch, a list of them, or a datafusion DataFrame) in the viewer
        under `name`; sending the same name again replaces it."""
        self._internal.send_table(name, _to_record_batch(table), self._send_table_timeout_sec)

    def save_screenshot(self, file_path: str, view_id: Union[str, UUID, None] = None) -> None:
        """Have the viewer save a screenshot (of one view, or the whole window) to `file_path`,
        a path on the viewer's machine (relative to its working directory)."""
        self._internal.save_screenshot(file_path, str(view_id) if view_id is not None else None,
                                       self._screenshot_timeout_sec)

    def close(self) -> None:
        """Stop the spawned viewer (its whole process group). Warns when there is none (a client
        from connect(), or close() already called)."""
        pid, self._pid = self._pid, None
        if pid is None:
            warnings.warn("ViewerClient.close() called with no viewer to terminate (the client was constructed via "
                          "ViewerClient.connect(), or close() was already called).", UserWarning, stacklevel=2)
            return
        try:
            _terminate(pid)
        except (OSError, subprocess.CalledProcessError) as err:
            warnings.warn(f"ViewerClient.close() could not close pid {pid}: {err}", UserWarning, stacklevel=2)

    def __enter__(self) -> ViewerClient:
        return self

    def __exit__(self, exc_type: Optional[type[BaseException]], exc_value: Optional[BaseException],
                 traceback: Optional[TracebackType]) -> None:
        if self._kill_on_exit and self._pid is not None:
            self.close()

    def __del__(self) -> None:
        try:
            if getattr(self, "_kill_on_exit", False) and getattr(self, "_pid", None) is not None:
                self.close()
        except Exception:  # noqa: BLE001 - never from a finalizer
            pass


def _terminate(pid: int) -> None:
    if os.name != "posix":
        subprocess.run(["taskkill", "/PID", str(pid), "/T", "/F"], check=True, capture_output=True)
        return
    os.killpg(pid, signal.SIGTERM)  # the shim and the viewer it started share the group
    reap(pid)
