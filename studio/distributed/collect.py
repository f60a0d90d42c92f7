"""Collect: one MP4 from a job's chunk files, encoded by the same writer with the same settings
as a single-process render (so the files match), with the sound muxed once over the whole
range (no joins in the sound) and the graph embedded.

During a render the collect step runs beside the workers: it encodes chunk k as soon as chunks
0..k are published, so the encoder's time overlaps the workers' instead of coming after them."""
from __future__ import annotations

import os
import time
from typing import Callable

import numpy as np

from studio.core.errors import MediaError
from studio.engine.clip import Clip

from .chunk import build
from .job import Job


class ChunkFilesClip(Clip):
    """Frames read back from the chunk files (memory-mapped): the uint8 frames as floats that the
    writer turns back into the same bytes (k / 255 * 255 + 0.5 truncates to k for every k)."""

    def __init__(self, job: Job, like: Clip, wait: Callable[[], None] | None = None):
        """``wait``: while the render runs, a chunk not yet published is waited for; ``wait()``
        is called between looks and raises to give up (the render failed or was cancelled)."""
        super().__init__(like.n_frames, like.fps, like.width, like.height, 3)
        self.job, self.wait = job, wait
        self._files: dict[tuple[int, int], np.ndarray] = {}
        self._starts = sorted(job.chunks)

    def _data(self, i: int) -> tuple[np.ndarray, int]:
        for a, b in self._starts:
            if a <= i < b:
                arr = self._files.get((a, b))
                if arr is None:
                    path = self.job.chunk_path(a, b)
                    while self.wait is not None and not os.path.exists(path):
                        self.wait()
                        time.sleep(0.02)
                    if not os.path.exists(path):
                        raise MediaError(f"chunk {a}-{b - 1} of the job in {self.job.folder} is missing")
                    arr = np.load(path, mmap_mode="r")
                    self._files = {(a, b): arr}  # frames are read in order: keep one chunk mapped
                return arr, i - a
        raise MediaError(f"frame {i} is in no chunk of the job")

    @staticmethod
    def _float(u8: np.ndarray) -> np.ndarray:
        f = u8.astype(np.float32)
        f *= np.float32(1 / 255)  # in place: one array per block, no temporaries
        return f

    def ready(self, a: int, b: int) -> bool:
        """Whether frames [a, b) can be read now without waiting for a worker."""
        return all(os.path.exists(self.job.chunk_path(s, e)) for s, e in self._starts if s < b and a < e)

    def chunk_u8(self, a: int, b: int) -> np.ndarray:
        """Frames [a, b) as the stored encoder bytes (the writer takes them as they are)."""
        arr, k = self._data(a)
        if k + (b - a) <= len(arr):
            return arr[k:k + b - a]
        frames = []
        for i in range(a, b):  # across a join between chunk files
            arr, k = self._data(i)
            frames.append(arr[k])
        return np.stack(frames)

    def _frame(self, i: int) -> np.ndarray:
        arr, k = self._data(i)
        return self._float(arr[k])

    def _chunk(self, a: int, b: int) -> np.ndarray:
        return self._float(self.chunk_u8(a, b))  # one conversion per block


def collect(job: Job, on_chunk=None, check=None, keep_frames: bool = False,
            wait: Callable[[], None] | None = None) -> str:
    """Encode the job's output file; return its path. With ``wait``, chunks still being
    rendered are waited for (see :class:`ChunkFilesClip`)."""
    from studio.core.fileformat import graph_to_json
    from studio.engine.media import write_video
    d = job.desc
    missing = job.missing()
    if missing and wait is None:
        raise MediaError(f"cannot collect {job.folder}: {len(missing)} chunk(s) are not rendered "
                         f"(first: frames {missing[0][0]}-{missing[0][1] - 1})")
    graph, clip, audio, _ = build(job)
    p = graph.nodes[d["output_id"]].params if d["output_id"] in graph.nodes else d["output_params"]
    p = {**d["output_params"], **{k: v for k, v in p.items() if k in ("crf", "preset", "embed_graph")}}
    gj = graph_to_json(graph, indent=None) if p.get("embed_graph", True) else None
    frames = range(*d["frames"])
    write_video(d["output"], ChunkFilesClip(job, clip, wait), frames, audio=audio, graph_json=gj,
                crf=p.get("crf", 18), preset=p.get("preset", "medium"), on_chunk=on_chunk, check=check,
                producer=clip.producer[1] if clip.producer else "")
    if not keep_frames:
        job.remove()
    return d["output"]
