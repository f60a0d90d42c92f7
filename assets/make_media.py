"""Makes the small media the templates use. Everything is synthesised here: nothing is downloaded.

    .venv/bin/python assets/make_media.py      # rewrites assets/media/*

- music.wav: 12 s at 22.05 kHz, 120 bpm: kick on every beat, hi-hat off-beats, a bass line and
  a chord pad (A minor, F, C, G), so loudness and onsets have something to follow.
- still.png: a 256x256 landscape (sky gradient, sun, hills, texture) to animate; still_dusk.png: the same
  landscape at dusk (the sun low, the sky warm), the last frame of the first_last_frame template.
- driving.mp4: 48 frames 256x256 of a textured pattern that slowly rotates and zooms: the motion.
- walker.mp4: 48 frames 256x256 of a jointed figure walking across a room (the Walking Figure node,
  nodes/walker.py, whose second output is its true joints): the person the pose, depth and animate
  templates find.
- take16.mp4: 32 frames 192x192 of the walking figure at 16 fps, as a Wan take comes out (finish_a_clip
  upscales it and brings it to 24 fps).
- shapes.mp4: 24 frames 320x240 of moving shapes with their sound (for slow motion).
- two_people.png: 512x256, the talking portrait (portrait.png) twice side by side, the right one mirrored
  and in a blue top: the two faces of the two_person_dialogue template; dialogue_a.wav / dialogue_b.wav:
  6 s at 16 kHz, the first speaker's lines (voice.wav's first 3 s, then silence) and the second's (silence,
  then voice.wav's first 3 s a fifth lower), so the two take turns.
- plate/plate.1001-1008.exr: an 8-frame 192x108 half-float EXR plate (a slow pan over hills, a
  sun brighter than 1.0) for the plate clean-up template; grade.cube: a 9x9x9 warm grade LUT.

    .venv/bin/python assets/make_media.py plate grade   # only those
"""
from __future__ import annotations

import os
import sys
import wave

import cv2
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
OUT = os.path.join(HERE, "media")


def music(seconds=12.0, sr=22050, bpm=120):
    n = int(seconds * sr)
    t = np.arange(n) / sr
    beat = 60.0 / bpm
    out = np.zeros(n)
    # kick: a falling sine burst on each beat
    k = np.arange(int(0.25 * sr)) / sr
    kick = np.sin(2 * np.pi * (50 + 90 * np.exp(-k * 30)) * k) * np.exp(-k * 12)
    hat = np.random.default_rng(0).standard_normal(int(0.05 * sr)) * np.exp(-np.arange(int(0.05 * sr)) / (0.008 * sr))
    for b in np.arange(0, seconds, beat):
        s = int(b * sr)
        e = min(n, s + len(kick))
        out[s:e] += 0.8 * kick[:e - s]
        s2 = int((b + beat / 2) * sr)
        e2 = min(n, s2 + len(hat))
        if s2 < n:
            out[s2:e2] += 0.15 * hat[:e2 - s2]
    chords = [(220.0, 261.6, 329.6), (174.6, 220.0, 261.6), (261.6, 329.6, 392.0), (196.0, 246.9, 293.7)]
    bar = 4 * beat
    for i, start in enumerate(np.arange(0, seconds, bar)):
        s, e = int(start * sr), min(n, int((start + bar) * sr))
        tt = t[s:e] - start
        env = np.minimum(1, tt * 8) * np.exp(-tt * 0.6)
        for f in chords[i % 4]:
            out[s:e] += 0.06 * env * np.sin(2 * np.pi * f * tt)
        out[s:e] += 0.18 * env * np.sin(2 * np.pi * chords[i % 4][0] / 2 * tt)
    out = out / np.abs(out).max() * 0.9
    pcm = (out * 32767).astype(np.int16)
    with wave.open(os.path.join(OUT, "music.wav"), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(sr)
        w.writeframes(pcm.tobytes())


def still(size=256, dusk: bool = False):
    h = w = size
    y = np.linspace(0, 1, h, dtype=np.float32)[:, None]
    img = np.zeros((h, w, 3), np.float32)
    sky = [0.35 + 0.5 * y, 0.55 + 0.3 * y, 0.95 - 0.3 * y] if not dusk else [0.55 + 0.4 * y, 0.3 + 0.3 * y, 0.45 - 0.2 * y]
    img[:] = np.stack(sky, -1)
    sun = (int(w * 0.72), int(h * 0.28)) if not dusk else (int(w * 0.3), int(h * 0.55))
    cv2.circle(img, sun, int(h * 0.11), (1.0, 0.85, 0.3) if not dusk else (1.0, 0.5, 0.2), -1, cv2.LINE_AA)
    xs = np.arange(w)
    for k, (amp, base, col) in enumerate([(18, 0.62, (0.25, 0.55, 0.3)), (12, 0.75, (0.15, 0.4, 0.2))]):
        ridge = (base * h + amp * np.sin(xs / w * 2 * np.pi * (1.5 + k) + k)).astype(np.int32)
        mask = np.arange(h)[:, None] >= ridge[None, :]
        img[mask] = col
    rng = np.random.default_rng(1)
    tex = cv2.GaussianBlur(rng.random((h, w), dtype=np.float32), (0, 0), 1.2)
    img = np.clip(img * (0.85 + 0.3 * tex[..., None]), 0, 1)
    bgr = cv2.cvtColor((img * 255 + 0.5).astype(np.uint8), cv2.COLOR_RGB2BGR)
    cv2.imwrite(os.path.join(OUT, "still_dusk.png" if dusk else "still.png"), bgr)


def driving(n=48, size=256):
    from studio.engine.clip import ArrayClip
    from studio.engine.media import write_video
    rng = np.random.default_rng(2)
    base = cv2.resize(rng.random((32, 32, 3), dtype=np.float32), (size * 2, size * 2), interpolation=cv2.INTER_CUBIC)
    base = np.clip(base, 0, 1)
    frames = np.zeros((n, size, size, 3), np.float32)
    for i in range(n):
        ang = 12.0 * np.sin(i / n * 2 * np.pi)
        zoom = 1.0 + 0.15 * i / n
        M = cv2.getRotationMatrix2D((size, size), ang, zoom)
        M[:, 2] -= size / 2
        frames[i] = cv2.warpAffine(base, M, (size, size), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT)
    write_video(os.path.join(OUT, "driving.mp4"), ArrayClip(frames, 24), crf=20, preset="slow")


def walker(name="walker.mp4", frames=48, size=256, fps=24.0):
    from studio.core.graph import Graph
    from studio.engine.executor import Executor
    g = Graph()
    s = g.add_node("source.walker", {"frames": frames, "width": size, "height": size, "fps": fps})
    o = g.add_node("io.save_video", {"path": os.path.join(OUT, name), "crf": 18, "embed_graph": False})
    g.connect(s.id, "video", o.id, "video")
    Executor(frame_caching=False).run(g)


def shapes():
    from studio.core.graph import Graph
    from studio.engine.executor import Executor
    g = Graph()
    s = g.add_node("source.shapes", {"frames": 24, "width": 320, "height": 240, "count": 2, "speed": 6.0,
                                     "background": "texture", "color": "orange", "shape": "square",
                                     "direction": "right"})
    o = g.add_node("io.save_video", {"path": os.path.join(OUT, "shapes.mp4"), "crf": 20, "embed_graph": False})
    g.connect(s.id, "video", o.id, "video")
    Executor(frame_caching=False).run(g)


def plate(n=8, w=192, h=108, first=1001):
    """A scene-linear half-float EXR sequence: sky, sun (values above 1), hills, a slow pan."""
    from studio.engine.sequence import write_frame
    folder = os.path.join(OUT, "plate")
    os.makedirs(folder, exist_ok=True)
    big_w = w + 2 * n
    y = np.linspace(0, 1, h, dtype=np.float32)[:, None, None]
    world = np.broadcast_to(np.concatenate([0.18 + 0.4 * y, 0.3 + 0.3 * y, 0.7 - 0.2 * y], -1), (h, big_w, 3)).copy()
    cv2.circle(world, (int(big_w * 0.7), int(h * 0.3)), 11, (4.0, 3.2, 1.6), -1, cv2.LINE_AA)
    xs = np.arange(big_w)
    ridge = (0.66 * h + 10 * np.sin(xs / big_w * 2 * np.pi * 1.5)).astype(np.int32)
    world[np.arange(h)[:, None] >= ridge[None, :]] = (0.08, 0.16, 0.06)
    rng = np.random.default_rng(5)
    tex = cv2.GaussianBlur(rng.random((h, big_w), dtype=np.float32), (0, 0), 2.0)
    world *= (0.9 + 0.2 * tex[..., None])
    for i in range(n):
        write_frame(os.path.join(folder, f"plate.{first + i:04d}.exr"), world[:, 2 * i:2 * i + w], depth="half")


def grade(size=9):
    """A warm, slightly contrasty 3D LUT (.cube) for the plate clean-up template."""
    from nodes.edit.lut import write_cube
    g = np.linspace(0, 1, size, dtype=np.float32)
    b, gg, r = np.meshgrid(g, g, g, indexing="ij")
    rgb = np.stack([r, gg, b], -1)
    s_curve = rgb + 0.12 * np.sin(2 * np.pi * rgb) * 0.5
    warm = s_curve * np.array([1.06, 1.0, 0.9], np.float32)
    write_cube(os.path.join(OUT, "grade.cube"), np.clip(warm, 0, 1), "Studio warm grade")


def two_people():
    """two_people.png from portrait.png (see the module's note)."""
    face = cv2.imread(os.path.join(OUT, "portrait.png"))
    other = face[:, ::-1].copy()
    bgr = other.astype(np.int16)
    top = (bgr[..., 2] - bgr[..., 1] > 50) & (bgr[..., 2] - bgr[..., 0] > 50) & \
        (np.arange(face.shape[0])[:, None] > face.shape[0] * 0.7)  # the red top, not the skin (green in it)
    other[top] = other[top][:, ::-1]  # red top -> blue top (BGR swapped where the top is red)
    cv2.imwrite(os.path.join(OUT, "two_people.png"), np.concatenate([face, other], axis=1))


def dialogue(rate=16000, seconds=6.0):
    """dialogue_a.wav and dialogue_b.wav from voice.wav (see the module's note)."""
    with wave.open(os.path.join(OUT, "voice.wav"), "rb") as w:
        assert w.getframerate() == rate and w.getnchannels() == 1 and w.getsampwidth() == 2
        x = np.frombuffer(w.readframes(w.getnframes()), np.int16)
    n, half = int(seconds * rate), int(seconds * rate) // 2
    a = np.zeros(n, np.int16)
    a[:half] = x[:half]
    lower = np.interp(np.arange(half) / 1.5, np.arange(len(x)), x.astype(np.float32))  # a fifth lower, as long
    b = np.zeros(n, np.int16)
    b[half:] = np.clip(lower, -32768, 32767).astype(np.int16)
    for name, y in (("dialogue_a.wav", a), ("dialogue_b.wav", b)):
        with wave.open(os.path.join(OUT, name), "wb") as w:
            w.setnchannels(1)
            w.setsampwidth(2)
            w.setframerate(rate)
            w.writeframes(y.tobytes())


if __name__ == "__main__":
    os.makedirs(OUT, exist_ok=True)
    os.environ.setdefault("STUDIO_ALLOWED_DIRS", OUT)  # the graphs above write their clips here
    makers = {"music": music, "still": still, "still_dusk": lambda: still(dusk=True), "driving": driving, "walker": walker,
              "take16": lambda: walker("take16.mp4", 32, 192, 16.0), "shapes": shapes, "plate": plate, "grade": grade,
              "two_people": two_people, "dialogue": dialogue}
    for name in (sys.argv[1:] or list(makers)):
        makers[name]()
    for f in sorted(os.listdir(OUT)):
        print(f, os.path.getsize(os.path.join(OUT, f)), "bytes")
