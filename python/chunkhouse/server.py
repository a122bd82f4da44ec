"""`chunkhouse.server.Server`: a catalog server for this process's lifetime (seed 001).

    with chunkhouse.server.Server(datasets={"my_dataset": ["recording.rrd"]}) as server:
        dataset = server.client().get_dataset("my_dataset")

It runs the `chunkhouse server` command in a child process, always stopped when the block
exits (or at interpreter exit).
"""

from __future__ import annotations

import atexit
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Optional, Union

from .catalog import CatalogClient

__all__ = ["Server"]

DatasetSource = Union[str, os.PathLike, list]


def _command() -> str:
    candidates = [os.environ.get("CHUNKHOUSE_BIN"), str(Path(__file__).parent / "_bin" / "chunkhouse"),
                  shutil.which("chunkhouse")]
    for c in candidates:
        if c and Path(c).is_file() and os.access(c, os.X_OK):
            return c
    raise RuntimeError("the chunkhouse command was not found (reinstall the package or set CHUNKHOUSE_BIN)")


class Server:
    """A chunkhouse catalog server on localhost, with datasets from files or directories."""

    def __init__(self, *, datasets: Optional[dict[str, DatasetSource]] = None, host: str = "127.0.0.1",
                 port: int = 0, storage: Optional[str] = None):
        datasets = datasets or {}
        args = [_command(), "server", "--host", host, "--port", str(port)]
        files: dict[str, list[Path]] = {}
        for name, source in datasets.items():
            if isinstance(source, (str, os.PathLike)) and Path(source).is_dir():
                args += ["-d", f"{name}={Path(source).resolve()}"]
            else:
                paths = [Path(p).resolve() for p in ([source] if isinstance(source, (str, os.PathLike)) else source)]
                for p in paths:
                    if not p.is_file():
                        raise ValueError(f"dataset {name!r}: {p} is not a file")
                files[name] = paths
                for d in sorted({str(p.parent) for p in paths}):
                    args += ["--allow-dir", d]
        if storage:
            args += ["--storage", str(storage)]
        # The log goes to a file: a pipe nobody reads would fill up and stall the server.
        self._log = tempfile.TemporaryFile(mode="w+")
        self._proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=self._log, text=True)
        atexit.register(self.shutdown)
        line = self._proc.stdout.readline()
        m = re.search(r"rerun\+http://\S+", line)
        if not m:
            if not line:  # stdout closed: the server exited, and its log says why
                self._proc.wait(timeout=10)
            self._log.seek(0)
            err = self._log.read()
            self.shutdown()
            raise RuntimeError(f"chunkhouse server did not start: {line.strip()} {err.strip()}")
        self._address = m.group(0)
        client = self.client()
        for name, paths in files.items():
            dataset = client.create_dataset(name, exist_ok=True)
            dataset.register([p.as_uri() for p in paths], on_duplicate="skip").wait()

    def address(self) -> str:
        return self._address

    def url(self) -> str:
        return self._address

    def client(self) -> CatalogClient:
        return CatalogClient(self._address)

    def is_running(self) -> bool:
        return self._proc.poll() is None

    def shutdown(self) -> None:
        if self._proc.poll() is None:
            self._proc.terminate()
            try:
                self._proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait()

    def __enter__(self) -> "Server":
        return self

    def __exit__(self, *exc) -> None:
        self.shutdown()
