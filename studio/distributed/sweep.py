"""Parameter sweeps: ``--sweep NODE.PARAM=v1,v2`` (several: all combinations), one output per
combination, and a contact sheet of all outputs."""
from __future__ import annotations

import itertools
import os
import re

import numpy as np

from studio.core.errors import StudioError


def parse_sweeps(specs: list[str]) -> list[tuple[str, list[str]]]:
    """``["blur.radius=1,2"]`` -> ``[("blur.radius", ["1", "2"])]``."""
    out = []
    for s in specs:
        key, eq, values = s.partition("=")
        vals = [v.strip() for v in values.split(",") if v.strip()]
        if not eq or "." not in key.strip(".") or not vals:
            raise StudioError(f"--sweep expects NODE.PARAM=V1,V2,..., got '{s}'")
        out.append((key.strip(), vals))
    return out


def combinations(sweeps: list[tuple[str, list[str]]]) -> list[list[str]]:
    """Every combination as a list of ``NODE.PARAM=VALUE`` settings (``--set`` syntax)."""
    if not sweeps:
        return [[]]
    keys = [k for k, _ in sweeps]
    return [[f"{k}={v}" for k, v in zip(keys, combo)] for combo in itertools.product(*(v for _, v in sweeps))]


def combo_label(sets: list[str]) -> str:
    return " ".join(s.split(".", 1)[-1] if s.count(".") >= 1 else s for s in sets)


def combo_path(output: str, sets: list[str]) -> str:
    """``out.mp4`` + ``[grade.exposure=0.5]`` -> ``out_exposure-0.5.mp4``."""
    stem, ext = os.path.splitext(output)
    parts = []
    for s in sets:
        key, _, value = s.partition("=")
        parts.append(f"{key.rpartition('.')[2]}-{value}")
    tag = re.sub(r"[^A-Za-z0-9_.=-]", "_", "_".join(parts))
    return f"{stem}_{tag}{ext or '.mp4'}" if tag else output


def contact_sheet(videos: list[str], labels: list[str], path: str, thumb_width: int = 320) -> str:
    """One PNG: the middle frame of each video, tiled in a grid, each labelled with its settings."""
    import cv2

    from studio.engine.media import VideoFileClip
    tiles = []
    for v, label in zip(videos, labels):
        clip = VideoFileClip(v)
        try:
            f = clip.frame(len(clip) // 2)
        finally:
            clip.close()
        h = max(1, round(f.shape[0] * thumb_width / f.shape[1]))
        img = cv2.resize((f * 255 + 0.5).astype(np.uint8), (thumb_width, h), interpolation=cv2.INTER_AREA)
        band = np.full((22, thumb_width, 3), 24, np.uint8)
        cv2.putText(band, label[:48], (4, 16), cv2.FONT_HERSHEY_SIMPLEX, 0.42, (235, 235, 235), 1, cv2.LINE_AA)
        tiles.append(np.vstack([img, band]))
    th = max(t.shape[0] for t in tiles)
    tiles = [np.vstack([t, np.zeros((th - t.shape[0], thumb_width, 3), np.uint8)]) for t in tiles]
    cols = int(np.ceil(np.sqrt(len(tiles))))
    rows = int(np.ceil(len(tiles) / cols))
    sheet = np.zeros((rows * th, cols * thumb_width, 3), np.uint8)
    for k, t in enumerate(tiles):
        r, c = divmod(k, cols)
        sheet[r * th:(r + 1) * th, c * thumb_width:(c + 1) * thumb_width] = t
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    tmp = path + ".tmp.png"
    if not cv2.imwrite(tmp, cv2.cvtColor(sheet, cv2.COLOR_RGB2BGR)):
        raise StudioError(f"cannot write the contact sheet {path}")
    os.replace(tmp, path)
    return path


def sheet_path(output: str) -> str:
    stem, _ = os.path.splitext(output)
    return f"{stem}_sheet.png"
