"""Prompt Schedule: which prompt (and how strongly) at every frame, from keyframes or from the
audio encoder's beats, onsets or loudness; and how a video-model node follows it window by window.

The schedule is a Features value: ``data`` [T, P] holds each prompt's weight per frame (rows sum
to 1), ``extras`` the prompts and the per-frame strength. A generator makes a long clip in
overlapping windows (sampling.Sampler); each window is one pipeline call with one prompt, so a
window's prompt embeddings are the schedule's weights averaged over the frames that window is
the first to make (its own frames), mixed from each prompt's embeddings: prompt travel. The
frames two windows share are cross-faded by the sampler, so a change of prompt is blended over
the overlap. A beat at frame k changes the prompt of the window holding frame k."""
from __future__ import annotations

import numpy as np

from studio.core.errors import StudioError
from studio.core.params import Choice, Int, Text
from studio.core.spec import CLIP, In, Node, Out
from studio.core.values import Features

from .sampler import plan_windows

MODES = ("keyframes", "beats", "onsets", "loudness")


LONGEST = 100_000  # the longest clip a video-model node makes (its 'frames' at most): no key can matter past it
MAX_STRENGTH = 10.0  # a strength scales the model's guidance (itself at most 30)
MAX_PROMPTS = 64  # each distinct prompt is encoded and its embeddings held for the whole run


def parse_keys(text: str) -> list[tuple[int, str, float]]:
    """Lines 'frame: prompt' or 'frame: prompt @ strength' -> [(frame, prompt, strength)] by frame.
    A frame is 0 to LONGEST - 1; a strength a number from 0 to MAX_STRENGTH (not nan or inf)."""
    keys = []
    for line in text.replace(";", "\n").splitlines():
        if not line.strip():
            continue
        f, sep, rest = line.partition(":")
        prompt, at, strength = rest.rpartition("@") if "@" in rest else (rest, "", "1")
        try:
            if not sep or not f.strip().lstrip("-").isdigit() or not prompt.strip():
                raise ValueError
            frame, value = int(f), float(strength)
        except ValueError:
            raise StudioError(f"prompt key '{line.strip()}' is not 'frame: prompt' (or 'frame: prompt @ strength')") \
                from None
        if not 0 <= frame < LONGEST:
            raise StudioError(f"prompt key '{line.strip()}': the frame must be from 0 to {LONGEST - 1:,} (a video-model "
                              f"node makes at most {LONGEST:,} frames)")
        if not 0.0 <= value <= MAX_STRENGTH:  # also refuses nan
            raise StudioError(f"prompt key '{line.strip()}': the strength must be a number from 0 to {MAX_STRENGTH:g} "
                              "(it scales the guidance)")
        keys.append((frame, prompt.strip(), value))
    if not keys:
        raise StudioError("no prompt keys: give lines like '0: a red fox' and '24: a blue cat @ 0.8'")
    n_prompts = len({k[1] for k in keys})
    if n_prompts > MAX_PROMPTS:
        raise StudioError(f"{n_prompts} different prompts: at most {MAX_PROMPTS} (each is encoded and held for the run)")
    return sorted(keys, key=lambda k: k[0])


def keys_to_index(keys: list[tuple[int, str, float]], n: int) -> tuple[list[str], np.ndarray, np.ndarray]:
    """(the prompts in order of first use, [n] prompt index per frame, [n] strength per frame):
    each key holds from its frame to the next (before the first key: the first prompt at strength
    1; keys on one frame: the last)."""
    prompts = list(dict.fromkeys(k[1] for k in keys))
    number = {q: i for i, q in enumerate(prompts)}
    frames = np.fromiter((k[0] for k in keys), np.int64, len(keys))
    which = np.searchsorted(frames, np.arange(n), side="right") - 1  # the last key at or before each frame
    key_index = np.fromiter((number[k[1]] for k in keys), np.int64, len(keys))
    key_strength = np.fromiter((k[2] for k in keys), np.float32, len(keys))
    before = which < 0
    index = np.where(before, 0, key_index[np.maximum(which, 0)])
    strength = np.where(before, np.float32(1.0), key_strength[np.maximum(which, 0)]).astype(np.float32)
    return prompts, index, strength


def switches_to_weights(index: np.ndarray, n_prompts: int, blend: int) -> np.ndarray:
    """[T] prompt index per frame -> [T, P] weights, each switch cross-faded over ``blend`` frames
    after it (0: a cut on the frame); a switch within the blend of the last one starts its own
    fade from the prompt before it. Vectorised: one pass over the frames, whatever the switches."""
    t = len(index)
    w = np.zeros((t, n_prompts), np.float32)
    w[np.arange(t), index] = 1.0
    if blend <= 0 or t < 2:
        return w
    frame = np.arange(t)
    switch = np.zeros(t, bool)
    switch[1:] = index[1:] != index[:-1]
    last = np.maximum.accumulate(np.where(switch, frame, 0))  # the last switch at or before each frame (0: none)
    j = frame - last
    fading = np.nonzero((last > 0) & (j < blend))[0]
    a = (j[fading] + 1) / (blend + 1)
    out = w.copy()
    out[fading] = ((1 - a).astype(np.float32)[:, None] * w[last[fading] - 1]
                   + a.astype(np.float32)[:, None] * w[fading])
    return out


def _events(features: Features, name: str) -> np.ndarray:
    ex = getattr(features, "extras", {}) or {}
    if name in ex:
        return np.asarray(ex[name], np.float32).reshape(-1)
    names = features.names or []
    if name in names:
        return np.asarray(features.data, np.float32)[:, names.index(name)]
    raise StudioError(f"the features have no '{name}': connect the Audio Encoder's features output")


class PromptSchedule(Node):
    """Prompts that change over time, for the video-model nodes' 'schedule' input. Keyframes:
    lines 'frame: prompt @ strength'. Beats / onsets: every beat (or onset) of the Audio Encoder's
    features moves to the next prompt (one per line, in a loop), so a cut in the music is a change
    in the picture. Loudness: the first prompt when quiet, the second when loud. 'strength' scales
    the model's guidance there."""
    id = "video_models.prompt_schedule"
    title = "Prompt Schedule"
    category = "Pretrained Video"
    timing = CLIP
    inputs = (In("features", "Features", optional=True, help="the Audio Encoder's features (beats, onsets, "
                                                            "loudness); their length is the schedule's"),)
    outputs = (Out("schedule", "Features", help="[T, prompts] weights per frame"),)
    params = (Choice("mode", "keyframes", choices=MODES),
              Text("prompts", "0: a red fox running through snow\n24: a blue cat by the sea",
                   help="keyframes: 'frame: prompt @ strength' lines; beats/onsets/loudness: one prompt per line"),
              Int("every", 1, min=1, max=1000, help="beats/onsets: move on every this many"),
              Int("blend", 0, min=0, max=1000, help="frames over which a change of prompt fades in (0: a cut)"),
              Int("frames", 0, min=0, max=1_000_000, help="the schedule's length; 0: the features' length "
                                                         "(keyframes without features: the last key + 1)"))

    @classmethod
    def preflight(cls, params, base_dir):
        """Keyframe texts are checked at validate: every line 'frame: prompt @ strength' with a frame
        the clip can reach and a strength from 0 to MAX_STRENGTH."""
        if params.get("mode", "keyframes") != "keyframes":
            return []
        try:
            parse_keys(params.get("prompts") or "")
        except StudioError as e:
            return [f"'prompts': {e}"]
        return []

    def run(self, ctx, features=None):
        p = ctx.params
        n = p.frames or (len(features) if features is not None else 0)
        if p.mode == "keyframes":
            try:
                keys = parse_keys(p.prompts)
            except StudioError as e:
                raise StudioError(f"'prompts': {e}") from None
            n = n or keys[-1][0] + 1
            late = [k[0] for k in keys if k[0] >= n]
            if late:
                ctx.warn(f"{len(late)} prompt key{'s' if len(late) > 1 else ''} at frame {late[0]}"
                         f"{' and after' if len(late) > 1 else ''} come{'s' if len(late) == 1 else ''} after the "
                         f"schedule's {n} frames ('frames' or the features' length): not used")
            prompts, index, strength = keys_to_index(keys, n)
        else:
            if features is None:
                raise StudioError(f"mode '{p.mode}' follows the music: connect the Audio Encoder's features")
            prompts = [ln.strip() for ln in p.prompts.splitlines() if ln.strip()]
            prompts = [q.partition(":")[2].strip() if q.partition(":")[0].strip().isdigit() else q for q in prompts]
            if not prompts:
                raise StudioError("no prompts: one per line")
            strength = np.ones(n, np.float32)
            if p.mode == "loudness":
                if len(prompts) != 2:
                    raise StudioError(f"mode 'loudness' blends two prompts (quiet, loud): {len(prompts)} given")
                loud = _events(features, "loudness")[:n]
                loud = np.pad(loud, (0, n - len(loud)), mode="edge")
                lo, hi = float(loud.min()), float(loud.max())
                a = (loud - lo) / (hi - lo) if hi > lo else np.zeros(n, np.float32)
                w = np.stack([1 - a, a], -1).astype(np.float32)
                return self._out(w, prompts, strength, features)
            ev = _events(features, "beat" if p.mode == "beats" else "onset")[:n] > 0.5
            ev = np.pad(ev, (0, n - len(ev)))
            ev[0] = False  # the first prompt holds until the first event
            index = (np.cumsum(ev) // p.every) % len(prompts)
        w = switches_to_weights(index, len(prompts), p.blend)
        return self._out(w, prompts, strength, features)

    def _out(self, w, prompts, strength, features):
        import torch
        fps = getattr(features, "fps", None)
        return Features(torch.as_tensor(w), per_frame=True, fps=fps, names=list(prompts),
                        extras={"kind": "prompt_schedule", "prompts": list(prompts), "strength": strength})


def is_schedule(v) -> bool:
    return isinstance(v, Features) and (v.extras or {}).get("kind") == "prompt_schedule"


def own_frames(n: int, window: int, overlap: int, starts: list[int] | None = None) -> dict[int, tuple[int, int]]:
    """Window start -> [a, b) the frames that window is the first to make (``starts``: the windows'
    starts when they are not separate shots', e.g. a continued take's)."""
    out, done = {}, 0
    for a in (plan_windows(n, window, overlap) if starts is None else starts):
        b = min(n, a + window)
        out[a] = (max(a, done), b)
        done = b
    return out


class ScheduledPrompts:
    """The prompt arguments of each window: the node's prompt, or a schedule's mix of prompts."""

    def __init__(self, ctx, sampler, schedule, text: str, negative: str, n: int, window: int, overlap: int,
                 guidance: float | None = None, starts: list[int] | None = None):
        self.text, self.negative = text, negative
        self.schedule, self.sampler = schedule, sampler
        if schedule is not None:  # its windows give the call the negative as words (prompt_weighting.py)
            from .prompt_weighting import as_words
            self.negative = as_words(ctx, sampler.pipe, "Prompt Schedule", negative)
        if schedule is None:
            if not text.strip():
                raise StudioError("no prompt: type one, or connect a Text input or a Prompt Schedule")
            return
        if not is_schedule(schedule):
            raise StudioError("the schedule input is not a Prompt Schedule: connect a Prompt Schedule node")
        # the wiring asks for it (the music_video template's own): information, not a warning
        ctx.info("a Prompt Schedule is connected: its prompts are used, not the node's prompt")
        w = np.asarray(schedule.data, np.float32)
        if len(w) < n:
            ctx.warn(f"the schedule has {len(w)} frames, the clip {n}: its last prompt holds to the end")
            w = np.concatenate([w, np.repeat(w[-1:], n - len(w), 0)])
        strength = np.asarray(schedule.extras["strength"], np.float32)
        if len(w) > n and ((w[n:] != w[n - 1]).any() or (strength[n:] != strength[n - 1]).any()):
            ctx.warn(f"the schedule changes after the clip's {n} frames (it has {len(w)}): those changes are not used")
        strength = np.pad(strength[:n], (0, max(0, n - len(strength))), mode="edge")
        self.weights, self.strength = w[:n], strength
        self.guidance = ctx.params.guidance if guidance is None else guidance
        self.own = own_frames(n, window, overlap, starts)
        self.embeds, self.masks = self._encode(sampler, schedule.extras["prompts"], ctx.warn)

    @staticmethod
    def _encode(sampler, prompts: list[str], warn=None):
        """([P, 1, tokens, D] each prompt's embeddings, [P, 1, tokens] their attention masks or None
        for a family whose pipeline takes none); a prompt's ComfyUI weights applied where the family weighs, else
        the words without the syntax, said (``warn``)."""
        pipe = sampler.pipe
        if not hasattr(pipe, "encode_prompt"):
            raise StudioError(f"{type(pipe).__name__} cannot follow a Prompt Schedule (no encode_prompt)")
        from inspect import signature

        import torch

        from ..base.calls import call_params
        device = sampler.ref.execution_device(pipe)
        takes_mask = "prompt_attention_mask" in call_params(pipe)
        # one prompt's embeddings: the image pipelines' encode_prompt (AnimateDiff's) asks how many per prompt
        one = {"num_images_per_prompt": 1} if "num_images_per_prompt" in signature(pipe.encode_prompt).parameters \
            else {}
        out, masks = [], []
        from . import prompt_weighting as pw  # ComfyUI's '(word:1.3)' in a scheduled prompt
        from .prompt_sections import scheduled
        if warn is not None and (line := scheduled(pipe, prompts)):  # (cut at 77, said: prompt_sections.py)
            warn(line)
        with torch.inference_mode():
            for q in prompts:
                r = pw.read(q) if pw.needed(q) else None
                if r is not None and not pw.weighs(pipe):
                    r = None if pw.literal(pipe) else pw.cleaned_said(warn, "Prompt Schedule", sampler.fam.title, q)
                got = pipe.encode_prompt(prompt=r.text if r is not None else q, do_classifier_free_guidance=False,
                                         device=device, **one)
                if r is not None and r.weighted and pw.weighs(pipe):  # the empty prompt's rows, encoded alike
                    empty = pipe.encode_prompt(prompt="", do_classifier_free_guidance=False, device=device, **one)
                    got = (pw.moved(pipe.tokenizer, r, got[0], empty[0]),) + tuple(got[1:])
                out.append(got[0])
                if takes_mask:  # LTX-Video, LTX-2: (embeds, mask, negative embeds, negative mask)
                    mask = got[1] if len(got) > 2 else None
                    if not isinstance(mask, torch.Tensor):
                        raise StudioError(f"{sampler.fam.title}'s pipeline needs prompt attention masks that its "
                                          "encode_prompt does not give: this family cannot follow a Prompt Schedule")
                    masks.append(mask)
        shapes = {tuple(e.shape) for e in out} | {tuple(m.shape) + ("mask",) for m in masks}
        if len(shapes) != (2 if masks else 1):
            raise StudioError(f"{sampler.fam.title}'s prompt embeddings differ in shape between prompts ({shapes}): "
                              "this family cannot follow a Prompt Schedule")
        return torch.stack(out), (torch.stack(masks) if masks else None)  # [P, 1, tokens, D], [P, 1, tokens]

    def in_one_take(self, ctx, n: int):
        """(latent frames -> the conditional prompt embeddings of a context window, the schedule's weights
        to key a kept take by) for a take sampled in one call with context windows: a window's prompt is
        the schedule's mix over its frames. Its strength cannot vary inside one call: the mean is used."""
        from ..takes.context_windows import temporal_ratio
        t = temporal_ratio(self.sampler.pipe)
        n_lat = (n - 1) // t + 1
        # latent frame j holds video frames [(j-1)t+1, jt] (the first, frame 0 alone)
        lo = np.maximum(0, (np.arange(n_lat) - 1) * t + 1)
        hi = np.minimum(n, np.arange(n_lat) * t + 1)
        per = np.stack([self.weights[a:b].mean(0) for a, b in zip(lo, hi)])  # [latent frames, prompts]
        if np.ptp(self.strength) > 1e-6:
            ctx.warn("the schedule's strength changes along the clip, but a take sampled in one call has one "
                     f"guidance: its mean ({float(self.strength.mean()):.2f}) is used (set 'long take' to separate "
                     "shots for a strength that follows the schedule)")
        cache: dict = {}

        def cond(idx: np.ndarray):
            key = tuple(int(i) for i in idx)
            if key not in cache:
                cache[key] = self._mix(per[np.asarray(idx)].mean(0))
            return cache[key]
        return cond, per

    def _mix(self, wts: np.ndarray):
        emb = None
        for w, e in zip(wts, self.embeds):  # one prompt alone: its embeddings exactly
            if w != 0:
                emb = e * float(w) if emb is None else emb + e * float(w)
        return emb

    def window_weights(self, start: int) -> tuple[np.ndarray, float]:
        a, b = self.own[start]
        return self.weights[a:b].mean(0), float(self.strength[a:b].mean())

    def window(self, start: int) -> dict:
        if self.schedule is None:
            return {"prompt": self.text, "negative_prompt": self.negative or None}
        wts, strength = self.window_weights(start)
        out = {"prompt": None, "prompt_embeds": self._mix(wts), "negative_prompt": self.negative or None,
               "guidance_scale": float(self.guidance) * strength}
        if self.masks is not None:  # the tokens of every prompt mixed in
            on = [k for k, w in enumerate(wts) if w != 0]
            mask = self.masks[on[0]]
            for k in on[1:]:
                mask = mask.maximum(self.masks[k])
            out["prompt_attention_mask"] = mask
        return out
