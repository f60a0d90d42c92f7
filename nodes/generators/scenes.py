"""Synthetic scenes: 1-3 coloured shapes per clip, each with its own colour, shape, direction and
speed, some rotating or growing, over a still gradient or textured background, captioned from
many phrasings (``phrasing``). The data that motion per pixel needs: two objects moving apart
cannot be one slid picture.

Objects stay inside the frame for the whole clip (no wrapping), do not overlap in the key
(middle) frame, and have distinct colours in a clip. Colour/shape/direction combinations held out
of training (the same balanced list as the one-object set) only appear in the test split, whose
scenes have two objects; each test scene has a caption in the training wording and one in
held-out words and templates.
"""
from __future__ import annotations

import cv2
import numpy as np

from nodes.synthetic import COLORS, DIRECTIONS, background

from .phrasing import canonical, phrase

SCENE_BACKGROUNDS = ("gradient", "texture")


def scene_background(kind: str, h: int, w: int, rng: np.random.Generator) -> np.ndarray:
    """A still ground: a random two-colour gradient, or the synthetic set's calm texture (seeded).
    Darker and less saturated than any object colour."""
    if kind == "texture":
        return background("texture", h, w, int(rng.integers(2**31 - 1)))
    a = rng.uniform(0.05, 0.35, 3).astype(np.float32)
    b = rng.uniform(0.05, 0.35, 3).astype(np.float32)
    ang = rng.uniform(0, 2 * np.pi)
    y, x = np.mgrid[0:h, 0:w].astype(np.float32)
    t = (np.cos(ang) * (x / max(1, w - 1) - 0.5) + np.sin(ang) * (y / max(1, h - 1) - 0.5)) + 0.5
    t = np.clip(t, 0, 1)[..., None]
    return (a * (1 - t) + b * t).astype(np.float32)


def draw_object(img: np.ndarray, shape: str, color, cx: float, cy: float, r: float, angle: float = 0.0) -> None:
    """Anti-aliased shape (sub-pixel centre, rotated by ``angle`` radians) drawn in place."""
    sh, k = 4, 16
    c = tuple(float(v) for v in color)
    if shape == "circle":
        cv2.circle(img, (int(round(cx * k)), int(round(cy * k))), int(round(r * k)), c, -1, cv2.LINE_AA, sh)
        return
    if shape == "square":
        pts = np.array([[-r, -r], [r, -r], [r, r], [-r, r]])
    else:
        pts = np.array([[0, -r * 1.1], [r * 1.05, r * 0.8], [-r * 1.05, r * 0.8]])
    ca, sa = np.cos(angle), np.sin(angle)
    pts = pts @ np.array([[ca, sa], [-sa, ca]]) + np.array([cx, cy])
    cv2.fillPoly(img, [np.round(pts * k).astype(np.int32)], c, cv2.LINE_AA, sh)


def object_state(o: dict, t: int, key: int) -> tuple[float, float, float, float]:
    """(x, y, radius, angle) of object ``o`` at frame ``t`` (the key frame is ``key``)."""
    dx, dy = DIRECTIONS[o["direction"]]
    s = t - key
    return (o["x"] + dx * o["speed"] * s, o["y"] + dy * o["speed"] * s, o["size"] * o["grow"] ** s,
            o["angle"] + o["spin"] * s)


def render_scene(scene: dict, n_frames: int, width: int, height: int) -> np.ndarray:
    """[T, H, W, 3] float32 in [0, 1]."""
    rng = np.random.default_rng(scene["seed"])
    bg = scene_background(scene["background"], height, width, rng)
    key = n_frames // 2
    out = np.empty((n_frames, height, width, 3), np.float32)
    for t in range(n_frames):
        img = bg.copy()
        for o in scene["objects"]:
            x, y, r, a = object_state(o, t, key)
            draw_object(img, o["shape"], COLORS[o["color"]], x, y, r, a)
        out[t] = img
    return out


def make_scene(rng: np.random.Generator, combos: list[tuple[str, str, str]], n_objects: int, n_frames: int,
               width: int, height: int, size_range=(0.12, 0.16), speed_range=(0.035, 0.06),
               p_rotate: float = 0.3, p_grow: float = 0.2, tries: int = 200) -> dict:
    """A scene of ``n_objects`` with distinct colours drawn from ``combos`` (colour, shape,
    direction), placed so that they stay in view and do not overlap in the key frame (drawn
    again from scratch until all fit; the last attempt keeps what fitted)."""
    for _ in range(20):
        sc = _try_scene(rng, combos, n_objects, n_frames, width, height, size_range, speed_range, p_rotate,
                        p_grow, tries)
        if len(sc["objects"]) == n_objects:
            break
    return sc


def _try_scene(rng, combos, n_objects, n_frames, width, height, size_range, speed_range, p_rotate, p_grow,
               tries) -> dict:
    m = float(min(width, height))
    key = n_frames // 2
    objects: list[dict] = []
    colours: set[str] = set()
    for _ in range(tries):
        if len(objects) == n_objects:
            break
        c, s, d = combos[int(rng.integers(len(combos)))]
        if c in colours:
            continue
        size = float(rng.uniform(*size_range) * m)
        speed = float(rng.uniform(*speed_range) * m)
        rotate = s != "circle" and rng.random() < p_rotate
        grow = float(rng.uniform(1.02, 1.045)) if rng.random() < p_grow else 1.0
        reach = size * grow ** max(key, n_frames - 1 - key) * 1.15 + 1.0  # the largest extent, with a margin
        dx, dy = DIRECTIONS[d]
        before, after = speed * key, speed * (n_frames - 1 - key)
        # the key-frame centre range that keeps the object in view all clip long
        xlo = reach + (after if dx < 0 else 0) + (before if dx > 0 else 0)
        xhi = width - reach - (after if dx > 0 else 0) - (before if dx < 0 else 0)
        ylo = reach + (after if dy < 0 else 0) + (before if dy > 0 else 0)
        yhi = height - reach - (after if dy > 0 else 0) - (before if dy < 0 else 0)
        if xlo >= xhi or ylo >= yhi:
            speed *= 0.7
            continue
        x, y = float(rng.uniform(xlo, xhi)), float(rng.uniform(ylo, yhi))
        if any(np.hypot(x - o["x"], y - o["y"]) < (size + o["size"]) * 1.3 + 1 for o in objects):
            continue
        objects.append({"color": c, "shape": s, "direction": d, "x": x, "y": y, "size": size, "speed": speed,
                        "angle": float(rng.uniform(0, np.pi)) if s != "circle" else 0.0,
                        "spin": float(rng.choice([-1, 1]) * rng.uniform(0.06, 0.16)) if rotate else 0.0,
                        "grow": grow, "rotating": bool(rotate), "growing": grow > 1.0})
        colours.add(c)
    return {"objects": objects, "background": str(rng.choice(SCENE_BACKGROUNDS)),
            "seed": int(rng.integers(2**31 - 1))}


def scene_labels(scene: dict) -> dict:
    objs = [{k: o[k] for k in ("color", "shape", "direction")} for o in scene["objects"]]
    return {"objects": objs, **(objs[0] if len(objs) == 1 else {})}


def scenes_dataset(count: int = 2048, n_frames: int = 8, width: int = 32, height: int = 32, fps: float = 8.0,
                   seed: int = 0, holdout: list[tuple[str, str, str]] | None = None, val_fraction: float = 0.05,
                   test_scenes: int = 48, objects=(1, 3), wording: str = "many"):
    """Captioned scenes (see the module). ``wording`` 'many' draws training captions from the
    phrasings; 'plain' uses the one canonical template. Test items carry labels and both
    captions (``labels['caption_plain']``, ``labels['caption_held_out']``)."""
    from .dataset import ALL_COMBOS, Item, VideoDataset, default_holdout
    holdout = list(holdout if holdout is not None else default_holdout(12))
    hold = set(holdout)
    train_combos = [c for c in ALL_COMBOS if c not in hold]
    rng = np.random.default_rng(seed)
    lo, hi = objects
    items = []

    def add(k: int, scene: dict, split: str, cap: str, extra: dict | None = None):
        def load(scene=scene):
            return render_scene(scene, n_frames, width, height)
        items.append(Item(cap, load, split, {**scene_labels(scene), **(extra or {})}, key=f"scene{k}:{scene['seed']}"))

    for k in range(count):
        n = int(rng.integers(lo, hi + 1))
        sc = make_scene(rng, train_combos, n, n_frames, width, height)
        cap = phrase(sc["objects"], rng) if wording == "many" else canonical(sc["objects"])
        add(k, sc, "val" if rng.random() < val_fraction else "train", cap)
    # test: two objects, each a held-out combination (distinct colours)
    for j in range(test_scenes if hold else 0):
        sc = make_scene(rng, holdout, 2, n_frames, width, height)
        plain, other = canonical(sc["objects"]), phrase(sc["objects"], rng, held_out=True)
        add(count + j, sc, "test", plain, {"caption_plain": plain, "caption_held_out": other})
    return VideoDataset(items, n_frames, width, height, fps, name="synthetic scenes",
                        info={"kind": "synthetic-scenes", "seed": seed, "wording": wording,
                              "holdout": [" ".join(h) for h in holdout]})
