"""Graphs and task wrappers shared by the distributed-render tests (importable by spawned workers)."""
from __future__ import annotations

import hashlib
import os

import cv2
import numpy as np

from studio.core.graph import Graph
from studio.core.registry import default_registry
from studio.distributed.chunk import render_chunk


def crash_once(job_dir: str, a: int, b: int, threads: int = 0):
    """A chunk task whose worker process dies (os._exit) on its first attempt at frame 8."""
    marker = os.path.join(job_dir, f"crashed-{a}")
    if a == 8 and not os.path.exists(marker):
        open(marker, "w").close()
        os._exit(3)
    return render_chunk(job_dir, a, b, threads)


def fake_chunk_dying_once_at_8(job_dir: str, a: int, b: int, threads: int = 0, seconds: float = 0.3):
    """No rendering: dies (os._exit) the first time it gets frame 8, else returns after ``seconds``
    (``functools.partial(..., seconds=0)``: at once, where no test watches a chunk run)."""
    import time
    if a == 8 and not os.path.exists(os.path.join(job_dir, "died")):
        open(os.path.join(job_dir, "died"), "w").close()
        os._exit(5)
    time.sleep(seconds)
    return {"path": "", "warnings": []}


def flaky_once(job_dir: str, a: int, b: int, threads: int = 0):
    """A chunk task that raises OSError on its first attempt at each chunk (a flaky disk)."""
    marker = os.path.join(job_dir, f"flaky-{a}")
    if not os.path.exists(marker):
        open(marker, "w").close()
        raise OSError("disk hiccup")
    return render_chunk(job_dir, a, b, threads)


def bad_input(job_dir: str, a: int, b: int, threads: int = 0):
    """A chunk task that fails on bad input (a StudioError), counting its attempts."""
    from studio.core.errors import MediaError
    with open(os.path.join(job_dir, "attempts"), "a") as f:
        f.write("x")
    raise MediaError("the source video is corrupt at frame 3")


def motion_graph(out: str, frames: int = 16) -> Graph:
    """Shapes, 2x interpolation, optical flow (windowed) shown as colour, with the shapes' sound."""
    g = Graph(default_registry())
    s = g.add_node("source.shapes", {"frames": frames, "width": 64, "height": 48, "speed": 3.0}, node_id="shapes")
    i = g.add_node("motion.interpolate", {"factor": 2.0}, node_id="interp")
    f = g.add_node("motion.optical_flow", {}, node_id="flow")
    c = g.add_node("motion.flow_to_color", {}, node_id="color")
    o = g.add_node("io.save_video", {"path": out, "crf": 0, "preset": "ultrafast"}, node_id="save")
    g.connect(s.id, "video", i.id, "video")
    g.connect(i.id, "video", f.id, "video")
    g.connect(f.id, "flow", c.id, "flow")
    g.connect(c.id, "video", o.id, "video")
    g.connect(s.id, "audio", o.id, "audio")
    return g


def transfer_graph(folder: str, out: str) -> Graph:
    """A whole-clip node (chained-flow motion transfer) feeding a frame-wise grade."""
    still = os.path.join(folder, "still.png")
    img = np.zeros((48, 64, 3), np.uint8)
    img[10:30, 20:40] = (40, 200, 90)
    cv2.imwrite(still, img)
    g = Graph(default_registry())
    s = g.add_node("source.shapes", {"frames": 20, "width": 64, "height": 48}, node_id="shapes")
    im = g.add_node("io.load_image", {"path": still}, node_id="still")
    t = g.add_node("motion.transfer_flow", {"method": "farneback", "refine": False}, node_id="transfer")
    c = g.add_node("transform.color", {"exposure": 0.5}, node_id="grade")
    o = g.add_node("io.save_video", {"path": out, "crf": 0, "preset": "ultrafast"}, node_id="save")
    g.connect(im.id, "image", t.id, "image")
    g.connect(s.id, "video", t.id, "driving")
    g.connect(t.id, "video", c.id, "video")
    g.connect(c.id, "video", o.id, "video")
    return g


def decoded(path: str) -> tuple[list[str], np.ndarray | None]:
    """Hashes of the decoded video frames and the decoded sound samples."""
    import av
    with av.open(path) as c:
        frames = [hashlib.sha1(f.to_ndarray(format="rgb24").tobytes()).hexdigest() for f in c.decode(video=0)]
    with av.open(path) as c:
        sound = (np.concatenate([f.to_ndarray().ravel() for f in c.decode(audio=0)])
                 if c.streams.audio else None)
    return frames, sound


def slow_chunk(job_dir: str, a: int, b: int, threads: int = 0):
    """No rendering: marks itself started as a real chunk does (its progress file), takes 0.6 s."""
    import time

    from studio.distributed.job import Job
    job = Job(job_dir)
    job.write_progress(a, b, 0)
    time.sleep(0.6)
    os.unlink(job.progress_path(a, b))
    return {"path": "", "warnings": []}


def _fail_allocating(errno_code: int):
    """Make this worker's chunk files fail to get their blocks with ``errno_code`` (a full disk, a
    read-only file system), as the system says it when a chunk file is made."""
    import studio.distributed.chunk as C

    def refuse(path: str) -> None:
        raise OSError(errno_code, os.strerror(errno_code), path)
    C._allocate = refuse


def disk_full_at_8(job_dir: str, a: int, b: int, threads: int = 0):
    """A chunk task on a disk that fills up: chunks from frame 8 on find no space."""
    import errno
    if a >= 8:
        _fail_allocating(errno.ENOSPC)
    return render_chunk(job_dir, a, b, threads)


def read_only_at_8(job_dir: str, a: int, b: int, threads: int = 0):
    """A chunk task whose folder turns read-only (a remount) from frame 8 on."""
    import errno
    if a >= 8:
        _fail_allocating(errno.EROFS)
    return render_chunk(job_dir, a, b, threads)


def sleep_forever(job_dir: str, a: int, b: int, threads: int = 0):
    """Writes its pid into the job folder, then sleeps (a worker busy on a long chunk)."""
    import time
    with open(os.path.join(job_dir, f"worker-{os.getpid()}"), "w") as f:
        f.write(str(os.getpid()))
    time.sleep(600)
    return {"path": "", "warnings": []}
