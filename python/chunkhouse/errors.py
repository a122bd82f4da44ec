"""The exceptions chunkhouse raises.

Each error from the C++ core or from a catalog server has a kind (the same kinds as gRPC status
codes); each kind is a class here. Every class is also a builtin exception that code written
before these classes existed already catches: a bad argument is a `ValueError`, a missing file a
`FileNotFoundError`, a refused path a `PermissionError`, an unreachable server a
`ConnectionError`, a timeout a `TimeoutError`. `NotFoundError` and `AlreadyExistsError` carry the
names Rerun's catalog client uses.

    try:
        dataset = client.get_dataset(id=dataset_id)
    except chunkhouse.errors.NotFoundError:
        ...
"""

from __future__ import annotations

__all__ = [
    "AlreadyExistsError", "CancelledError", "DataLossError", "DeadlineExceededError", "Error",
    "FailedPreconditionError", "InternalError", "InvalidArgumentError", "MissingFileError", "NotFoundError",
    "PermissionDeniedError", "ResourceExhaustedError", "UnavailableError", "UnimplementedError",
]


class Error(Exception):
    """Any error chunkhouse reports."""


class InvalidArgumentError(Error, ValueError):
    """The request is wrong: an unknown column, a malformed expression, a bad URL."""


class NotFoundError(Error, LookupError):
    """What was named does not exist (a dataset, an entry, a task, a segment)."""


class MissingFileError(NotFoundError, FileNotFoundError, ValueError):
    """A local file that does not exist."""


class AlreadyExistsError(Error, ValueError):
    """What was to be created exists already (a dataset name, a registered segment)."""


class PermissionDeniedError(Error, PermissionError, ValueError):
    """A path outside the directories a server may read, or one the OS refused."""


class FailedPreconditionError(Error, RuntimeError):
    """The state does not allow it: e.g. a registered file changed since it was indexed."""


class DataLossError(Error, ValueError):
    """Stored data is corrupt or truncated; the message names the file and byte offset."""


class ResourceExhaustedError(Error, RuntimeError):
    """A limit was reached (a size, a count, memory)."""


class UnavailableError(Error, ConnectionError):
    """The server cannot be reached."""


class DeadlineExceededError(Error, TimeoutError):
    """It did not finish in time."""


class CancelledError(Error, RuntimeError):
    """The operation was cancelled."""


class UnimplementedError(Error, NotImplementedError):
    """Not supported (by chunkhouse, or by the server asked)."""


class InternalError(Error, RuntimeError):
    """A failure inside chunkhouse or the server; please report it."""
