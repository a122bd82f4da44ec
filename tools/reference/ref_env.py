"""The reference environment: where the pinned rerun-sdk lives (its own venv), how it is set up,
and running commands inside it. Standard library only at top level."""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
from pathlib import Path


HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
VENV_ENV_VAR = "CHUNKHOUSE_REF_VENV"
# The oracle's pins (requirements.txt: the one rerun-sdk the tests compare with); another
# version's environment (e.g. requirements-0.41.txt in .venv-rerun-041, for protocol tests with
# newer clients) is set up by pointing both variables at it.
REQUIREMENTS_ENV_VAR = "CHUNKHOUSE_REF_REQUIREMENTS"
REQUIREMENTS = Path(os.environ.get(REQUIREMENTS_ENV_VAR, HERE / "requirements.txt"))
INNER_ENV_VAR = "CHUNKHOUSE_REF_INNER"  # set when we re-exec ourselves inside the venv

APP_ID = "chunkhouse_corpus"
# Fixed recording start time (2023-11-14T22:13:20Z) so /__properties is deterministic.
FIXED_START_NS = 1_700_000_000_000_000_000
# Base for the wall-clock ("timestamp") timelines, in seconds since the Unix epoch.
WALL_BASE_S = 1_700_000_000.0


class HarnessError(Exception):
    """An error with a message meant for the user (printed without a traceback)."""


def log(msg: str) -> None:
    print(f"[harness] {msg}", flush=True)


# ---------------------------------------------------------------------------
# venv handling (stdlib only)
# ---------------------------------------------------------------------------


def venv_dir() -> Path:
    env = os.environ.get(VENV_ENV_VAR)
    return Path(env).expanduser() if env else REPO / ".venv-rerun"


def _venv_bin(venv: Path, name: str) -> Path:
    if os.name == "nt":
        exe = venv / "Scripts" / (name + ".exe")
        return exe
    return venv / "bin" / name


def venv_python(venv: Path | None = None) -> Path:
    return _venv_bin(venv or venv_dir(), "python")


def venv_rerun(venv: Path | None = None) -> Path:
    return _venv_bin(venv or venv_dir(), "rerun")


def pinned_requirements() -> dict[str, str]:
    """Return {normalized package name: version} for every `name==version` line."""
    if not REQUIREMENTS.is_file():
        raise HarnessError(f"requirements file not found: {REQUIREMENTS}")
    pins: dict[str, str] = {}
    for raw in REQUIREMENTS.read_text().splitlines():
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        m = re.fullmatch(r"([A-Za-z0-9_.\-]+)\s*==\s*([A-Za-z0-9_.+\-]+)", line)
        if not m:
            raise HarnessError(f"{REQUIREMENTS}: only exact pins `name==version` are supported, got {line!r}")
        pins[_norm(m.group(1))] = m.group(2)
    if "rerun-sdk" not in pins:
        raise HarnessError(f"{REQUIREMENTS} does not pin rerun-sdk")
    return pins


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def installed_versions(venv: Path, names: list[str]) -> dict[str, str | None]:
    """Ask the venv's python which versions of `names` are installed (None = missing)."""
    py = venv_python(venv)
    if not py.exists():
        return {n: None for n in names}
    code = (
        "import json, sys, importlib.metadata as m\n"
        "out = {}\n"
        "for n in sys.argv[1:]:\n"
        "    try: out[n] = m.version(n)\n"
        "    except m.PackageNotFoundError: out[n] = None\n"
        "print(json.dumps(out))\n"
    )
    try:
        res = subprocess.run([str(py), "-c", code, *names], capture_output=True, text=True, timeout=120)
    except (OSError, subprocess.TimeoutExpired):
        return {n: None for n in names}
    if res.returncode != 0:
        return {n: None for n in names}
    try:
        return json.loads(res.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        return {n: None for n in names}


def venv_is_ready(venv: Path) -> bool:
    pins = pinned_requirements()
    have = installed_versions(venv, list(pins))
    return all(have.get(n) == v for n, v in pins.items())


def cmd_setup(args: argparse.Namespace | None = None) -> int:
    venv = venv_dir()
    pins = pinned_requirements()
    log(f"reference venv: {venv}")
    log("pinned: " + ", ".join(f"{n}=={v}" for n, v in pins.items()))
    have = installed_versions(venv, list(pins))
    if all(have.get(n) == v for n, v in pins.items()):
        log("already set up (installed versions match the pins); nothing to do")
        return 0
    if venv_python(venv).exists():
        log("venv exists but installed versions differ: " + ", ".join(f"{n}={have.get(n)}" for n in pins))
    else:
        log(f"creating venv with {sys.executable} -m venv {venv}")
        venv.parent.mkdir(parents=True, exist_ok=True)
        res = subprocess.run([sys.executable, "-m", "venv", str(venv)])
        if res.returncode != 0 or not venv_python(venv).exists():
            raise HarnessError(
                f"`{sys.executable} -m venv {venv}` failed (exit {res.returncode}); "
                "on Debian/Ubuntu you may need `apt-get install python3-venv`"
            )
    log(f"installing -r {REQUIREMENTS} (this can take a minute)")
    cmd = [str(venv_python(venv)), "-m", "pip", "install", "--disable-pip-version-check", "-r", str(REQUIREMENTS)]
    res = subprocess.run(cmd)
    if res.returncode != 0:
        raise HarnessError(f"pip install failed (exit {res.returncode}): {' '.join(cmd)}")
    have = installed_versions(venv, list(pins))
    bad = {n: have.get(n) for n, v in pins.items() if have.get(n) != v}
    if bad:
        raise HarnessError(f"after install the venv still has wrong versions: {bad} (wanted {pins})")
    log("setup done: " + ", ".join(f"{n}=={have[n]}" for n in pins))
    return 0


def ensure_venv() -> Path:
    venv = venv_dir()
    if not venv_is_ready(venv):
        log("reference venv missing or out of date; running setup first")
        cmd_setup()
    return venv


def _inside_venv(venv: Path) -> bool:
    try:
        return Path(sys.prefix).resolve() == venv.resolve()
    except OSError:
        return False


def reexec_in_venv(argv: list[str]) -> None:
    """Re-run this script with the venv's python unless we already are that python.

    Returns only when the current interpreter is the reference one.
    """
    if os.environ.get(INNER_ENV_VAR) == "1":
        return
    venv = ensure_venv()
    if _inside_venv(venv):
        return
    py = str(venv_python(venv))
    env = dict(os.environ)
    env[INNER_ENV_VAR] = "1"
    sys.stdout.flush()
    sys.stderr.flush()
    cmd = [py, str(HERE / "harness.py"), *argv]
    if os.name == "nt":
        sys.exit(subprocess.run(cmd, env=env).returncode)
    os.execve(py, cmd, env)


def import_oracle():
    """Import rerun inside the venv and check its version against the pin."""
    try:
        import rerun as rr  # noqa: PLC0415
    except ImportError as e:
        raise HarnessError(f"cannot import rerun in {sys.executable}: {e}; run `harness.py setup`") from e
    want = pinned_requirements()["rerun-sdk"]
    if rr.__version__ != want:
        raise HarnessError(f"rerun-sdk {rr.__version__} found in {sys.executable}, but {want} is pinned; run setup")
    return rr


def _check_files(files: list[str]) -> None:
    for f in files:
        p = Path(f)
        if not p.exists():
            raise HarnessError(f"file not found: {f}")
        if not p.is_file():
            raise HarnessError(f"not a regular file: {f}")




# ---------------------------------------------------------------------------
# pass-through subcommands
# ---------------------------------------------------------------------------


def _passthrough(exe: Path, argv: list[str]) -> int:
    env = dict(os.environ)
    try:
        return subprocess.run([str(exe), *argv], env=env).returncode
    except KeyboardInterrupt:
        return 130


def cmd_verify(args: argparse.Namespace) -> int:
    _check_files(args.files)
    venv = ensure_venv()
    extra = [] if args.check_footers is None else ["--check-footers", args.check_footers]
    return _passthrough(venv_rerun(venv), ["rrd", "verify", *extra, *args.files])


def cmd_rerun(argv: list[str]) -> int:
    venv = ensure_venv()
    return _passthrough(venv_rerun(venv), argv)


def cmd_python(argv: list[str]) -> int:
    venv = ensure_venv()
    return _passthrough(venv_python(venv), argv)


