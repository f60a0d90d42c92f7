"""Chunked renders leave nothing behind (issue 23): killing the parent ends its workers; a failed
render (a full disk, a read-only folder) leaves no temporary file and says why in one line; a
resumed render removes what a killed one left."""
from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time

import pytest

from studio import cli
from studio.core.errors import DiskError
from studio.distributed import cli as dcli
from studio.distributed.render import RenderOptions, render

from .helpers import disk_full_at_8, motion_graph, read_only_at_8

pytestmark = pytest.mark.timeout(120)
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def files_under(folder) -> list[str]:
    return sorted(os.path.relpath(os.path.join(r, f), folder) for r, _, fs in os.walk(folder) for f in fs)


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:  # a zombie (dead, not yet reaped by its new parent) counts as gone
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split(") ", 1)[1][0] != "Z"
    except OSError:
        return True


def started_at(pid: int) -> str | None:
    """When the process ``pid`` started (clock ticks since boot, /proc's field 22), None where unknown."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(") ", 1)[1].split()[19]
    except (OSError, IndexError):
        return None


PARENT = r"""
import sys
from studio.distributed.engines import Task
from studio.distributed.local import run_local
from tests.distributed.helpers import sleep_forever
job = sys.argv[1]
run_local([Task(job, 0, 8, index=0), Task(job, 8, 16, index=1)], 2, lambda *a: None, fn=sleep_forever)
"""


@pytest.mark.skipif(not sys.platform.startswith(("linux", "darwin")), reason="POSIX process handling")
def test_killing_the_parent_ends_its_workers(tmp_path):
    job = tmp_path / "job"
    job.mkdir()
    started: dict[int, str | None] = {}  # each worker's start time, to know it again
    parent = subprocess.Popen([sys.executable, "-c", PARENT, str(job)], cwd=ROOT,
                              env=dict(os.environ, PYTHONPATH=ROOT))
    try:
        deadline = time.monotonic() + 60
        while len([f for f in os.listdir(job) if f.startswith("worker-")]) < 2:
            assert time.monotonic() < deadline, "the workers did not start"
            assert parent.poll() is None, "the parent ended early"
            time.sleep(0.1)
        pids = [int(f.split("-")[1]) for f in os.listdir(job) if f.startswith("worker-")]
        started.update((p, started_at(p)) for p in pids)
        assert all(alive(p) for p in pids)
        parent.send_signal(signal.SIGKILL)
        parent.wait(10)
        deadline = time.monotonic() + 10
        ours = lambda p: alive(p) and started_at(p) == started[p]  # noqa: E731 - a reused pid is not ours
        while any(ours(p) for p in pids) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not any(ours(p) for p in pids), "workers outlived their parent"
    finally:
        if parent.poll() is None:
            parent.kill()
        for f in os.listdir(job):  # only a worker still alive and still the one this test started: a pid
            if f.startswith("worker-"):  # can be reused within seconds (pid_max 32768 on CI's machines), and
                pid = int(f.split("-")[1])  # a reused one was another test's process or a pytest worker
                if pid in started and alive(pid) and started_at(pid) == started[pid]:
                    try:
                        os.kill(pid, signal.SIGKILL)
                    except OSError:
                        pass


@pytest.mark.parametrize("task_fn,needle", [(disk_full_at_8, "the disk is full"),
                                            (read_only_at_8, "read-only")])
def test_a_full_or_read_only_disk_fails_in_one_line_and_leaves_nothing(tmp_path, capsys, monkeypatch,
                                                                        task_fn, needle):
    out = tmp_path / "out" / "clip.mp4"
    g = motion_graph(str(out), frames=12)
    with pytest.raises(DiskError, match=needle) as e:
        render([(g, None)], RenderOptions(workers=1, chunk=8, task_fn=task_fn))
    assert "\n" not in str(e.value) and "the chunk files in" in str(e.value)
    assert files_under(tmp_path / "out") == []  # no chunk, no job folder, no .render- file
    assert not os.path.exists(tmp_path / "out" / ".studio-jobs")
    # the same through the command line: one line, exit 1, nothing left
    from studio.core.fileformat import save_graph
    gp = tmp_path / "g.json"
    save_graph(motion_graph(str(out), frames=12), str(gp))
    real = dcli.options_from
    monkeypatch.setattr(dcli, "options_from", lambda args, frames: __import__("dataclasses").replace(
        real(args, frames), task_fn=task_fn))
    assert cli.main(["render", str(gp), "--workers", "1", "--chunk", "8", "-q"]) == 1
    err = [l for l in capsys.readouterr().err.splitlines() if l.strip()]
    assert len(err) == 1 and err[0].startswith("error: cannot write") and needle in err[0], err
    assert files_under(tmp_path / "out") == []


def test_a_read_only_output_folder_is_one_line_before_anything_runs(tmp_path, capsys, monkeypatch):
    import errno

    from studio.distributed import job as J
    from studio.core.fileformat import save_graph
    out = tmp_path / "ro" / "clip.mp4"
    gp = tmp_path / "g.json"
    save_graph(motion_graph(str(out), frames=8), str(gp))

    def read_only(folder, desc):
        raise OSError(errno.EROFS, os.strerror(errno.EROFS), os.path.join(folder, "chunks"))
    monkeypatch.setattr(J.Job, "create", classmethod(lambda cls, folder, desc: read_only(folder, desc)))
    assert cli.main(["render", str(gp), "--workers", "2", "-q"]) == 1
    err = [l for l in capsys.readouterr().err.splitlines() if l.strip()]
    assert len(err) == 1 and "read-only" in err[0] and "--debug" not in err[0], err


def test_resume_removes_what_a_killed_render_left(tmp_path):
    out = tmp_path / "clip.mp4"
    first = render([(motion_graph(str(out), frames=8), None)], RenderOptions(workers=1, chunk=8, keep_job=True))
    job = first.jobs[0]
    os.unlink(os.path.join(job, "chunks", "00000008-00000015.npy"))
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                          text=True).stdout.strip()
    # what a kill -9 leaves: the encoder's temporary file, a half chunk and its progress file
    leftovers = [tmp_path / f".render-{dead}-x1y2z3.mp4", os.path.join(job, "chunks", f".00000008-00000015.npy.{dead}.tmp"),
                 os.path.join(job, "chunks", ".00000008-00000015.progress")]
    for p in leftovers:
        open(p, "wb").write(b"half")
    os.unlink(out)
    again = render([(motion_graph(str(out), frames=8), None)], RenderOptions(workers=1, chunk=8, resume=True))
    assert again.rendered == [(8, 15)]
    assert files_under(tmp_path) == ["clip.mp4"], files_under(tmp_path)


def test_a_full_disk_in_a_single_process_render_is_one_line(tmp_path, capsys, monkeypatch):
    """Save Video on a full disk: the node is named and the cause said plainly, no .render- file."""
    import errno

    from studio.core.fileformat import save_graph
    from studio.engine import media
    from studio.core.graph import Graph
    g = Graph()
    s = g.add_node("source.shapes", {"frames": 2, "width": 32, "height": 32, "sound": False})
    o = g.add_node("io.save_video", {"path": "clip.mp4"})
    g.connect(s.id, "video", o.id, "video")
    gp = tmp_path / "g.json"
    save_graph(g, str(gp))

    def full(tmp, path):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), path)
    monkeypatch.setattr(media, "finish_atomic", full)
    assert cli.main(["render", str(gp), "-q"]) == 1
    err = [l for l in capsys.readouterr().err.splitlines() if l.strip()]
    assert len(err) == 1 and "Save Video" in err[0] and "the disk is full" in err[0], err
    assert files_under(tmp_path) == ["g.json"]


@pytest.fixture
def tiny_disk(tmp_path):
    """A 64 KiB tmpfs (a real full disk), where this machine lets the test mount one; skipped elsewhere."""
    mnt = tmp_path / "disk"
    mnt.mkdir()
    r = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(mnt)], capture_output=True)
    if r.returncode != 0:
        pytest.skip("cannot mount a tmpfs here (needs root or CAP_SYS_ADMIN)")
    yield mnt
    subprocess.run(["umount", "-l", str(mnt)], capture_output=True)


def test_a_real_full_disk_and_a_real_read_only_folder(tiny_disk, tmp_path, capsys):
    from studio.core.fileformat import save_graph
    gp = tmp_path / "g.json"
    out = tiny_disk / "clip.mp4"
    save_graph(motion_graph(str(out), frames=12), str(gp))  # chunks of 8 frames: 72 KiB each
    assert cli.main(["render", str(gp), "--workers", "1", "--chunk", "8", "-q", "--allow-dir", str(tiny_disk)]) == 1
    err = [l for l in capsys.readouterr().err.splitlines() if l.strip()]
    assert len(err) == 1 and "the disk is full" in err[0], err
    assert files_under(tiny_disk) == []  # the job folder went with its chunks
    # the same folder read-only: refused before anything runs
    assert subprocess.run(["mount", "-o", "remount,ro", str(tiny_disk)], capture_output=True).returncode == 0
    assert cli.main(["render", str(gp), "--workers", "1", "-q", "--allow-dir", str(tiny_disk)]) == 1
    err = [l for l in capsys.readouterr().err.splitlines() if l.strip()]
    assert len(err) == 1 and "read-only" in err[0], err
