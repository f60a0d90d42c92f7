"""The queue on disk: one JSON file in the queue's folder, replaced whole at each change (written
beside it, flushed to the disk, then renamed over it), so a kill at any moment leaves the last
whole queue: no job that was queued is lost. A job that was running when the process died is
failed as interrupted when the queue is read again, naming the node that was writing its files then
(saved as it started writing, with each file the job finished), said in its log; the user re-queues it
(JobQueue.retry).

A job added to a long queue is not a rewrite of the whole queue (5,000 jobs would cost their whole
size at each add): past JOURNAL_FROM bytes its one line is appended to the journal beside it (queue.added: one JSON job a line, flushed to
the disk), which load() reads after the queue file and the next whole write empties. A line cut by a
kill while it was written is a job never acknowledged: it is left out, said in ``notes``.

The folder is input like any file from elsewhere (issue 101): the queue file is read only as a
regular file (never through a link, never waited on as a FIFO), its size known before a byte is
read, its text checked against the schema (schema.py) before any job is made of it. A file that
fails is set aside whole beside it (queue.json.damaged-<time>), said in one sentence (``notes``),
and the queue starts empty. The lock file is never opened through a link."""
from __future__ import annotations

import errno
import json
import os
import stat
import time

from studio.core.errors import StudioError
from studio.core.paths import write_atomic

from .job import FAILED, RUNNING, Job
from .schema import FORMAT, QueueFileError, check_doc, job_problem

FILE = "queue.json"
JOURNAL = "queue.added"
JOURNAL_FROM = 256_000  # bytes of queue past which an add is journaled (below, a whole write costs no more)
LOCK = ".lock"
MAX_FILE_BYTES = 64_000_000  # the most a queue file is read from (its jobs: well under 2 GB in memory)
ADD_LIMIT = 48_000_000  # a job is not added past this, so the logs of the jobs kept have room
# objects and lists a queue file may hold, counted in its bytes before it is parsed: a queue writes about one
# a 30 bytes; 64 MB of '[],' would be 21 million lists (1.6 GB), this many are under 0.7 GB
MAX_CONTAINERS = 8_000_000
_FLAGS = getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)


class QueueBusy(StudioError):
    """The queue's folder is held by another process (a window, `main.py serve`, `main.py queue run`)."""


class QueueFull(StudioError):
    """A job not added: the queue file would grow past what a queue file may hold."""


def interrupted(job: Job) -> str:
    """Why a job found running when its queue is read again failed: named by the node that was writing
    its files then, if one was (run.py keeps it in error_node while it writes)."""
    what = (f"while node {job.error_node} wrote its files (they are incomplete; the files the job had finished are "
            "listed)") if job.error_node else "while this job ran"
    return f"interrupted: Studio stopped {what}; re-queue it"


class JobStore:
    def __init__(self, folder: str):
        self.folder = folder
        self.path = os.path.join(folder, FILE)
        self.journal = os.path.join(folder, JOURNAL)
        self._bytes = 0  # of the queue file and the journal as last written or read (the limit of an add)
        try:
            os.makedirs(folder, exist_ok=True)
        except FileExistsError:
            raise StudioError(f"the queue folder {folder} is not a folder (a file has that name): give a folder") from None
        self._lock_fd: int | None = None
        self._paused = False
        self.notes: list[str] = []  # what reading the folder found (a file set aside), one sentence each
        self.interrupted: list[Job] = []  # the jobs load() found running (their process was killed)

    def lock(self) -> None:
        """Hold the folder for this process (an advisory lock the system drops when the process ends,
        a kill -9 included): two processes never write one queue. QueueBusy when another holds it."""
        try:
            import fcntl
        except ImportError:  # Windows: not held (one Studio at a time there)
            return
        path = os.path.join(self.folder, LOCK)
        try:  # never through a link: one would make (and lock) the file it leads to, outside the folder
            fd = os.open(path, os.O_RDWR | os.O_CREAT | _FLAGS, 0o644)
        except OSError as e:
            why = "it is a link, and Studio never opens the lock through one" if e.errno == errno.ELOOP else \
                (e.strerror or type(e).__name__)
            raise StudioError(f"the queue's lock file {path} cannot be opened ({why}): remove it, or give "
                              "another folder") from None
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            os.close(fd)
            raise StudioError(f"the queue's lock file {path} is not a regular file: remove it, or give another folder")
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            raise QueueBusy(f"the queue in {self.folder} is open in another Studio (a window, `main.py serve` or "
                            "`main.py queue run`): close it, or give another folder") from None
        self._lock_fd = fd

    def unlock(self) -> None:
        if self._lock_fd is not None:
            os.close(self._lock_fd)  # closing the file drops its lock
            self._lock_fd = None

    def load(self) -> list[Job]:
        """The jobs kept, in order; those that were running are failed as interrupted. A file that cannot
        be read as a queue is set aside (said in ``notes``) and the queue starts empty."""
        try:
            doc = self._read()
        except FileNotFoundError:
            doc = {}  # none written whole yet: the jobs added are in the journal alone
        except (OSError, ValueError) as e:  # a damaged or foreign file is set aside whole, never dropped
            why = _words(e)
            aside = self._set_aside(why)
            self.notes.append(f"the queue file {self.path} could not be read as a queue: {why}; it was moved to "
                              f"{aside} and the queue starts empty")
            self._set_journal_aside()
            return []
        self._paused = doc.get("paused", False)
        jobs = [Job.from_dict(d) for d in doc.get("jobs", [])]
        jobs += self._journaled({j.id for j in jobs})
        for j in jobs:
            if j.state == RUNNING:
                j.state, j.ended = FAILED, j.ended or time.time()
                j.error = interrupted(j)
                j.say(j.error)
                self.interrupted.append(j)
        return jobs

    def _journaled(self, known: set[str]) -> list[Job]:
        """The jobs the journal adds after the queue file (those already in it left out: a whole write
        whose journal was not yet emptied when the process died)."""
        try:
            raw = self._raw(self.journal, MAX_FILE_BYTES - self._bytes)
        except FileNotFoundError:
            return []
        except (OSError, ValueError) as e:
            self.notes.append(f"the queue's journal {self.journal} could not be read ({_words(e)}): the jobs added "
                              "since the queue was last written whole are not in the queue")
            return []
        self._bytes += len(raw)
        jobs, lines = [], raw.split(b"\n")
        for k, line in enumerate(lines):
            if not line.strip():
                continue
            try:
                d = json.loads(line.decode("utf-8"))
                why = job_problem(d)
            except (ValueError, RecursionError):
                d, why = None, "is not JSON"
            if why:
                last = k == len(lines) - 1  # cut while it was written: never acknowledged to anyone
                self.notes.append(f"line {k + 1} of the queue's journal {why}: " + (
                    "a job being added when Studio stopped, not queued" if last else "that job is left out"))
                continue
            if d.get("id") not in known:
                known.add(d.get("id"))
                jobs.append(Job.from_dict(d))
        return jobs

    def journaled(self) -> bool:
        """Whether an add is appended to the journal (a queue past JOURNAL_FROM bytes), not written whole."""
        return self._bytes > JOURNAL_FROM

    def append(self, jobs: list[Job], limit: int | None = None) -> None:
        """Add ``jobs`` at the end of the queue kept: their lines appended to the journal, flushed to the
        disk (nothing else of the queue is written). ``limit``: QueueFull, writing nothing, past it."""
        text = "".join(json.dumps(j.to_dict(), default=str) + "\n" for j in jobs).encode()
        if limit is not None and self._bytes + len(text) > limit:
            raise QueueFull(f"the queue would hold {(self._bytes + len(text)) / 1e6:,.0f} MB with this job, over the "
                            f"{limit / 1e6:.0f} MB a queue takes: run or remove some jobs first")
        new = not os.path.lexists(self.journal)
        fd = os.open(self.journal, os.O_WRONLY | os.O_APPEND | os.O_CREAT | _FLAGS, 0o644)
        try:
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                raise StudioError(f"the queue's journal {self.journal} is not a regular file: remove it")
            os.write(fd, text)
            os.fsync(fd)
        finally:
            os.close(fd)
        if new:
            _sync_folder(self.folder)
        self._bytes += len(text)

    def _read(self) -> dict:
        """The queue document, checked: FileNotFoundError when there is none; QueueFileError in words."""
        raw = self._raw(self.path, MAX_FILE_BYTES)
        self._bytes = len(raw)
        try:
            doc = json.loads(raw.decode("utf-8"))
        except json.JSONDecodeError as e:
            raise QueueFileError(f"it is not valid JSON ({e.msg} at line {e.lineno}, column {e.colno})") from None
        except RecursionError:
            raise QueueFileError("its JSON nests too deeply") from None
        check_doc(doc)
        return doc

    def _raw(self, path: str, limit: int) -> bytes:
        """The bytes of ``path`` read only as a regular file, at most ``limit`` (QueueFileError past it)."""
        try:
            fd = os.open(path, os.O_RDONLY | _FLAGS)
        except OSError as e:
            if e.errno == errno.ELOOP:
                raise QueueFileError("it is a link; a queue file is read only as a regular file") from None
            if e.errno == errno.ENXIO:
                raise QueueFileError("it is a socket or a device, not a regular file") from None
            raise
        with os.fdopen(fd, "rb") as f:
            st = os.fstat(fd)
            if not stat.S_ISREG(st.st_mode):
                raise QueueFileError("it is not a regular file (a FIFO, a device or a folder)")
            if st.st_size > limit:
                raise QueueFileError(f"it is {st.st_size / 1e6:,.0f} MB, over the {limit / 1e6:.0f} MB a "
                                     "queue file may hold")
            raw = f.read(limit + 1)
        if len(raw) > limit:
            raise QueueFileError(f"it grew past {MAX_FILE_BYTES / 1e6:.0f} MB while it was read")
        if raw.count(b"{") + raw.count(b"[") > MAX_CONTAINERS:  # brackets inside text counted too: an upper bound
            raise QueueFileError(f"it holds more than {MAX_CONTAINERS:,} JSON objects and lists, over what a queue "
                                 "file may hold")
        return raw

    def _set_journal_aside(self) -> None:
        """The journal of a queue file set aside goes beside it (its jobs followed that file's)."""
        if os.path.lexists(self.journal):
            try:
                os.rename(self.journal, f"{self.journal}.damaged-{int(time.time())}")
            except OSError:
                pass

    def _set_aside(self, why: str) -> str:
        stamp = int(time.time())
        aside, n = f"{self.path}.damaged-{stamp}", 1
        while os.path.lexists(aside):  # one set aside earlier this second is kept too
            n += 1
            aside = f"{self.path}.damaged-{stamp}-{n}"
        try:
            os.rename(self.path, aside)  # a link or a FIFO is moved as it is: nothing is read through it
        except OSError as e:
            raise StudioError(f"the queue file {self.path} could not be read ({why}) nor moved aside "
                              f"({e.strerror or type(e).__name__}): move it away, then open the queue again") from None
        return aside

    def save(self, jobs: list[Job], paused: bool = False, limit: int | None = None) -> None:
        """Write the queue (atomically). ``limit``: QueueFull, writing nothing, when it would take more bytes."""
        doc = {"format": FORMAT, "version": 1, "paused": paused, "jobs": [j.to_dict() for j in jobs]}
        # one write through the C encoder (json.dump writes in pieces); written beside, flushed, renamed
        text = json.dumps(doc, default=str)
        if limit is not None and len(text) > limit:  # ASCII (json's default): characters are bytes
            raise QueueFull(f"the queue file would hold {len(text) / 1e6:,.0f} MB with this job, over the "
                            f"{limit / 1e6:.0f} MB a queue takes: run or remove some jobs first")
        write_atomic(self.path, text, durable=True)
        self._bytes = len(text)
        try:  # its jobs are in the file now (a journal left by a kill here: load() skips the jobs it has)
            os.remove(self.journal)
        except FileNotFoundError:
            pass

    def paused(self) -> bool:
        """Whether the queue read was paused."""
        return bool(self._paused)


def _sync_folder(folder: str) -> None:
    """The folder's entries flushed to the disk (a new journal's name survives a power cut)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _words(e: Exception) -> str:
    """Why a queue file could not be read, in words (no Python exception names)."""
    if isinstance(e, QueueFileError):
        return str(e)
    if isinstance(e, OSError):
        return e.strerror or "it cannot be read"
    return "it is not UTF-8 text"  # UnicodeDecodeError: the one other ValueError of a read
