#!/usr/bin/env python3
"""Reference harness for chunkhouse: the official Rerun Python SDK as an oracle.

This script runs with any python3 (only the standard library is imported at top
level).  Subcommands that need the SDK (``corpus`` and ``dump``) re-execute the
script inside an isolated virtual environment that has the pinned ``rerun-sdk``
installed (see ``requirements.txt`` next to this file, the single place where the
oracle version is pinned).

Subcommands:

  setup                      create/refresh the reference venv (idempotent)
  corpus OUTDIR [--large]    write the fixture corpus of .rrd files
  dump FILE OUTDIR           write OUTDIR/stores.json + one Arrow IPC file per chunk
  verify FILE...             run `rerun rrd verify` from the reference venv
  rerun ARGS...              pass-through to the venv's `rerun` CLI
  python ARGS...             pass-through to the venv's python

The venv lives at <repo>/.venv-rerun unless CHUNKHOUSE_REF_VENV says otherwise.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))  # the sibling modules, however this file is loaded

from corpus import cmd_corpus  # noqa: E402
from oracle import cmd_bench_data, cmd_dump, cmd_query, cmd_write_ops  # noqa: E402
from ref_env import (  # noqa: E402,F401  (the names tests and tools use through this module)
    VENV_ENV_VAR, HarnessError, _check_files, cmd_python, cmd_rerun, cmd_setup, cmd_verify, pinned_requirements,
    reexec_in_venv, venv_dir, venv_is_ready,
)
from rrd_frames import rrd_frames, strip_footer  # noqa: E402,F401

# ---------------------------------------------------------------------------
# CLI
# ---------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="harness.py",
        description="Reference harness: uses the pinned rerun-sdk (tools/reference/requirements.txt) in an "
        f"isolated venv (default <repo>/.venv-rerun, override with ${VENV_ENV_VAR}) to write fixture .rrd "
        "files and to report what an .rrd file contains.",
    )
    sub = p.add_subparsers(dest="cmd", metavar="COMMAND")
    sub.required = True

    sp = sub.add_parser("setup", help="create the reference venv and install the pinned rerun-sdk (idempotent)")
    sp.set_defaults(func=cmd_setup)

    sp = sub.add_parser(
        "corpus",
        help="write the fixture corpus of .rrd files (+ corpus.json) into OUTDIR",
        description="Write the small fixture corpus into OUTDIR (a few seconds), and with --large also large.rrd.",
    )
    sp.add_argument("outdir", metavar="OUTDIR")
    sp.add_argument("--large", action="store_true", help="also write large.rrd (about 400 MiB on disk at the default size; a few seconds)")
    sp.add_argument(
        "--large-mb",
        type=float,
        default=512.0,
        metavar="N",
        help="uncompressed Arrow payload of large.rrd in MiB (default: 512)",
    )
    sp.set_defaults(func=cmd_corpus, inner=True)

    sp = sub.add_parser(
        "dump",
        help="write OUTDIR/stores.json and each chunk as an Arrow IPC file",
        description="Read FILE with rerun.experimental.RrdReader and write OUTDIR/stores.json (stores and chunk "
        "list in stream order) plus OUTDIR/<store_index>/chunk_NNNNN.arrow (Arrow IPC file format, one record "
        "batch each, schema and field metadata as returned by Chunk.to_record_batch()). Store indices count "
        "recordings first, then blueprints.",
    )
    sp.add_argument("file", metavar="FILE")
    sp.add_argument("outdir", metavar="OUTDIR")
    sp.set_defaults(func=cmd_dump, inner=True)

    sp = sub.add_parser(
        "verify",
        help="run `rerun rrd verify FILE...` from the venv; exits with its status",
        description="Run the reference `rerun rrd verify` on FILE... and exit with its status. By default rerun "
        "also requires a well-formed RRD footer (footer-less files fail with 'Missing RRD footer / no RRD "
        "manifests'); pass --check-footers false to verify only the message stream.",
    )
    sp.add_argument("files", nargs="+", metavar="FILE")
    sp.add_argument(
        "--check-footers",
        choices=["true", "false"],
        default=None,
        help="forwarded to `rerun rrd verify --check-footers` (rerun's default: true)",
    )
    sp.set_defaults(func=cmd_verify)

    sp = sub.add_parser(
        "query",
        help="answer a batch of dataframe queries with rerun-sdk's engine",
        description="SPECS is a JSON list of {file, spec, out}; each answer is written to `out` (Arrow IPC file) "
        "and `out.json` ({ok, error, compare_other_indexes}). A spec has index, contents (str, list or dict), "
        "range, values, using, is_not_null, fill, include_semantically_empty, include_tombstone, select.",
    )
    sp.add_argument("specs", metavar="SPECS")
    sp.set_defaults(func=cmd_query, inner=True)

    sp = sub.add_parser("write-ops", help="write recordings described as JSON lists of log operations")
    sp.add_argument("ops", metavar="OPS")
    sp.set_defaults(func=cmd_write_ops, inner=True)

    sp = sub.add_parser("bench-data", help="write a Scalars benchmark recording (see --help)")
    sp.add_argument("out", metavar="OUT")
    sp.add_argument("--entities", type=int, default=100)
    sp.add_argument("--rows", type=int, default=100_000, help="rows per entity")
    sp.add_argument("--chunk-rows", type=int, default=100_000, help="rows per chunk (send_columns call)")
    sp.set_defaults(func=cmd_bench_data, inner=True)

    sub.add_parser("rerun", help="pass ARGS to the venv's `rerun` CLI, e.g. `rerun rrd print -v FILE`")
    sub.add_parser("python", help="pass ARGS to the venv's python")
    return p


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        # Pass-through commands take their arguments verbatim (including --help).
        if argv and argv[0] == "rerun":
            return cmd_rerun(argv[1:])
        if argv and argv[0] == "python":
            return cmd_python(argv[1:])
        args = build_parser().parse_args(argv)
        if getattr(args, "inner", False):
            if args.cmd == "dump":
                _check_files([args.file])
            reexec_in_venv(argv)
        return args.func(args)
    except HarnessError as e:
        print(f"harness.py: error: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
