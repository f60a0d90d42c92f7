"""Captioned clip datasets for training: a folder of clips with captions, or a built-in synthetic
set of coloured shapes moving in named directions.

A dataset is a list of items (a caption and a way to load a fixed-size clip), all resized,
cropped and retimed to the same ``n_frames x height x width`` at ``fps``, loaded lazily (an item
is decoded when the trainer asks for it), with a split: ``train``, ``val`` (a random share of the
training material) and, for the synthetic set, ``test`` (caption combinations held out of
training, to check that a model composes what it learned).
"""
from __future__ import annotations

import csv
import hashlib
import io
import json
import os
from dataclasses import dataclass, field
from typing import Any, Callable

import cv2
import numpy as np

from studio.core.errors import MediaError
from studio.engine.clip import ArrayClip, Clip

from nodes.synthetic import COLORS, DIRECTIONS, SHAPES, ShapesClip, caption, shapes_audio

VIDEO_EXTS = (".mp4", ".mov", ".mkv", ".avi", ".webm", ".m4v", ".gif")


@dataclass
class Item:
    caption: str
    load: Callable[[], np.ndarray]  # -> float32 [T, H, W, 3] in [0, 1]
    split: str = "train"
    labels: dict[str, Any] = field(default_factory=dict)  # synthetic: colour, shape, direction
    key: str = ""  # what identifies the item in the dataset hash
    audio: Callable[[], Any] | None = None  # -> studio.core.values.Audio playing under the clip, if it has one


class VideoDataset:
    """Items of equal size; ``frames(i)`` decodes (and remembers) item i."""

    def __init__(self, items: list[Item], n_frames: int, width: int, height: int, fps: float,
                 name: str = "dataset", info: dict[str, Any] | None = None):
        if not items:
            raise MediaError(f"{name}: the dataset has no clips")
        self.items = items
        self.n_frames, self.width, self.height, self.fps = int(n_frames), int(width), int(height), float(fps)
        self.name = name
        self.info = info or {}
        self._cache: dict[int, np.ndarray] = {}

    def __len__(self) -> int:
        return len(self.items)

    def indices(self, split: str = "train") -> list[int]:
        return [i for i, it in enumerate(self.items) if it.split == split]

    def captions(self, split: str | None = None) -> list[str]:
        return [it.caption for it in self.items if split is None or it.split == split]

    def frames(self, i: int) -> np.ndarray:
        f = self._cache.get(i)
        if f is None:
            f = np.asarray(self.items[i].load(), np.float32)
            want = (self.n_frames, self.height, self.width, 3)
            if f.shape != want:
                raise MediaError(f"{self.name}: item {i} has shape {f.shape}, expected {want}")
            if not np.isfinite(f).all():
                raise MediaError(f"{self.name}: item {i} ('{self.items[i].caption}') has NaN or infinite pixels")
            f.flags.writeable = False
            self._cache[i] = f
        return f

    def clip(self, i: int) -> Clip:
        return ArrayClip(self.frames(i), self.fps)

    def batch(self, idx) -> np.ndarray:
        return np.stack([self.frames(int(i)) for i in idx])

    @property
    def hash(self) -> str:
        payload = [self.name, self.n_frames, self.width, self.height, self.fps,
                   [(it.key or it.caption, it.caption, it.split) for it in self.items]]
        return hashlib.sha256(json.dumps(payload).encode()).hexdigest()[:16]

    def describe(self) -> str:
        n = {s: len(self.indices(s)) for s in ("train", "val", "test")}
        return (f"{self.name}: {len(self)} clips ({n['train']} train, {n['val']} val, {n['test']} test), "
                f"{self.n_frames} frames {self.width}x{self.height} @ {self.fps:g} fps")


# -- synthetic captioned shapes ---------------------------------------------------------------
ALL_COMBOS = [(c, s, d) for c in COLORS for s in SHAPES for d in DIRECTIONS]


def default_holdout(n: int) -> list[tuple[str, str, str]]:
    """``n`` colour/shape/direction combinations held out of training, balanced (combination k
    takes colour k mod 8, shape k mod 3, direction k mod 4: each direction and shape equally
    often), so every colour, shape and direction still appears in training: only the
    combination is new."""
    cs, ss, ds = list(COLORS), list(SHAPES), list(DIRECTIONS)
    return [(cs[k % len(cs)], ss[k % len(ss)], ds[k % len(ds)]) for k in range(min(n, 24))]


def parse_holdout(text: str) -> list[tuple[str, str, str]]:
    """'red triangle up, blue circle left' -> [(red, triangle, up), (blue, circle, left)]"""
    out = []
    for part in text.replace(";", ",").split(","):
        words = part.lower().split()
        if not words:
            continue
        c = next((w for w in words if w in COLORS), None)
        s = next((w for w in words if w in SHAPES), None)
        d = next((w for w in words if w in DIRECTIONS), None)
        if not (c and s and d):
            raise ValueError(f"held-out combination '{part.strip()}' needs a colour "
                             f"({', '.join(COLORS)}), a shape ({', '.join(SHAPES)}) and a direction "
                             f"({', '.join(DIRECTIONS)})")
        out.append((c, s, d))
    return out


def synthetic_item_shape(seed: int, combo: tuple[str, str, str], width: int, height: int, n_frames: int,
                         size_range=(0.15, 0.2), speed_range=(0.035, 0.06)) -> dict:
    """One shape: the combination's colour, kind and direction, a random size, speed and path
    (centred so it stays in view). Sizes and speeds are fractions of the frame's smaller side."""
    rng = np.random.default_rng(seed)
    c, s, d = combo
    m = min(width, height)
    size = float(rng.uniform(*size_range) * m)
    speed = float(rng.uniform(*speed_range) * m)
    dx, dy = DIRECTIONS[d]
    cx = width / 2 + (rng.random() - 0.5) * width * (0.5 if dx == 0 else 0.2)
    cy = height / 2 + (rng.random() - 0.5) * height * (0.5 if dy == 0 else 0.2)
    return {"shape": s, "color": c, "direction": d, "size": size, "speed": speed,
            "x0": cx - dx * speed * (n_frames - 1) / 2, "y0": cy - dy * speed * (n_frames - 1) / 2}


def synthetic_dataset(count: int = 512, n_frames: int = 8, width: int = 32, height: int = 32,
                      fps: float = 8.0, background: str = "black", seed: int = 0,
                      holdout: list[tuple[str, str, str]] | None = None, val_fraction: float = 0.05,
                      test_per_combo: int = 4) -> VideoDataset:
    """Captioned clips of one coloured shape moving in a named direction ("a red circle moving
    left"). ``holdout`` combinations never appear in train/val; ``test_per_combo`` clips of each
    make the test split."""
    holdout = list(holdout if holdout is not None else default_holdout(12))
    hold = set(holdout)
    train_combos = [c for c in ALL_COMBOS if c not in hold]
    rng = np.random.default_rng(seed)
    items: list[Item] = []

    def make(k: int, combo, split: str) -> Item:
        item_seed = int(rng.integers(0, 2**31 - 1))
        sh = synthetic_item_shape(item_seed, combo, width, height, n_frames)

        def load(sh=sh, item_seed=item_seed):
            return ShapesClip([sh], n_frames, fps, width, height, background, item_seed).chunk(0, n_frames).copy()

        def audio(sh=sh):  # the clip's sound track, as source.shapes makes it
            return shapes_audio([sh], n_frames, fps, width)
        return Item(caption([sh]), load, split,
                    {"color": combo[0], "shape": combo[1], "direction": combo[2]}, key=f"{k}:{item_seed}",
                    audio=audio)

    for k in range(count):
        combo = train_combos[k % len(train_combos)] if k < len(train_combos) else \
            train_combos[int(rng.integers(len(train_combos)))]
        split = "val" if rng.random() < val_fraction else "train"
        items.append(make(k, combo, split))
    for j, combo in enumerate(holdout):
        for r in range(test_per_combo):
            items.append(make(count + j * test_per_combo + r, combo, "test"))
    return VideoDataset(items, n_frames, width, height, fps, name="synthetic shapes",
                        info={"kind": "synthetic", "background": background, "seed": seed,
                              "holdout": [" ".join(h) for h in holdout]})


# -- a folder of captioned clips ------------------------------------------------------------------
def fit_frame(img: np.ndarray, width: int, height: int, mode: str = "fill") -> np.ndarray:
    """Resize a frame to ``width x height``: 'fill' scales to cover and centre-crops, 'stretch'
    ignores the aspect ratio."""
    h, w = img.shape[:2]
    if mode == "stretch" or w * height == h * width:
        return cv2.resize(img, (width, height), interpolation=cv2.INTER_AREA).reshape(height, width, -1)
    s = max(width / w, height / h)
    nw, nh = max(width, round(w * s)), max(height, round(h * s))
    img = cv2.resize(img, (nw, nh), interpolation=cv2.INTER_AREA).reshape(nh, nw, -1)
    x0, y0 = (nw - width) // 2, (nh - height) // 2
    return img[y0:y0 + height, x0:x0 + width]


def retime_indices(src_frames: int, src_fps: float, n_frames: int, fps: float, start: float = 0.0) -> list[int]:
    """Source frame indices for ``n_frames`` at ``fps`` starting at ``start`` seconds; a short
    source holds its last frame."""
    out = []
    for k in range(n_frames):
        t = start + k / fps
        out.append(min(src_frames - 1, int(round(t * src_fps))))
    return out


def load_clip_fixed(path: str, n_frames: int, width: int, height: int, fps: float, fit: str = "fill") -> np.ndarray:
    from studio.engine.media import VideoFileClip
    clip = VideoFileClip(path)
    try:
        idx = retime_indices(clip.n_frames, clip.fps, n_frames, fps)
        frames = [fit_frame(clip.frame(i)[..., :3], width, height, fit) for i in idx]
    finally:
        clip.close()
    return np.stack(frames).astype(np.float32)


def read_captions(folder: str, videos: list[str]) -> dict[str, str]:
    """Captions from a sidecar ``name.txt`` beside each clip, or a CSV in the folder with columns
    ``file`` (or ``path``/``video``) and ``caption`` (or ``text``/``prompt``)."""
    caps: dict[str, str] = {}
    csvs = [f for f in sorted(os.listdir(folder)) if f.lower().endswith(".csv")]
    for name in csvs:
        rows = list(csv.DictReader(io.StringIO(_text(os.path.join(folder, name), "captions file"), newline="")))
        if not rows:
            continue
        cols = {c.lower().strip(): c for c in rows[0].keys() if c}
        fcol = next((cols[c] for c in ("file", "path", "video", "filename") if c in cols), None)
        ccol = next((cols[c] for c in ("caption", "text", "prompt") if c in cols), None)
        if fcol is None or ccol is None:
            raise MediaError(f"captions file '{name}' needs a 'file' and a 'caption' column "
                             f"(has: {', '.join(rows[0].keys())})")
        for r in rows:
            caps[os.path.basename((r.get(fcol) or "").strip())] = (r.get(ccol) or "").strip()
    for v in videos:
        side = os.path.join(folder, os.path.splitext(v)[0] + ".txt")
        if os.path.exists(side):
            caps[v] = _text(side, "caption").strip()
    return caps


MAX_CAPTIONS_BYTES = 64 << 20  # a captions CSV of a dataset (a caption file: the same bound)


def _text(path: str, what: str) -> str:
    """A caption's or a captions CSV's text through the checked open (studio.core.checked_open: a FIFO swapped in
    would hang the training, a link outside be read), UTF-8; else one MediaError in words."""
    from studio.core.checked_open import read_bounded
    try:
        return read_bounded(path, MAX_CAPTIONS_BYTES, what).decode("utf-8")
    except (OSError, ValueError) as e:
        raise MediaError(f"cannot read the {what} '{path}': {getattr(e, 'strerror', None) or e}") from None


def folder_dataset(folder: str, n_frames: int = 8, width: int = 32, height: int = 32, fps: float = 8.0,
                   fit: str = "fill", val_fraction: float = 0.1, seed: int = 0) -> VideoDataset:
    if not folder:
        raise MediaError("no dataset folder chosen")
    if not os.path.isdir(folder):
        raise MediaError(f"dataset folder not found: {folder}")
    names = sorted(os.listdir(folder))
    videos = [f for f in names if f.lower().endswith(VIDEO_EXTS)]
    from studio.core.confine import refuse_links_leading_out
    refuse_links_leading_out(folder, [f for f in names if f.lower().endswith(VIDEO_EXTS + (".txt", ".csv"))],
                             "the dataset folder")
    if not videos:
        raise MediaError(f"dataset folder '{folder}' has no video clips ({' '.join(VIDEO_EXTS)})")
    caps = read_captions(folder, videos)
    missing = [v for v in videos if not caps.get(v)]
    if missing:
        raise MediaError(f"{len(missing)} clip(s) in '{folder}' have no caption (a sidecar .txt or a CSV row), "
                         f"e.g. {', '.join(missing[:3])}")
    rng = np.random.default_rng(seed)
    items = []
    for v in videos:
        p = os.path.join(folder, v)
        st = os.stat(p)
        split = "val" if rng.random() < val_fraction else "train"
        items.append(Item(caps[v], (lambda p=p: load_clip_fixed(p, n_frames, width, height, fps, fit)),
                          split, key=f"{v}:{st.st_size}:{st.st_mtime_ns}"))
    if not any(it.split == "train" for it in items):
        items[0].split = "train"
    return VideoDataset(items, n_frames, width, height, fps, name=os.path.basename(os.path.normpath(folder)),
                        info={"kind": "folder", "folder": os.path.abspath(folder)})
