"""Entry point of the `chunkhouse` console script: runs the bundled C++ command."""

import os
import sys
from pathlib import Path


def main() -> None:
    exe = Path(__file__).parent / "_bin" / "chunkhouse"
    if not exe.exists():
        sys.exit(f"chunkhouse: the command-line binary is missing from {exe.parent}; reinstall the package")
    os.execv(exe, [str(exe), *sys.argv[1:]])


if __name__ == "__main__":
    main()
