"""How Studio writes files: atomically (a temporary file renamed over the target), with the user's
umask, never over a folder or a device. Where relative paths go is in studio.core.project."""
from __future__ import annotations

import contextlib
import os
import tempfile
from typing import Iterator


def umask() -> int:
    """The process's umask (read without changing it where the OS allows)."""
    try:
        with open("/proc/self/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    m = os.umask(0o022)  # not thread-safe for a moment, hence the /proc read first
    os.umask(m)
    return m


_DIR_ENV = ("HOME", "XDG_CACHE_HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_DOCUMENTS_DIR", "USERPROFILE",
            "APPDATA", "LOCALAPPDATA")
_USER_DIRS: dict = {}


def user_dir(kind: str, *app: str) -> str:
    """platformdirs' user folder of ``kind`` ('cache', 'config', 'data', 'documents') for ``app`` (its name
    and author), asked once per environment: platformdirs builds it anew on each call (the documents folder
    reads ~/.config/user-dirs.dirs), and a run asks for its folders several times."""
    key = (kind, app, tuple(os.environ.get(v) for v in _DIR_ENV))
    d = _USER_DIRS.get(key)
    if d is None:
        import platformdirs
        d = _USER_DIRS[key] = getattr(platformdirs, f"user_{kind}_dir")(*app)
    return d


def pid_alive(pid: int) -> bool:
    """Whether a process with this id runs on this machine."""
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # PermissionError: it runs, as another user
        return True
    return True


def temp_prefix(prefix: str) -> str:
    """A temporary file's name prefix that names this process: ``.render-<pid>-``; a file whose
    process has died is a leftover that :func:`sweep_stale` removes."""
    return f"{prefix}{os.getpid()}-"


def sweep_stale(folder: str, prefix: str) -> int:
    """Remove ``<prefix><pid>-*`` files in ``folder`` whose process is gone (a killed render's
    temporary file). Returns how many went. Files of running processes and other names stay."""
    gone = 0
    try:
        with os.scandir(folder) as it:
            names = [e.name for e in it if e.name.startswith(prefix)]
    except OSError:
        return 0
    for name in names:
        pid, sep, _rest = name[len(prefix):].partition("-")
        if sep and pid.isdigit() and not pid_alive(int(pid)):
            try:
                os.unlink(os.path.join(folder, name))
                gone += 1
            except OSError:
                pass
    return gone


def output_problem(path: str) -> str | None:
    """Why ``path`` cannot be written as a file (it is a folder, a device, a FIFO...), or None.
    A rename over a device node would replace the device itself (as root: /dev/zero)."""
    import stat
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return None
    except OSError as e:
        return e.strerror or str(e)
    if stat.S_ISDIR(st.st_mode):
        return f"'{path}' is a folder: give a file name"
    if not stat.S_ISREG(st.st_mode):
        return f"'{path}' is not a regular file (a device, a FIFO or a socket): choose another output path"
    return None


def finish_atomic(tmp: str, path: str) -> None:
    """Give a temporary file (mkstemp makes them 0600) the mode a plainly created file would
    have, 0666 & ~umask, then rename it over ``path``. Every atomic write ends here. Refuses
    to replace anything but a regular file (OSError)."""
    why = output_problem(path)
    if why:
        raise IsADirectoryError(why) if os.path.isdir(path) else OSError(why)
    try:
        os.chmod(tmp, 0o666 & ~umask())
    except OSError:
        pass  # a file system without modes (FAT): the rename still goes on
    os.replace(tmp, path)


@contextlib.contextmanager
def atomic_path(path: str, prefix: str = ".tmp-", durable: bool = True) -> Iterator[str]:
    """A temporary file next to ``path`` (same extension, so writers that go by it still work)
    to write into. When the block ends without an error it is flushed to disk, given the user's
    umask and renamed over ``path`` (finish_atomic: never over a folder or a device); on an error it
    is removed and ``path`` is untouched. One place for every atomic write of Studio's files.
    ``durable=False`` skips the fsync (a frame of an image sequence: a crash loses the frame, never
    leaves half of one, and thousands of fsyncs would slow a render)."""
    why = output_problem(path)
    if why:
        raise OSError(why)
    folder = os.path.dirname(os.path.abspath(path))
    os.makedirs(folder, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=prefix, suffix=os.path.splitext(path)[1], dir=folder)
    os.close(fd)
    try:
        yield tmp
        if durable:
            with open(tmp, "rb") as fh:
                os.fsync(fh.fileno())
        finish_atomic(tmp, path)
    except BaseException as e:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        from .errors import DiskError, disk_problem
        why = disk_problem(e, path) if isinstance(e, OSError) else None
        if why:  # a full disk, a read-only folder: name the file, not its temporary
            raise DiskError(why) from None
        raise
    if durable:  # make the rename itself durable
        try:
            dfd = os.open(folder, os.O_RDONLY)
            try:
                os.fsync(dfd)
            finally:
                os.close(dfd)
        except OSError:
            pass


def write_atomic(path: str, data: bytes | str, durable: bool = True) -> None:
    """Write ``data`` (text as UTF-8) to ``path`` atomically (see atomic_path; ``durable=False``: no
    fsync, for caches a crash may lose but never half-write)."""
    with atomic_path(path, durable=durable) as tmp, open(tmp, "wb") as f:
        f.write(data.encode("utf-8") if isinstance(data, str) else data)


def file_signature(path: str) -> tuple | None:
    """(path, mtime_ns, size, inode) of ``path``, None when it cannot be read: what changes when the file
    is written again (an atomic write renames a new inode over it)."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (path, st.st_mtime_ns, st.st_size, st.st_ino)


def read_json_dict_kept(path: str, memo: dict) -> dict:
    """:func:`read_json_dict`, read again only when the file changed since it was last read into ``memo``
    ('sig': its file_signature, 'data': what it held; a writer that keeps ``memo`` in step puts both there).
    The dict returned is the one ``memo`` holds: a caller that changes it gives a copy to others."""
    sig = file_signature(path)
    if sig is None or memo.get("sig") != sig:
        memo.clear()
        data = read_json_dict(path)
        if sig is not None:
            memo.update(sig=sig, data=data)
        return data
    return memo["data"]


OWN_FILE_LIMIT = 16 << 20  # bytes: Studio's own settings and cache files are kilobytes


def read_own_file(path: str, limit: int = OWN_FILE_LIMIT) -> bytes | None:
    """The bytes of one of Studio's own files (settings, caches, run records), read as untrusted: opened without
    blocking (a FIFO put in its place opens at once), a regular file only (a link to /dev/zero or a device is
    refused before a byte is read), at most ``limit`` bytes; None when it is missing or refused (the file is
    then started again)."""
    import stat
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
                     | getattr(os, "O_NOCTTY", 0))
    except OSError:
        return None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode) or st.st_size > limit:
            return None
        chunks, left = [], limit + 1
        while left > 0:
            b = os.read(fd, min(left, 1 << 20))
            if not b:
                break
            chunks.append(b)
            left -= len(b)
        data = b"".join(chunks)
        return data if len(data) <= limit else None
    except OSError:
        return None
    finally:
        os.close(fd)


def read_json_dict(path: str) -> dict:
    """The JSON object in ``path``, or {} when it is missing, unreadable, not an object, not a regular file or
    over OWN_FILE_LIMIT (a settings or cache file started again; read_own_file)."""
    from .json_limits import JSONLimitError, loads
    raw = read_own_file(path)
    if raw is None:
        return {}
    try:
        data = loads(raw)
    except (JSONLimitError, ValueError, UnicodeDecodeError):
        return {}
    return data if isinstance(data, dict) else {}
