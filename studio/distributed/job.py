"""The job folder shared by the parent, the workers and the collect step.

::

    <root>/<signature>/job.json          what to render (graph, output node, range, chunk list)
    <root>/<signature>/whole/...         results of whole-clip nodes, run once (.npy / .json)
    <root>/<signature>/chunks/A-B.npy    frames [A, B) as uint8 RGB, exactly what the encoder gets

A chunk file is written under a temporary name and renamed into place when complete, so a file
with a final name is always a finished chunk (a crash leaves only a temporary file behind).
Frames travel through this folder, never through a scheduler's object store: on several
machines it lives on shared storage.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import sys
from typing import Any

import numpy as np

from studio.core.errors import StudioError

from .planner import SplitError

CHUNK_RE = re.compile(r"^(\d{8})-(\d{8})\.npy$")


def _safe(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]", "_", name)


def progress_name(a: int, b: int) -> str:
    """The file name of a running chunk's progress file, in the job's ``chunks`` folder: it
    exists from the chunk's start until it is published or fails."""
    return f".{a:08d}-{b:08d}.progress"


def started_chunks(folder: str) -> set[str]:
    """The progress files in a job's ``chunks`` folder now (one directory listing)."""
    try:
        return {n for n in os.listdir(os.path.join(folder, "chunks")) if n.endswith(".progress")}
    except OSError:
        return set()


class Job:
    def __init__(self, folder: str):
        self.folder = os.path.abspath(folder)
        # the plan the parent compiled from this job's graph (studio.engine.plan.Plan), when this
        # process prepared the job; None where job.json is all there is (a worker, a farm task)
        self.plan: Any = None
        path = os.path.join(self.folder, "job.json")
        try:
            with open(path, encoding="utf-8") as f:
                self.desc: dict[str, Any] = json.load(f)
        except OSError as e:
            raise StudioError(f"no render job in {self.folder}: {e.strerror or e}") from None

    @classmethod
    def create(cls, folder: str, desc: dict[str, Any]) -> "Job":
        from studio.core.fileformat import atomic_write
        os.makedirs(os.path.join(folder, "chunks"), exist_ok=True)
        atomic_write(os.path.join(folder, "job.json"), json.dumps(desc, indent=1))
        return cls(folder)

    def update(self, **values: Any) -> None:
        from studio.core.fileformat import atomic_write
        self.desc.update(values)
        atomic_write(os.path.join(self.folder, "job.json"), json.dumps(self.desc, indent=1))

    # -- the graph ------------------------------------------------------------------------
    def graph(self):
        from studio.core.fileformat import graph_from_dict
        g = graph_from_dict(self.desc["graph"], source=os.path.join(self.folder, "job.json"))
        g.base_dir = self.desc.get("base_dir")
        return g

    @property
    def chunks(self) -> list[tuple[int, int]]:
        return [tuple(c) for c in self.desc["chunks"]]

    # -- chunks ---------------------------------------------------------------------------
    def chunk_path(self, a: int, b: int) -> str:
        return os.path.join(self.folder, "chunks", f"{a:08d}-{b:08d}.npy")

    def progress_path(self, a: int, b: int) -> str:
        return os.path.join(self.folder, "chunks", progress_name(a, b))

    def write_progress(self, a: int, b: int, frames: int) -> None:
        """How many frames of a running chunk are done (read by the parent's progress bar)."""
        p = self.progress_path(a, b)
        with open(p + ".tmp", "w") as f:
            f.write(str(frames))
        os.replace(p + ".tmp", p)

    def read_progress(self, a: int, b: int) -> int:
        try:
            with open(self.progress_path(a, b)) as f:
                return min(b - a, int(f.read() or 0))
        except (OSError, ValueError):
            return 0

    def is_done(self, a: int, b: int) -> bool:
        return os.path.exists(self.chunk_path(a, b))

    def missing(self) -> list[tuple[int, int]]:
        return [c for c in self.chunks if not self.is_done(*c)]

    def clear_chunks(self) -> None:
        d = os.path.join(self.folder, "chunks")
        for name in os.listdir(d):
            os.unlink(os.path.join(d, name))

    def sweep_temporaries(self) -> int:
        """Remove what no finished chunk is: a chunk's temporary file and its progress files (left by a
        worker that was killed). Called by the parent when no worker of this job runs (before the
        chunks start, after a render failed). Returns how many files went."""
        d = os.path.join(self.folder, "chunks")
        gone = 0
        try:
            names = os.listdir(d)
        except OSError:
            return 0
        for name in names:
            if not CHUNK_RE.match(name):
                try:
                    os.unlink(os.path.join(d, name))
                    gone += 1
                except OSError:
                    pass
        return gone

    def remove(self) -> None:
        """After a successful collect the job folder is no longer needed (nor an empty
        ``.studio-jobs`` folder around it)."""
        shutil.rmtree(self.folder, ignore_errors=True)
        parent = os.path.dirname(self.folder)
        if os.path.basename(parent) == ".studio-jobs":
            try:
                os.rmdir(parent)
            except OSError:  # other jobs are in it
                pass

    # -- whole-clip results ---------------------------------------------------------------
    def save_value(self, node_id: str, title: str, port: str, type_name: str, value: Any) -> dict:
        """Write one output of a whole-clip node; return how to read it back."""
        from studio.core.values import Audio
        from studio.engine.clip import Clip
        d = os.path.join(self.folder, "whole")
        os.makedirs(d, exist_ok=True)
        stem = os.path.join(d, _safe(f"{node_id}.{port}"))

        def audio_entry(a: Audio | None, suffix: str) -> dict | None:
            if a is None:
                return None
            np.save(stem + suffix, a.samples)
            return {"file": os.path.basename(stem + suffix), "rate": a.rate}

        if isinstance(value, Clip):
            mm = np.lib.format.open_memmap(stem + ".npy", mode="w+", dtype=np.float32,
                                           shape=(len(value), value.height, value.width, value.channels))
            for a, block in value.chunks(16):
                mm[a:a + len(block)] = block
            mm.flush()
            del mm
            return {"kind": "clip", "file": os.path.basename(stem + ".npy"), "fps": value.fps,
                    "audio": audio_entry(value.audio, ".audio.npy")}
        if isinstance(value, Audio):
            return {"kind": "audio", **audio_entry(value, ".npy")}
        try:
            return self._save_tree_like(value, stem)
        except _Unsaveable:
            pass
        raise SplitError(f"'{title}' needs the whole clip, so it runs once before the chunks, but its "
                          f"output '{port}' ({type_name}, a {type(value).__name__}) cannot be handed to "
                          f"the chunks through files: render this graph without --workers")

    def _save_tree_like(self, value: Any, stem: str) -> dict:
        from studio.core.values import Features, Keypoints
        if isinstance(value, Features):
            return {"kind": "features", "data": self._tree(value.data, stem + ".data"),
                    "per_frame": bool(value.per_frame), "fps": value.fps,
                    "names": list(value.names) if value.names is not None else None,
                    "extras": self._tree(value.extras, stem + ".extras")}
        if isinstance(value, Keypoints):
            return {"kind": "keypoints", "points": self._tree(value.points, stem + ".points"),
                    "visible": self._tree(value.visible, stem + ".visible"),
                    "width": value.width, "height": value.height, "fps": value.fps,
                    "scores": self._tree(value.scores, stem + ".scores"),
                    "person_ids": self._tree(value.person_ids, stem + ".person_ids"), "layout": value.layout}
        return {"kind": "tree", "value": self._tree(value, stem)}

    def _tree(self, value: Any, stem: str) -> Any:
        """Arrays and tensors to .npy files, numbers, text, lists and dicts of them to JSON;
        anything else cannot be handed over (raises)."""
        if isinstance(value, np.ndarray):
            np.save(stem + ".npy", value)
            return {"$npy": os.path.basename(stem + ".npy")}
        torch = sys.modules.get("torch")  # a tensor exists only if torch is loaded: never import it here
        if torch is not None and isinstance(value, torch.Tensor):
            t = value.detach().cpu()
            dtype = str(t.dtype).replace("torch.", "")
            if dtype == "bfloat16":  # numpy has no bfloat16: exact as float32, cast back on load
                t = t.float()
            np.save(stem + ".npy", t.numpy())
            return {"$tensor": os.path.basename(stem + ".npy"), "dtype": dtype}
        if value is None or isinstance(value, (bool, str)):
            return value
        if isinstance(value, (int, float, np.integer, np.floating)):
            return value.item() if isinstance(value, (np.integer, np.floating)) else value
        if isinstance(value, (list, tuple)):
            return {"$list": [self._tree(v, f"{stem}.{k}") for k, v in enumerate(value)],
                    "tuple": isinstance(value, tuple)}
        if isinstance(value, dict) and all(isinstance(k, str) for k in value):
            return {"$dict": {k: self._tree(v, f"{stem}.{_safe(k)}") for k, v in value.items()}}
        raise _Unsaveable(type(value).__name__)

    def _untree(self, v: Any) -> Any:
        d = os.path.join(self.folder, "whole")
        if isinstance(v, dict):
            if "$npy" in v:
                return np.load(os.path.join(d, v["$npy"]))
            if "$tensor" in v:
                import torch
                return torch.from_numpy(np.load(os.path.join(d, v["$tensor"]))).to(getattr(torch, v["dtype"]))
            if "$list" in v:
                items = [self._untree(x) for x in v["$list"]]
                return tuple(items) if v.get("tuple") else items
            if "$dict" in v:
                return {k: self._untree(x) for k, x in v["$dict"].items()}
        return v

    def load_value(self, entry: dict) -> Any:
        from studio.core.values import Audio, Features, Keypoints
        from studio.engine.clip import ArrayClip
        d = os.path.join(self.folder, "whole")
        kind = entry["kind"]
        if kind == "tree":
            return self._untree(entry["value"])
        if kind == "features":
            return Features(self._untree(entry["data"]), entry["per_frame"], entry["fps"], entry["names"],
                            self._untree(entry["extras"]))
        if kind == "keypoints":
            return Keypoints(self._untree(entry["points"]), self._untree(entry["visible"]), entry["width"],
                             entry["height"], entry["fps"], self._untree(entry.get("scores")),
                             self._untree(entry.get("person_ids")), entry.get("layout", ""))

        def audio(e):
            return None if e is None else Audio(np.load(os.path.join(d, e["file"])), e["rate"])

        if kind == "audio":
            return audio(entry)
        arr = np.load(os.path.join(d, entry["file"]), mmap_mode="r")
        return ArrayClip(arr, entry["fps"], audio=audio(entry.get("audio")))

    def load_whole(self) -> dict[str, dict[str, Any]]:
        whole = self.desc.get("whole")
        if whole is None:
            raise StudioError(f"the whole-clip nodes of the job in {self.folder} have not run yet "
                              f"({', '.join(self.desc.get('whole_nodes', []))})")
        return {nid: {port: self.load_value(e) for port, e in ports.items()} for nid, ports in whole.items()}


class _Unsaveable(Exception):
    pass
