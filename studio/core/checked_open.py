"""The one open of every file a graph reads (issue 76): a path checked at validate can be swapped before the
run opens it (a link to a file outside, a FIFO that blocks, /dev/zero that never ends), so the check that
counts is made on what was opened, not on the name.

Every reader of a user-given file opens it here:

1. ``os.open`` without blocking (``O_NONBLOCK``: a FIFO put in place opens at once instead of waiting for a
   writer), ``O_CLOEXEC`` and ``O_NOCTTY``; ``O_NOFOLLOW`` where the last part of the name may not be a link;
2. ``fstat`` of the opened descriptor: a regular file only (a FIFO, a device, a socket or a folder is refused),
   its size under the caller's bound before a byte is read (a sparse file of gigabytes says so first);
3. where the opened file is: the real path of ``/proc/self/fd/N`` (elsewhere: the real path of the name, if it
   still names the same device and inode), which must lie inside the folders a graph may read while a run or a
   validate is in force (:func:`reading_within`, set by the engine from ``confine.readable_dirs``);
4. only then the bytes.

A library that opens the file itself (safetensors' mmap, PyAV, OpenCV, Pillow) is handed ``/proc/self/fd/N`` of
the checked descriptor (:func:`library_path`): on Linux opening that path opens the very file that was checked,
whatever the name has become since. Where there is no ``/proc`` the checked name is handed over and the name's
device and inode are compared again after the check.

A refusal is a :class:`ReadRefused` in Studio's words, naming the file and the cause; nothing of the file's
bytes is ever read or quoted. Plain stdlib."""
from __future__ import annotations

import contextlib
import contextvars
import errno
import os
import stat
import threading
from collections.abc import Iterator

from .errors import StudioError
from .limits import regular_file_problem

_ROOTS: contextvars.ContextVar[tuple[tuple[str, ...], tuple[str, ...]] | None] = contextvars.ContextVar(
    "studio_read_roots", default=None)
_active: dict[int, tuple[tuple[str, ...], tuple[str, ...]]] = {}  # runs in force (threads a run starts carry no context)
_lock = threading.Lock()
_PROC = "/proc/self/fd"

_KINDS = ((stat.S_ISFIFO, "a named pipe (FIFO)"), (stat.S_ISCHR, "a device"), (stat.S_ISBLK, "a device"),
          (stat.S_ISSOCK, "a socket"), (stat.S_ISDIR, "a folder"))


class ReadRefused(StudioError):
    """A file refused at its open: ``why`` is the cause alone (for a reader that words its own message)."""

    def __init__(self, path: str, what: str, why: str):
        self.path, self.what, self.why = path, what, why
        super().__init__(f"cannot read {what} '{path}': {why}")


# -- the folders in force --------------------------------------------------------------------------
@contextlib.contextmanager
def reading_within(roots, links=()) -> Iterator[None]:
    """Every checked open inside the block (this thread, and threads started while it runs that carry no
    context of their own) must land inside ``roots`` (real paths), or be named inside one of ``links``: folders
    whose links are the user's own and followed wherever they lead (the models folders: a ComfyUI user's
    checkpoint linked from another disk, the Hugging Face cache's snapshots). ``roots`` None: no folder bound
    (the reads of a process that confines nothing)."""
    if roots is None:
        yield
        return
    bound = (tuple(roots), tuple(links))
    token = _ROOTS.set(bound)
    key = object()
    with _lock:
        _active[id(key)] = bound
    try:
        yield
    finally:
        with _lock:
            _active.pop(id(key), None)
        _ROOTS.reset(token)


def _bound() -> tuple[tuple[str, ...], tuple[str, ...]] | None:
    bound = _ROOTS.get()
    if bound is not None:
        return bound
    with _lock:  # a thread a run started: every run in force bounds it (their folders together)
        if not _active:
            return None
        return (tuple(dict.fromkeys(r for b in _active.values() for r in b[0])),
                tuple(dict.fromkeys(r for b in _active.values() for r in b[1])))


def bound_in_force() -> tuple[tuple[str, ...], tuple[str, ...]] | None:
    """(roots, links) an open must land inside now (:func:`reading_within`), or None (nothing bound)."""
    return _bound()


def roots_in_force() -> tuple[str, ...] | None:
    """The folders an open must land inside now, or None (nothing bound)."""
    bound = _bound()
    return None if bound is None else bound[0]


# -- the open --------------------------------------------------------------------------------------
def kind_of(mode: int) -> str:
    return next((k for test, k in _KINDS if test(mode)), "not a regular file")


def _inside(path: str, root: str) -> bool:
    return path == root or path.startswith(root if root.endswith(os.sep) else root + os.sep)


def opened_path(fd: int, path: str, st: os.stat_result) -> str | None:
    """The real path of the file open at ``fd``: ``/proc/self/fd/N`` read, else the real path of ``path`` when it
    still names the opened file (same device and inode); None when neither tells."""
    try:
        where = os.readlink(f"{_PROC}/{fd}")
        if where.startswith(os.sep) and not where.endswith(" (deleted)"):
            return where
    except OSError:
        pass
    real = os.path.realpath(path)
    try:
        now = os.stat(real)
    except OSError:
        return None
    return real if (now.st_dev, now.st_ino) == (st.st_dev, st.st_ino) else None


def open_checked(path: str, what: str = "file", max_bytes: int | None = None,
                 follow_links: bool = True, leave_models: bool = True) -> tuple[int, os.stat_result]:
    """(descriptor, its fstat) of ``path`` once it is known to be a regular file of at most ``max_bytes`` inside
    the folders in force; else :class:`ReadRefused`. The caller closes the descriptor. ``leave_models`` False: a
    file named inside a models folder must also lie inside one (or a folder a graph may read): a model's
    ``config.json`` or ``model_index.json`` that is itself a link leading out of its folder and the models folders is refused (weights
    linked from another disk, and a model folder linked whole, are the user's own; a config that leads anywhere
    would read any small file as a model's)."""
    flags = (os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_NOCTTY", 0)
             | (0 if follow_links else getattr(os, "O_NOFOLLOW", 0)))
    try:
        fd = os.open(path, flags)
    except OSError as e:
        if e.errno == errno.ELOOP:
            why = "it is a link, where a file was expected" if not follow_links else "it is a symbolic link loop"
        elif e.errno == errno.ENXIO:
            why = "it is a socket or a device with nothing behind it, not a regular file"
        else:
            why = e.strerror or type(e).__name__
        raise ReadRefused(path, what, why) from None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise ReadRefused(path, what, f"it is {kind_of(st.st_mode)}, not a regular file (refused at its open, "
                                          "before a byte was read)")
        if max_bytes is not None and st.st_size > max_bytes:
            raise ReadRefused(path, what, f"the {what} is larger than {max_bytes / 1e6:.0f} MB (the limit for a "
                                          f"{what}; it is {st.st_size / 1e6:,.0f} MB): refused before a byte was read")
        bound = _bound()
        if bound is not None:
            roots, links = bound
            where = opened_path(fd, path, st)
            named = os.path.normpath(os.path.abspath(path))
            if any(_inside(named, r) for r in links) and (leave_models or not os.path.islink(path) or (
                    where is not None and any(_inside(where, r) for r in (
                        *roots, *links, os.path.realpath(os.path.dirname(path)))))):
                pass  # named inside a models folder: its links are the user's own (studio.core.models._within)
            elif where is None:
                raise ReadRefused(path, what, "it changed while it was opened (the opened file cannot be placed)")
            elif not any(_inside(where, r) for r in roots):
                raise ReadRefused(path, what, f"the file opened is {where}, outside the folders a graph may read "
                                              "(changed since the graph was checked, or a link leading out): "
                                              "nothing of it was read")
        return fd, st
    except BaseException:
        os.close(fd)
        raise


@contextlib.contextmanager
def checked_file(path: str, what: str = "file", max_bytes: int | None = None,
                 follow_links: bool = True, buffering: int = -1, leave_models: bool = True) -> Iterator:
    """The checked file (:func:`open_checked`) as a binary file object, closed when the block ends."""
    fd, _st = open_checked(path, what, max_bytes, follow_links, leave_models)
    with os.fdopen(fd, "rb", buffering=buffering) as f:
        yield f


def read_checked(path: str, limit: int, what: str = "file", leave_models: bool = True) -> bytes:
    """The bytes of the checked file, at most ``limit``: its size is known before a byte is read, and no more
    than ``limit + 1`` bytes are read, so a file that grows cannot exhaust memory."""
    with checked_file(path, what, limit, leave_models=leave_models) as f:
        data = f.read(limit + 1)
    if len(data) > limit:
        raise ReadRefused(path, what, f"the {what} is larger than {limit / 1e6:.0f} MB (the limit for a {what}): "
                                      "it grew while it was read")
    return data


_LINKS: dict[int, str] = {}  # process id -> its folder (a forked child makes its own)


def _link_folder() -> str:
    """This process's private folder (0700: nobody else can change a link in it) for :func:`library_path`'s named
    links, made once and removed when the process that made it ends."""
    pid = os.getpid()
    with _lock:
        if pid not in _LINKS:
            import atexit
            import tempfile
            _LINKS[pid] = tempfile.mkdtemp(prefix="studio-open-")
            atexit.register(_remove_links, pid)
        return _LINKS[pid]


def _remove_links(pid: int) -> None:
    if os.getpid() == pid:  # never a parent's folder from a forked child's exit
        import shutil
        shutil.rmtree(_LINKS.get(pid, ""), ignore_errors=True)


@contextlib.contextmanager
def library_path(path: str, what: str = "file", max_bytes: int | None = None, named: bool = False) -> Iterator[str]:
    """A path a library that opens files itself may open for the checked file: ``/proc/self/fd/N`` of the checked
    descriptor (the very file checked, whatever its name has become), kept open until the block ends; without
    ``/proc`` the name itself, its device and inode compared again at the end of the block (a swap is refused
    then: the library may have read it, but what it made is not used). ``named``: for a library that goes by the
    name's extension too (FFmpeg's probe), a link of the same name in a private folder leading to
    ``/proc/self/fd/N``."""
    fd, st = open_checked(path, what, max_bytes)
    try:
        proc = f"{_PROC}/{fd}"
        if os.path.exists(proc):
            if not named:
                yield proc
                return
            link = os.path.join(_link_folder(), f"{fd}-{threading.get_ident()}-{os.path.basename(path) or 'file'}")
            try:
                os.symlink(proc, link)
                yield link
            finally:
                with contextlib.suppress(OSError):
                    os.unlink(link)
            return
        yield path
        try:
            now = os.stat(path)
        except OSError:
            now = None
        if now is None or (now.st_dev, now.st_ino) != (st.st_dev, st.st_ino):
            raise ReadRefused(path, what, "it was replaced while it was read")
    finally:
        os.close(fd)


def read_bounded(path: str, limit: int, what: str = "file") -> bytes:
    """The bytes of a regular file, refusing non-regular files and files over ``limit`` bytes, opened and
    checked once (:func:`open_checked`: without blocking, fstat of what was opened, inside the folders a
    graph may read while a run is in force). Reads at most ``limit + 1`` bytes, so a file that grows or lies
    about its size cannot exhaust memory. Raises OSError / ValueError with the reason."""
    why = regular_file_problem(path)  # the words of a FIFO or a folder said before any open
    if why:
        raise ValueError(why)
    try:
        return read_checked(path, limit, what)
    except ReadRefused as e:
        raise ValueError(e.why) from None
