"""The walking figure: a jointed mannequin that walks across a room, drawn frame by frame, with
its true joints (COCO's 17 keypoints) as a second output. A demo clip a pose detector can find a
person in, and a ground truth pose and tracking nodes can be scored against (Pose Estimate's
output has the same layout).

The figure is a 3D stick skeleton (pelvis, spine, neck, head, two arms, two legs) posed by a
walking gait (hip and shoulder swing in opposite phase, knees bending in the swing, a pelvis that
bobs twice a stride), turned by ``yaw`` towards the camera and projected with a mild perspective.
Limbs are drawn as anti-aliased capsules, the far side darker and first; the joints are exactly
the points the capsules are drawn between. Frames are drawn on demand (a clip of any length costs
no memory) and depend on the parameters only: the same frames every time.
"""
from __future__ import annotations

import math

import cv2
import numpy as np

from studio.core.params import Choice, Float, Int, Seed
from studio.core.spec import SOURCE, Node, Out
from studio.core.values import Keypoints
from studio.engine.clip import Clip

COCO17 = ("nose", "left_eye", "right_eye", "left_ear", "right_ear", "left_shoulder", "right_shoulder",
          "left_elbow", "right_elbow", "left_wrist", "right_wrist", "left_hip", "right_hip", "left_knee",
          "right_knee", "left_ankle", "right_ankle")
BACKGROUNDS = ("room", "grey", "black")
STRIDE_S = 1.1  # seconds a full gait cycle (two steps) takes at pace 1
HEIGHT_M = 1.75  # the figure's height: the frame shows about 2.3 m of the room
# (joint, joint, width in metres, part) for each capsule; part picks the colour
LIMBS = (("hip", "knee", 0.15, "trousers"), ("knee", "ankle", 0.12, "trousers"),
         ("shoulder", "elbow", 0.10, "shirt"), ("elbow", "wrist", 0.085, "skin"))
COLOURS = {"trousers": (0.16, 0.2, 0.38), "shirt": (0.78, 0.3, 0.18), "skin": (0.86, 0.66, 0.52),
           "shoe": (0.1, 0.08, 0.07), "hair": (0.18, 0.12, 0.08), "eye": (0.08, 0.06, 0.05)}


def skeleton(t, pace: float) -> dict[str, np.ndarray]:
    """The figure's joints at times ``t`` (s, a number or an array [T]) in its own frame (metres;
    x to its left, y up, z forward; the pelvis over the origin), walking on the spot: [..., 3] per
    joint, 'nose', 'left_eye', ... as COCO names them, plus 'neck', 'pelvis' and 'head'."""
    ph = 2 * np.pi * np.asarray(t, np.float64) * pace / STRIDE_S
    zero = np.zeros_like(ph)

    def at(x, y, z):
        return np.stack(np.broadcast_arrays(x + zero, y + zero, z + zero), -1)

    def limb(length, angle):  # a segment hanging down, turned forward by ``angle``
        return length * at(0.0, -np.cos(angle), np.sin(angle))

    pelvis = at(0.0, 0.93 + 0.02 * np.cos(2 * ph), 0.0)
    j = {"pelvis": pelvis, "neck": pelvis + [0.0, 0.55, 0.02]}
    j["head"] = j["neck"] + [0.0, 0.15, 0.03]
    for side, s, off in (("left", 1.0, 0.0), ("right", -1.0, np.pi)):
        swing = 0.42 * np.sin(ph + off)  # thigh forward (+) and back
        bend = 0.15 + 0.75 * np.maximum(0.0, np.sin(ph + off + 1.9))  # knee: bent in the swing
        hip = pelvis + [s * 0.1, 0.0, 0.0]
        knee = hip + limb(0.45, swing)
        arm = -0.38 * np.sin(ph + off)  # arms swing against the leg of their side
        shoulder = j["neck"] + [s * 0.19, -0.04, 0.0]
        elbow = shoulder + limb(0.29, arm)
        fore = arm + 0.35 + 0.25 * np.maximum(0.0, np.sin(ph + off + np.pi))  # the elbow bends forward
        j.update({f"{side}_hip": hip, f"{side}_knee": knee, f"{side}_ankle": knee + limb(0.45, swing - bend),
                  f"{side}_shoulder": shoulder, f"{side}_elbow": elbow, f"{side}_wrist": elbow + limb(0.26, fore),
                  f"{side}_eye": j["head"] + [s * 0.035, 0.03, 0.088], f"{side}_ear": j["head"] + [s * 0.078, 0.0, 0.0]})
    j["nose"] = j["head"] + [0.0, -0.01, 0.105]
    return j


class Walker:
    """Where the figure is and how it looks at each frame of a clip of ``n`` frames."""

    def __init__(self, n: int, fps: float, width: int, height: int, yaw: float, pace: float):
        self.n, self.fps, self.w, self.h = n, fps, width, height
        self.yaw, self.pace = math.radians(yaw), pace
        self.scale = height / 2.3  # pixels a metre
        self.ground = height * 0.9  # the floor line the feet stand on

    def place(self, i) -> dict[str, np.ndarray]:
        """Frame ``i``'s joints (or frames', ``i`` an array [T]) as (x, y, depth) [..., 3]: x, y in
        pixels, depth in metres towards the camera."""
        i = np.asarray(i, np.float64)
        c, s = math.cos(self.yaw), math.sin(self.yaw)
        across = (i / max(1, self.n - 1) - 0.5) * 0.45 * self.w / self.scale  # crosses the middle of the frame
        out = {}
        for name, p in skeleton(i / self.fps, self.pace).items():
            x, y, z = p[..., 0] * c + p[..., 2] * s, p[..., 1], -p[..., 0] * s + p[..., 2] * c  # turned by yaw
            k = 6.0 / (6.0 - z)  # a camera 6 m away
            out[name] = np.stack([self.w / 2 + (x + across) * self.scale * k, self.ground - y * self.scale * k, z], -1)
        return out

    def keypoints(self) -> tuple[np.ndarray, np.ndarray]:
        """Every frame's COCO-17 points [T, 17, 2] in pixels and their visibility [T, 17] (the ear
        turned away hidden, and its eye too when the figure is side on)."""
        j = self.place(np.arange(self.n))
        pts = np.stack([j[k][:, :2] for k in COCO17], 1).astype(np.float32)
        far = "left" if self.yaw > 0 else "right"
        hidden = {f"{far}_ear"} | ({f"{far}_eye"} if abs(self.yaw) > math.radians(70) else set())
        return pts, np.broadcast_to(np.array([k not in hidden for k in COCO17]), (self.n, 17)).copy()

    def draw(self, i: int, backdrop: np.ndarray) -> np.ndarray:
        j = self.place(i)
        img = backdrop.copy()
        sh = 4
        k = 1 << sh

        def cap(a, b, width, colour, shade=1.0):
            col = tuple(float(v) * shade for v in colour)
            w = max(1, int(round(width * self.scale)))
            cv2.line(img, tuple(int(round(v * k)) for v in a[:2]), tuple(int(round(v * k)) for v in b[:2]),
                     col, w, cv2.LINE_AA, sh)

        def dot(p, r, colour, shade=1.0):
            cv2.circle(img, tuple(int(round(v * k)) for v in p[:2]), max(1, int(round(r * self.scale * k))),
                       tuple(float(v) * shade for v in colour), -1, cv2.LINE_AA, sh)

        feet = (j["left_ankle"] + j["right_ankle"]) / 2
        cv2.ellipse(img, (int(feet[0]), int(self.ground)), (int(0.35 * self.scale), int(0.06 * self.scale)), 0, 0, 360,
                    tuple(float(v) * 0.55 for v in img[min(self.h - 1, int(self.ground)), min(self.w - 1, max(0, int(feet[0])))]),
                    -1, cv2.LINE_AA)
        sides = sorted(("left", "right"), key=lambda sd: j[f"{sd}_hip"][2])  # the far side first
        for sd in sides[:1]:
            self._side(j, sd, cap, dot, 0.7)
        torso = np.array([j["left_shoulder"][:2], j["right_shoulder"][:2], j["right_hip"][:2], j["left_hip"][:2]])
        cv2.fillPoly(img, [np.round(torso * k).astype(np.int32)], COLOURS["shirt"], cv2.LINE_AA, sh)
        cap(j["left_hip"], j["right_hip"], 0.16, COLOURS["trousers"])
        cap(j["left_shoulder"], j["right_shoulder"], 0.11, COLOURS["shirt"])
        cap((j["left_shoulder"] + j["right_shoulder"]) / 2, (j["left_hip"] + j["right_hip"]) / 2, 0.3, COLOURS["shirt"])
        cap(j["neck"], j["head"], 0.08, COLOURS["skin"], 0.9)
        for sd in sides[1:]:
            self._side(j, sd, cap, dot, 1.0)
        self._head(j, dot)
        return img

    def _side(self, j, sd, cap, dot, shade):
        for a, b, width, part in LIMBS:
            cap(j[f"{sd}_{a}"], j[f"{sd}_{b}"], width, COLOURS[part], shade)
        dot(j[f"{sd}_wrist"], 0.05, COLOURS["skin"], shade)
        toe = j[f"{sd}_ankle"] + np.array([0.13 * self.scale * math.sin(self.yaw), 0.0, 0.0])
        cap(j[f"{sd}_ankle"], toe, 0.09, COLOURS["shoe"], shade)

    def _head(self, j, dot):
        dot(j["head"], 0.105, COLOURS["skin"])
        dot(j["head"] + np.array([0.0, -0.035 * self.scale, 0.0]), 0.09, COLOURS["hair"])  # hair on top
        dot(j["head"], 0.095, COLOURS["skin"])
        for part in ("left_eye", "right_eye"):
            if j[part][2] > j["head"][2]:  # on the side turned to the camera
                dot(j[part], 0.014, COLOURS["eye"])
        dot(j["nose"], 0.02, COLOURS["skin"], 0.85)


def backdrop(kind: str, h: int, w: int, seed: int) -> np.ndarray:
    """A room: a warm wall with a faint texture over a darker floor (or plain grey, or black)."""
    if kind == "black":
        return np.zeros((h, w, 3), np.float32)
    if kind == "grey":
        return np.full((h, w, 3), 0.45, np.float32)
    y = np.linspace(0.0, 1.0, h, dtype=np.float32)[:, None, None]
    wall = np.array([0.62, 0.6, 0.55], np.float32) - 0.12 * y
    floor = np.array([0.36, 0.3, 0.25], np.float32) + 0.08 * (y - 0.8)
    img = np.where(y < 0.8, wall, floor) * np.ones((1, w, 1), np.float32)
    rng = np.random.default_rng(seed)
    tex = cv2.resize(rng.random((max(2, h // 16), max(2, w // 16)), dtype=np.float32), (w, h), interpolation=cv2.INTER_CUBIC)
    return np.clip(img * (0.94 + 0.12 * tex[..., None]), 0, 1).astype(np.float32)


class WalkerClip(Clip):
    def __init__(self, walker: Walker, background: str, seed: int):
        super().__init__(walker.n, walker.fps, walker.w, walker.h)
        self.walker, self.background, self.seed = walker, background, seed
        self._backdrop: np.ndarray | None = None

    def _frame(self, i: int) -> np.ndarray:
        if self._backdrop is None:
            self._backdrop = backdrop(self.background, self.height, self.width, self.seed)
        return self.walker.draw(i, self._backdrop)


class WalkingFigure(Node):
    """A jointed figure walking across a room, and its true joints (COCO's 17, one person, as Pose
    Estimate gives them): a demo clip for the pose and animate templates, and a ground truth to
    score pose and tracking nodes against. Frames are drawn on demand."""
    id = "source.walker"
    title = "Walking Figure"
    category = "Input"
    timing = SOURCE
    outputs = (Out("video", "Video"),
               Out("pose", "Keypoints", help="the figure's true joints: COCO's 17 keypoints, one person"))
    params = (Int("frames", 48, min=1, max=100_000, help="number of frames (the joints of every frame are kept: "
                                                          "100,000 frames take 14 MB)"),
              Float("fps", 24.0, min=1.0, max=240.0, help="frames per second"),
              Int("width", 256, min=32, max=4096, help="frame width in pixels"),
              Int("height", 256, min=32, max=4096, help="frame height in pixels"),
              Float("yaw", 35.0, min=-90.0, max=90.0, help="degrees the figure is turned from facing the camera "
                                                          "(90: side on, walking right)"),
              Float("pace", 1.0, min=0.1, max=4.0, help="steps as fast as a stroll (1) or faster"),
              Choice("background", "room", choices=BACKGROUNDS, help="what lies behind the figure"),
              Seed("seed", 0, help="the wall's texture"))

    def run(self, ctx, **_):
        p = ctx.params
        w = Walker(p.frames, p.fps, p.width, p.height, p.yaw, p.pace)
        pts, vis = w.keypoints()
        pose = Keypoints(pts, vis, p.width, p.height, p.fps, scores=vis.astype(np.float32),
                         person_ids=np.zeros(1, np.int64), layout="coco17")
        return {"video": WalkerClip(w, p.background, p.seed), "pose": pose}
