"""Every error the user can meet has its own class and a message naming the node, port or parameter."""
from __future__ import annotations

from .limits import MAX_MESSAGE_CHARS
from .shown import cut


class StudioError(Exception):
    """Base of all Studio errors. ``str(e)`` is one line fit for a status bar or a CLI."""

    node_id: str | None = None

    def __init__(self, message: str, *, node_id: str | None = None):
        super().__init__(_cap(message))
        self.node_id = node_id


def _cap(message: str) -> str:
    """One line of bounded length: a 5 MB id echoed in a message must not make a 5 MB line."""
    message = str(message)
    if "\n" in message:
        message = " ".join(message.split("\n"))
    return cut(message, MAX_MESSAGE_CHARS)


class ModelError(StudioError):
    """A model on disk that Studio cannot open, and why (every room of ``nodes/`` raises this one;
    ``nodes/video_models/base/errors.py`` re-exports it)."""


class GraphError(StudioError):
    """The graph's structure is wrong."""


class UnknownNodeTypeError(GraphError):
    def __init__(self, type_id: str, node_id: str | None = None):
        where = f"node '{node_id}': " if node_id else ""
        super().__init__(f"{where}unknown node type '{type_id}' (is the node package installed?)",
                         node_id=node_id)
        self.type_id = type_id


class NodeNotFoundError(GraphError):
    def __init__(self, node_id: str):
        super().__init__(f"no node with id '{node_id}'", node_id=node_id)


class PortError(GraphError):
    """A port that does not exist on a node."""

    def __init__(self, node_id: str, port: str, direction: str, available: list[str]):
        super().__init__(
            f"node '{node_id}' has no {direction} port '{port}' (has: {', '.join(available) or 'none'})",
            node_id=node_id)
        self.port = port


class TypeMismatchError(GraphError):
    def __init__(self, src: str, src_port: str, src_type: str, dst: str, dst_port: str, dst_type: str):
        super().__init__(
            f"cannot connect {src}.{src_port} ({src_type}) to {dst}.{dst_port} ({dst_type}): "
            f"{dst_type} does not accept {src_type}", node_id=dst)
        self.src, self.src_port, self.dst, self.dst_port = src, src_port, dst, dst_port
        self.src_type, self.dst_type = src_type, dst_type


class CycleError(GraphError):
    def __init__(self, cycle: list[str]):
        super().__init__("the graph has a cycle: " + " -> ".join(cycle + cycle[:1]),
                         node_id=cycle[0] if cycle else None)
        self.cycle = cycle


class MissingInputError(GraphError):
    def __init__(self, node_id: str, port: str, title: str = ""):
        label = f"'{title}' ({node_id})" if title else f"'{node_id}'"
        super().__init__(f"node {label}: required input '{port}' is not connected", node_id=node_id)
        self.port = port


class ParamError(StudioError):
    """A parameter value is wrong. Subclasses say how."""

    def __init__(self, param: str, cause: str, node_id: str | None = None):
        where = f"node '{node_id}', " if node_id else ""
        super().__init__(f"{where}parameter '{param}': {cause}", node_id=node_id)
        self.param = param
        self.cause = cause

    def for_node(self, node_id: str) -> "ParamError":
        """The same error, now naming the node."""
        return type(self)(self.param, self.cause, node_id=node_id)


class ParamTypeError(ParamError):
    pass


class ParamRangeError(ParamError):
    pass


class UnknownParamError(ParamError):
    pass


class GraphFileError(StudioError):
    """A graph file cannot be read. Always names the file and the cause."""

    def __init__(self, path: str, cause: str):
        super().__init__(f"cannot load graph '{path}': {cause}")
        self.path = path
        self.cause = cause


class NodeExecutionError(StudioError):
    """A node failed while running. Wraps the original exception."""

    def __init__(self, node_id: str, title: str, cause: BaseException | str):
        msg = cause if isinstance(cause, str) else (disk_problem(cause) or str(cause) or type(cause).__name__)
        super().__init__(f"node '{title}' ({node_id}) failed: {msg}", node_id=node_id)
        self.title = title
        self.cause = cause if isinstance(cause, BaseException) else None


class MediaError(StudioError):
    """A media file is missing, empty or corrupt."""


class Cancelled(StudioError):
    """The run was cancelled by the user."""

    def __init__(self, message: str = "cancelled"):
        super().__init__(message)


class DiskError(MediaError, OSError):
    """A write failed for want of space or permission (made from the OSError by disk_problem).
    Still an OSError, so code that handles a failed write as an OSError goes on handling it."""


_DISK = {"ENOSPC": "the disk is full (no space left on the device): free some space or write elsewhere",
         "EDQUOT": "the disk quota is used up: free some space or write elsewhere",
         "EROFS": "the file system is read-only: write elsewhere",
         "EACCES": "permission denied: write into a folder that is yours",
         "EPERM": "not permitted: write into a folder that is yours"}


def disk_problem(e: BaseException | None, where: str | None = None) -> str | None:
    """A one-line message for a write that failed for want of space or permission (ENOSPC,
    EDQUOT, EROFS, EACCES, EPERM), found in ``e`` or the exceptions it was raised from; else None."""
    import errno as _errno
    seen = 0
    while e is not None and seen < 20:
        seen += 1
        if isinstance(e, DiskError):
            return str(e)
        if isinstance(e, OSError) and e.errno is not None:
            name = _errno.errorcode.get(e.errno, "")
            if name in _DISK:
                where = where or (e.filename if isinstance(e.filename, str) else None)
                return f"cannot write {where}: {_DISK[name]}" if where else f"cannot write: {_DISK[name]}"
        e = e.__cause__ or e.__context__
    return None
