"""Starting a Rerun viewer process (ViewerClient.spawn, rr.init(spawn=True)), as rerun-sdk does:
same arguments and environment, its own process group (so that the viewer the `rerun` shim
starts can be stopped with it), nothing started when something already listens on the port."""

from __future__ import annotations

import logging
import os
import re
import shutil
import socket
import subprocess
import sys
import time
from typing import Optional

_SDK_VERSION = (0, 36)
_children: dict[int, subprocess.Popen] = {}  # spawned viewers, reaped when closed


def _accepts(port: int, timeout: float) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=timeout):
            return True
    except OSError:
        return False


def _check_version(executable: str) -> None:
    """A viewer of another minor version may misread what this SDK sends: say so (not fatal)."""
    try:
        out = subprocess.run([executable, "--version"], capture_output=True, text=True, timeout=10).stdout
    except (OSError, subprocess.SubprocessError):
        return
    match = re.search(r"(\d+)\.(\d+)\.(\d+)", out)
    if match and (int(match[1]), int(match[2])) != _SDK_VERSION:
        print(f"Warning: the Rerun Viewer at {executable} is version {match[0]}, but this SDK speaks Rerun "
              f"{_SDK_VERSION[0]}.{_SDK_VERSION[1]}; data may be misread.", file=sys.stderr)


def spawn_viewer(*, port: int = 9876, memory_limit: str = "75%", server_memory_limit: str = "1GiB",
                 hide_welcome_screen: bool = False, detach_process: bool = True, executable_name: str = "rerun",
                 executable_path: Optional[str] = None, headless: bool = False) -> Optional[int]:
    """Start a viewer listening on `port` and wait (up to ~36 s) until it accepts connections.
    Returns its pid (the leader of its process group), or None when nothing was started."""
    if os.environ.get("_RERUN_TEST_FORCE_SAVE") is not None:
        return None
    if _accepts(port, 1.0):
        logging.info("A process is already listening at 0.0.0.0:%d. Assuming it's a Rerun Viewer.", port)
        return None
    if executable_path is not None:
        executable = executable_path
        if not os.path.exists(executable):
            raise RuntimeError(f'Failed to find Rerun Viewer executable at "{executable_path}"')
    else:
        found = shutil.which(executable_name)
        if found is None:
            raise RuntimeError("Failed to find Rerun Viewer executable in PATH.\n"
                               f"Install rerun-sdk (`pip install rerun-sdk`) or give executable_path.\n"
                               f"PATH={os.environ.get('PATH', '')!r}")
        executable = found
    _check_version(executable)
    args = [executable, f"--port={port}", f"--memory-limit={memory_limit}",
            f"--server-memory-limit={server_memory_limit}", "--expect-data-soon"]
    if hide_welcome_screen:
        args.append("--hide-welcome-screen")
    if headless:
        args.append("--headless")
    # A headless viewer stays attached; only a windowed one is detached (its own session), and
    # an attached one gets its own process group, which the viewer the shim starts inherits.
    detach = detach_process and not headless
    group = {"start_new_session": True} if detach else (
        {"process_group": 0} if sys.version_info >= (3, 11) else {"preexec_fn": os.setpgrp})
    try:
        child = subprocess.Popen(args, stdin=subprocess.DEVNULL, env={**os.environ, "RERUN_APP_ONLY": "true"}, **group)
    except OSError as err:
        raise RuntimeError(f"Failed to spawn the Rerun Viewer process: {err}") from None
    _children[child.pid] = child
    for _ in range(30):
        if _accepts(port, 1.0):
            break
        if child.poll() is not None:
            logging.warning("Spawned Rerun Viewer exited with code %s before binding to port %d.", child.returncode, port)
            break
        time.sleep(0.2)
    else:
        logging.warning("Spawned Rerun Viewer did not bind to port %d in time. Connections to it may fail.", port)
    return child.pid


def reap(pid: int, timeout: float = 5.0) -> None:
    """Collects a spawned viewer's exit (after it was signalled), so that it leaves no zombie."""
    child = _children.pop(pid, None)
    if child is None:
        return
    try:
        child.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        _children[pid] = child
