"""``python -m scripts.shots [DOCS_DIR] [--only NAME...] [--walk]``: remake every picture of the
README, each in a fresh process (its own QApplication), into DOCS_DIR (default ``docs``).

Run it under a display: ``xvfb-run -a -s "-screen 0 1920x1200x24" .venv/bin/python -m scripts.shots``.
``--walk`` also walks the issue-15 tasks with real X input (needs xdotool and ImageMagick) and
keeps its 1600x1000 and 1024x700 pictures as ``screenshot-1600x1000.png`` / ``screenshot-1024x700.png``.
"""
from __future__ import annotations

import argparse
import glob
import os
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

# name -> (the pictures it makes, the command; {out} is the picture, {dir} the folder)
SHOTS = {
    "window": (["screenshot-window.png"], ["-m", "scripts.shots.window", "{out}"]),
    "timeline": (["screenshot-timeline.png"], ["-m", "scripts.shots.preview", "--screenshot", "{out}"]),
    "encoders": (["screenshot-encoders.png"], ["-m", "scripts.shots.preview", "--encoders", "--screenshot", "{out}"]),
    "training": (["screenshot-training.png"], ["-m", "scripts.shots.training", "{out}"]),
    "draft": (["screenshot-draft.png"], ["-m", "scripts.shots.draft", "{out}"]),
    "templates": (["screenshot-templates.png", "screenshot-running-template.png"],
                  ["-m", "scripts.shots.templates", "{dir}"]),
    "video-preview": (["screenshot-video-preview.png"],
                      [os.path.join("benchmarks", "bench_video_models.py"), "--gui-only", "--shot", "{out}"]),
}


def remake(name: str, docs: str, timeout: float = 900) -> tuple[bool, float, str]:
    files, cmd = SHOTS[name]
    out = os.path.join(docs, files[0])
    args = [sys.executable] + [a.format(out=out, dir=docs) for a in cmd]
    t0 = time.perf_counter()
    try:
        p = subprocess.run(args, cwd=ROOT, capture_output=True, text=True, timeout=timeout)
        ok = p.returncode == 0 and all(os.path.exists(os.path.join(docs, f)) for f in files)
        tail = (p.stdout + p.stderr).strip().splitlines()[-1:] or [""]
    except subprocess.TimeoutExpired:
        ok, tail = False, [f"timed out after {timeout:.0f} s"]
    return ok, time.perf_counter() - t0, tail[0]


def walk(docs: str, timeout: float = 900) -> tuple[bool, float, str]:
    t0 = time.perf_counter()
    out = tempfile.mkdtemp(prefix="studio-walk-")
    p = subprocess.run([sys.executable, "-m", "scripts.shots.walk", out], cwd=ROOT, capture_output=True,
                       text=True, timeout=timeout)
    kept = []
    for pattern, name in (("*-run-1600x1000-window.png", "screenshot-1600x1000.png"),
                          ("*-small-1024x700-window.png", "screenshot-1024x700.png")):
        found = sorted(glob.glob(os.path.join(out, pattern)))
        if found:
            shutil.copyfile(found[-1], os.path.join(docs, name))
            kept.append(name)
    return p.returncode == 0 and len(kept) == 2, time.perf_counter() - t0, f"kept {kept} (walk pictures in {out})"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m scripts.shots", description=__doc__.split("\n\n")[0])
    ap.add_argument("docs", nargs="?", default="docs")
    ap.add_argument("--only", nargs="*", choices=sorted(SHOTS), help="remake only these (none: only --walk)")
    ap.add_argument("--walk", action="store_true", help="also the Xvfb walk's 1600x1000 and 1024x700 pictures")
    a = ap.parse_args(argv)
    os.makedirs(a.docs, exist_ok=True)
    failed = 0
    for name in list(SHOTS) if a.only is None else a.only:
        ok, s, note = remake(name, a.docs)
        failed += not ok
        print(f"{'ok ' if ok else 'FAILED'} {name:14s} {s:6.1f} s  {note}", flush=True)
    if a.walk:
        ok, s, note = walk(a.docs)
        failed += not ok
        print(f"{'ok ' if ok else 'FAILED'} {'walk':14s} {s:6.1f} s  {note}", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
