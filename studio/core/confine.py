"""Where a graph may write: the one rule for every file a graph writes (videos, image sequences,
checkpoints and their .json, LoRAs, tracks, anything a Path parameter in "save" mode names).

A graph writes only inside an *allowed folder*:

- the graph file's folder (a graph never saved: the project folder);
- the project folder (:func:`studio.core.project.project_dir`);
- the folders in the settings' ``allowed_dirs`` (Preferences > allowed folders; "always" in the
  window's prompt);
- folders allowed for this process only: the command line's ``-o`` folder and ``--allow-dir``,
  the window's "allow for this session", and ``$STUDIO_ALLOWED_DIRS`` (``os.pathsep``-separated).

Paths are compared as real paths (``os.path.realpath``: ``~``, ``..`` and symlinks resolved, also
those of folders that do not exist yet), so a symlinked file or folder that leads out of an allowed
folder counts as outside. A graph may not write over a file it reads itself (its input clip, a
file of a sequence it loads). An output without an extension its format knows gets one added
(``~/.bashrc`` becomes ``~/.bashrc.mp4``), never dropped.

Plain stdlib: the engine, the command line and the window all ask here."""
from __future__ import annotations

import os
import re
import threading

from .errors import GraphError
from .patterns import has_token, regex_for

ENV_ALLOWED = "STUDIO_ALLOWED_DIRS"
_session: list[str] = []
_session_reads: list[str] = []  # folders read from only (a server's input folder)
_lock = threading.Lock()


class OutsideAllowedError(GraphError):
    """An output path outside every allowed folder. ``folder`` is the folder to allow (the
    window offers it: once per folder)."""

    def __init__(self, node_id: str, label: str, param: str, path: str, folder: str):
        self.path, self.folder, self.param, self.label = path, folder, param, label
        r = real(path)
        via = f" (a link: it leads to {r})" if r != os.path.normpath(os.path.abspath(os.path.expanduser(path))) else ""
        super().__init__(f"'{label}' ({node_id}) would write {path}{via} ('{param}'), outside the folders a graph may "
                         f"write into (its own folder, the project folder and the allowed folders); allow it "
                         f"with --allow-dir {folder} on the command line, or in Preferences > allowed folders "
                         f"in the window", node_id=node_id)


class OutsideReadableError(OutsideAllowedError):
    """A file a graph would read outside every folder the user gave (:func:`readable_dirs`); allowed as an
    output folder is (the window offers it: once per folder)."""
    verb = "read"

    def __init__(self, node_id: str, label: str, param: str, path: str, folder: str):
        self.path, self.folder, self.param, self.label = path, folder, param, label
        r = real(path)
        via = f" (a link: it leads to {r})" if r != os.path.normpath(os.path.abspath(os.path.expanduser(path))) else ""
        GraphError.__init__(self, f"'{label}' ({node_id}) would read {path}{via} ('{param}'), outside the folders a "
                                  "graph may read (its own folder, the project folder, the models folders, Studio's "
                                  "own and the allowed folders); pick the file in the window, or allow its folder with "
                                  f"--allow-dir {folder} on the command line or in Preferences > allowed folders",
                            node_id=node_id)


class OverwritesInputError(GraphError):
    """An output path that is (or would write over) a file the same graph reads."""


# -- the allowed folders ----------------------------------------------------------------------------
def real(path: str) -> str:
    """The real path: ``~`` expanded, made absolute, ``..`` and every symlink of the part that
    exists resolved (a folder that does not exist yet is taken as written below its real parent)."""
    return os.path.realpath(os.path.abspath(os.path.expanduser(path)))


def allow_for_session(folder: str) -> str:
    """Let graphs write into ``folder`` (and below) until this process ends. Returns its real path."""
    r = real(folder)
    with _lock:
        if r not in _session:
            _session.append(r)
    return r


def allow_reading_for_session(folder: str) -> str:
    """Let graphs read from ``folder`` (and below), not write there, until this process ends (a server's
    uploads). Returns its real path."""
    r = real(folder)
    with _lock:
        if r not in _session_reads:
            _session_reads.append(r)
    return r


MAX_READ_DIRS = 500  # folders kept from the file dialogs' picks (the oldest dropped first)


def remember_read_folder(folder: str) -> str:
    """A folder the user picked a file in: readable for this session and, kept in the settings'
    ``read_dirs``, when the graph is opened again (a pick in a dialog is the user giving that folder;
    a graph from elsewhere cannot add to it). Returns its real path."""
    r = allow_reading_for_session(folder)
    from .settings import load_settings, save_settings
    kept = load_settings()["read_dirs"]
    if r not in kept:
        save_settings({"read_dirs": [*kept, r][-MAX_READ_DIRS:]})
    return r


def session_dirs() -> list[str]:
    with _lock:
        return list(_session)


def session_read_dirs() -> list[str]:
    with _lock:
        return list(_session_reads)


def forget_for_session(folder: str) -> None:
    """``folder`` no longer allowed by this session, to write into or read from (Preferences' Remove)."""
    r = real(folder)
    with _lock:
        for kept in (_session, _session_reads):
            while r in kept:
                kept.remove(r)


def forget_session() -> None:
    """Drop the folders allowed for this session (tests)."""
    with _lock:
        _session.clear()
        _session_reads.clear()


def allowed_dirs(base_dir: str | None, settings: dict | None = None) -> list[str]:
    """The real paths of every folder a graph whose file is in ``base_dir`` may write into."""
    from .project import project_dir
    if settings is None:
        from .settings import load_settings
        settings = load_settings()
    project = project_dir()
    dirs = [base_dir or project, project, *settings.get("allowed_dirs", [])]
    dirs += [d for d in os.environ.get(ENV_ALLOWED, "").split(os.pathsep) if d.strip()]
    out: list[str] = []
    for d in [*dirs, *session_dirs()]:
        r = real(d)
        if r not in out:
            out.append(r)
    return out


STUDIO_DIR = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))  # its templates' media


def readable_dirs(base_dir: str | None, settings: dict | None = None) -> list[str]:
    """The real paths of every folder a graph whose file is in ``base_dir`` may read from: those it may write
    into (:func:`allowed_dirs`: its own folder, the project folder, the allowed folders, those of this session,
    among them every folder typed on the command line), the models folders, the folders the user picked a file
    in (the settings' ``read_dirs``, kept across sessions) and Studio's own (its templates' media). A graph from elsewhere reads nothing else (no '../../etc/passwd')."""
    if settings is None:
        from .settings import load_settings
        settings = load_settings()
    from .models import model_dirs
    out = allowed_dirs(base_dir, settings)
    with _lock:
        reads = list(_session_reads)
    for d in [*model_dirs(settings), STUDIO_DIR, *settings.get("read_dirs", []), *reads]:
        r = real(d)
        if r not in out:
            out.append(r)
    return out


def run_reads(base_dir: str | None) -> tuple[list[str], list[str]]:
    """(roots, links) for the opens of a run or a validate (studio.core.checked_open.reading_within): every file
    opened must land in the folders a graph may read (:func:`readable_dirs`) or Studio's own cache folder (what
    Studio made itself: kept outputs, resume state), or be named inside a models folder, whose links are the
    user's own and followed wherever they lead (studio.core.models: a checkpoint linked from another disk)."""
    from .manifest import cache_dir
    from .models import model_dirs
    roots = readable_dirs(base_dir)
    own = real(cache_dir())
    links: list[str] = []
    for d in model_dirs():
        for p in (os.path.normpath(os.path.abspath(os.path.expanduser(d))), real(d)):
            if p not in links:
                links.append(p)
    return (roots if own in roots else [*roots, own]), links


def links_leading_out(folder: str, names) -> list[str]:
    """Those of ``names`` (entries of ``folder``, a folder a graph may read) that are links whose real path is
    neither inside ``folder`` nor inside any folder a graph may read (:func:`readable_dirs`, the graph's own
    aside: the folder listed was checked already): a clip, a caption or a frame of a sequence read through
    such a link would read a file the user never gave."""
    root = real(folder)
    out, dirs = [], None
    for name in names:
        path = os.path.join(folder, name)
        if not os.path.islink(path):
            continue
        target = real(path)
        if is_inside(target, root):
            continue
        if dirs is None:
            dirs = readable_dirs(None)
        if not any(is_inside(target, d) for d in dirs):
            out.append(name)
    return out


def refuse_links_leading_out(folder: str, names, what: str) -> None:
    """A ``MediaError``-like refusal (a GraphError) naming the entries of ``folder`` that lead out of the folders a
    graph may read; nothing of the files is read or quoted."""
    out = links_leading_out(folder, names)
    if out:
        more = f" and {len(out) - 3} more" if len(out) > 3 else ""
        raise GraphError(f"{what} '{folder}' holds links leading outside the folders a graph may read "
                         f"({', '.join(out[:3])}{more}): copy those files into the folder, or allow the folder "
                         "they lead to (--allow-dir on the command line, Preferences > allowed folders)")


def is_inside(path: str, folder: str) -> bool:
    """Whether the real path ``path`` is ``folder`` or below it (both real paths)."""
    if path == folder:
        return True
    return path.startswith(folder if folder.endswith(os.sep) else folder + os.sep)


def outside(path: str, dirs: list[str]) -> bool:
    r = real(path)
    return not any(is_inside(r, d) for d in dirs)


# -- extensions -------------------------------------------------------------------------------------
_EXT = re.compile(r"\*(\.[A-Za-z0-9]+)")


def filter_exts(filters: str) -> list[str]:
    """The extensions a file dialog filter names: 'Video (*.mov *.mp4)' -> ['.mov', '.mp4']."""
    return [e.lower() for e in _EXT.findall(filters or "")]


def with_extension(path: str, filters: str) -> str:
    """``path`` with the first extension of ``filters`` appended when its own is not one of them
    (none, or one the format does not know). Never drops what was typed: 'clip' -> 'clip.mp4',
    '~/.bashrc' -> '~/.bashrc.mp4', 'clip.txt' -> 'clip.txt.mp4'."""
    exts = filter_exts(filters)
    if not path or not exts:
        return path
    ext = os.path.splitext(path)[1].lower()
    return path if ext in exts else path + exts[0]


# -- reads against writes ---------------------------------------------------------------------------
def overlaps(writes: list[tuple[object, str]], reads: list[tuple[object, str]]) -> list[tuple[object, object]]:
    """(write tag, read tag) for every write that would land on a file a read takes: the same
    real path (symlinks seen through), the same file under another name (a hard link), a frame
    pattern matching the file read or its pattern, or a write into a folder of frames that is read.
    Indexed by real folder, so a graph of thousands of loaders and savers costs what it holds."""
    plain: dict[str, dict[str, list]] = {}    # real folder -> real basename -> read tags
    inodes: dict[tuple[int, int], list] = {}
    patterns: dict[str, list] = {}            # real folder -> [(name pattern, tag)]
    folders: dict[str, list] = {}             # a folder read whole (frames) -> tags
    for tag, path in reads:
        if os.path.isdir(path):
            folders.setdefault(real(path), []).append(tag)
            continue
        folder, base = os.path.split(path)
        if has_token(base):
            patterns.setdefault(real(folder or "."), []).append((base, tag))
            continue
        r = real(path)
        plain.setdefault(os.path.dirname(r), {}).setdefault(os.path.basename(r), []).append(tag)
        try:
            st = os.stat(path)
            inodes.setdefault((st.st_dev, st.st_ino), []).append(tag)
        except OSError:
            pass
    hits: list[tuple[object, object]] = []
    for wtag, wpath in writes:
        folder, base = os.path.split(wpath)
        wdir = real(folder or ".")
        found: list = list(folders.get(wdir, ()))
        if has_token(base):
            rx = regex_for(base)
            from .patterns import substitute
            found += [t for name, ts in plain.get(wdir, {}).items() if rx.match(name) for t in ts]
            found += [t for rb, t in patterns.get(wdir, ()) if rx.match(substitute(rb, 1))
                      or regex_for(rb).match(substitute(base, 1))]
        else:
            r = real(wpath)
            rdir, rbase = os.path.split(r)
            found += folders.get(rdir, []) if rdir != wdir else []
            found += plain.get(rdir, {}).get(rbase, [])
            found += [t for rb, t in patterns.get(rdir, ()) if regex_for(rb).match(rbase)]
            try:
                st = os.stat(wpath)
                found += inodes.get((st.st_dev, st.st_ino), [])
            except OSError:
                pass
        seen = set()
        for t in found:
            if id(t) not in seen:
                seen.add(id(t))
                hits.append((wtag, t))
    return hits
