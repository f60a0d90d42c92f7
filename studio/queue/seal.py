"""A job's seal: proof that the job, as it will run, is the one this user queued (issue 101).

A graph's own folder is a folder it may read and write (studio.core.confine): `main.py render
~/shots/a.json` may write ``out.mp4`` beside it, because the user named that file. A queued job keeps
that folder (``base_dir``) in the queue file, and the queue file is no proof of anything: a job edited
to ``"base_dir": "/"`` would read and write anywhere. So each job added to a queue is sealed: a
keyed hash (HMAC-SHA256) of what decides where it reads and writes (its folder, its graph, its
overrides, seed and output suffix) and of the files its runs wrote (the window opens them), under a
key kept in the user's settings folder, never in the queue folder; sealed again when a run ends. A
job whose folder is set runs only when its seal holds; any other job runs confined by the user's
settings alone (the project folder and the allowed folders), as a graph never saved does. The
outputs of a job whose seal does not hold are not kept (JobQueue drops them, said in its log).

The key is made once (random, 0600, created without following a link) beside the settings file.
When it cannot be kept there, this process makes one of its own: its jobs run, and jobs queued
by other processes are refused in words (queue them again)."""
from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
import stat
import threading

from studio.core.errors import StudioError

from .job import Job

KEY_FILE = "queue.key"
_keys: dict[str, bytes] = {}  # key file path -> its key (read or made once per process)
_lock = threading.Lock()


def _key() -> bytes:
    from studio.core.settings import config_dir
    path = os.path.join(config_dir(), KEY_FILE)
    with _lock:
        if path not in _keys:
            _keys[path] = _read_key(path) or _make_key(path)
        return _keys[path]


def key_ahead() -> threading.Thread:
    """The key read, or made, on a thread of its own: made on the GUI thread at the first job queued, its fsync
    held the window 150-310 ms (benchmarks/gui_stalls_run.py, a new user's first job); a job added meanwhile
    waits for it under the lock."""
    def read() -> None:
        try:
            _key()
        except Exception:  # noqa: BLE001 - the seal made at the job's adding says what is wrong
            pass
    t = threading.Thread(target=read, name="studio-queue-key", daemon=True)
    t.start()
    return t


def _read_key(path: str) -> bytes | None:
    """The key in ``path``: a regular file (not followed through a link, never waited on) of 64 hex digits."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
    except OSError:
        return None
    try:
        st = os.fstat(fd)
        raw = os.read(fd, 65) if stat.S_ISREG(st.st_mode) and st.st_size == 64 else b""
    finally:
        os.close(fd)
    try:
        return bytes.fromhex(raw.decode("ascii")) if len(raw) == 64 else None
    except ValueError:
        return None


def _make_key(path: str) -> bytes:
    key = secrets.token_bytes(32)
    try:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        if os.path.lexists(path):  # a damaged key: replaced (jobs sealed with it are refused in words)
            os.unlink(path)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600)
    except OSError:
        return _read_key(path) or key  # another process made it first; else a key of this process alone
    try:
        os.write(fd, key.hex().encode("ascii"))
        os.fsync(fd)
    except OSError:  # a full disk: no half key left behind; this process keeps its own
        os.unlink(path)
    finally:
        os.close(fd)
    return key


def _payload(job: Job) -> bytes:
    # the order of a dict's keys survives the file (json keeps it), so the text is the same before and after
    return json.dumps([job.base_dir, job.graph, job.overrides, job.seed, job.output_suffix, job.outputs,
                       job.node_outputs], default=str).encode("utf-8", "surrogatepass")


def seal(job: Job) -> str:
    """The job's seal as it is now."""
    return hmac.new(_key(), _payload(job), hashlib.sha256).hexdigest()


def seal_or(job: Job, kept: str) -> str:
    """The job's seal as it is now, or ``kept`` when it cannot be made (the worker goes on)."""
    try:
        return seal(job)
    except (ValueError, TypeError, RecursionError, OSError):
        return kept


def holds(job: Job) -> bool:
    """Whether the job's seal is its own (it is as this user queued it); False when it cannot be told (a
    graph nested past what json writes)."""
    try:
        return bool(job.seal) and hmac.compare_digest(job.seal, seal(job))
    except (ValueError, TypeError, RecursionError, OSError):
        return False


def check(job: Job, sealed: bool | None = None) -> None:
    """Refuse a job whose folder its seal does not vouch for: it may not read or write there. ``sealed``:
    whether its seal held (asked before a run cleared its outputs)."""
    if job.base_dir is not None and not (holds(job) if sealed is None else sealed):
        raise StudioError(
            f"the job was changed outside Studio or queued by another account: it names the folder "
            f"{job.base_dir[:300]} as its graph's own, and a queue file decides nothing about where a job may "
            "read and write; open its graph file and queue it again")
