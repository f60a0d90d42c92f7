"""An app's MiniMaxH3Director (perfectbullet/comfyui-video-console: its API templates src/assets/minimax_h3_director_
{t2v,i2v,fl2v}.api.json and the page that fills them, src/DirectorApp.vue @1a251b9d; read for meaning, no code of it
here) read as the native MiniMax H3 nodes it stands for, before the workflow is converted. A node of the same name as
DaSiWa's (settings 'mode', 'prompt', 'duration'), told apart by its own settings: a 'task_type' and a 'timeline_data'
JSON holding 'segments'. What the app declares: the task ('t2v'/'i2v'/'fl2v' before the label's dash), each segment's
prompt, its frames ('length'/'frameCount', the page's seconds x 124/5, fl2v 158/5), its start picture ('genImage')
and, for fl2v, its last one ('endImage'), files in ComfyUI's input folder; the node's size, frame rate, seed, steps,
cfg, sampler and scheduler; its outputs 0 (pictures), 1 (sound), 2 (frame rate) and 5 (its run report, a PreviewAny
'Director 运行报告'). Each segment becomes a MiniMaxH3ImageToVideo (its prompt whole, the global prompt before it) with
a KSampler and its decoders; several are joined in order (ImageBatch, AudioConcat). What the app does not declare the
meaning of is said not applied: the negative prompts, the shifts, the timeline's continuity overlap and export mode,
ref_max_size, and the other modes (r2v, v2v, rv2v: left as they are). Plain data and stdlib."""
from __future__ import annotations

import json

from studio.convert.api import CNode, Workflow

from .comfy_file import part_of
from .comfy_native import add, rewire, take

DIRECTOR = "MiniMaxH3Director"
TASKS = ("t2v", "i2v", "fl2v")  # the app's modes read here (DirectorApp.vue's 'modes')
UNREAD = ("ref_max_size", "shift_video", "shift_audio", "clear_vram_between_segments", "export_source_images")


def _timeline(n: CNode) -> dict | None:
    v = n.widgets.get("timeline_data")
    try:
        d = json.loads(v) if isinstance(v, str) else None
    except ValueError:
        return None
    return d if isinstance(d, dict) and isinstance(d.get("segments"), list) else None


def _task(n: CNode) -> str | None:
    t = n.widgets.get("task_type")
    head = t.split("—")[0].strip().lower() if isinstance(t, str) else ""
    return head if head in TASKS else None


def _frames(s: dict) -> int | None:
    for k in ("frameCount", "length"):
        v = s.get(k)
        if isinstance(v, (int, float)) and not isinstance(v, bool) and v > 0:
            return int(v)
    return None


def _file(p) -> str:
    return p.get("imageFile") or "" if isinstance(p, dict) else ""


class _Reading:
    def __init__(self, wf: Workflow, d: CNode, task: str):
        self.wf, self.d, self.task, self.said = wf, d, task, []
        self.who = f"'{d.title or d.cls}' ({d.cls}, #{d.id})"

    def segment(self, i: int, s: dict, prompt: str) -> tuple[tuple, tuple]:
        """Segment ``i``'s nodes: its pictures, MiniMaxH3ImageToVideo, KSampler, the two decoders (comfy_native.py)."""
        d, w = self.d, self.d.widgets
        start = _file(s.get("genImage")) if self.task in ("i2v", "fl2v") else ""
        end = _file(s.get("endImage")) if self.task == "fl2v" else ""
        if self.task != "t2v" and not start:
            self.said.append(f"{self.who}'s segment {i} has no start picture in its timeline: made from its prompt "
                             "alone" + (" up to its last picture" if end else ""))
        sampling = {"seed": w.get("seed"), "steps": w.get("steps"), "cfg": w.get("cfg"),
                    "sampler_name": w.get("sampler"), "scheduler": w.get("scheduler")}
        wires = {k: d.links.get(k) for k in ("model", "clip", "video_vae", "audio_vae")}
        return take(self.wf, d, f"{d.id}.seg{i}", {"prompt": prompt, "width": w.get("width"),
                                                   "height": w.get("height"), "length": _frames(s)},
                    sampling, wires, (start, end))

    def read(self, t: dict) -> dict:
        """The Director's timeline read: {output slot: what gives it}."""
        segs = sorted((s for s in t["segments"] if isinstance(s, dict)), key=lambda s: s.get("start") or 0)
        glob = self.d.widgets.get("global_prompt")
        glob = glob.strip() if isinstance(glob, str) else ""
        made, frames = [], []
        for i, s in enumerate(segs, 1):
            own = s.get("prompt") if isinstance(s.get("prompt"), str) else ""
            made.append(self.segment(i, s, "\n".join(x for x in (glob, own.strip()) if x)))
            frames.append(_frames(s))
            if not (glob or own.strip()):
                self.said.append(f"{self.who}'s segment {i} has no prompt (nor a global one): made from an empty prompt")
        pics, sound = made[0]
        for i, (p, a) in enumerate(made[1:], 2):
            pics = add(self.wf, self.d, f"{self.d.id}.join{i}", "ImageBatch", {}, {"image1": pics, "image2": p})
            sound = add(self.wf, self.d, f"{self.d.id}.joinsound{i}", "AudioConcat", {"direction": "after"},
                             {"audio1": sound, "audio2": a})
        fps = self.d.widgets.get("frame_rate")
        rate = add(self.wf, self.d, f"{self.d.id}.fps", "PrimitiveFloat", {"value": fps}, {}) if fps else None
        shown = ", ".join(f"{f} frames" if f else "its length not read" for f in frames)
        self.said.insert(0, f"{self.who}'s timeline ({self.task}) is read: {len(segs)} segment(s) ({shown}) as MiniMax "
                            f"H3 image/text to video, each its own take" + (", joined in order" if len(segs) > 1 else ""))
        self._unread(t, segs)
        return {0: pics, 1: sound, 2: rate}

    def _stale(self, t: dict, segs: list[dict]) -> None:
        """The timeline's 'shots' and 'keyframes' where they do not match its segments (the app's page writes them
        from the segments when it submits: shots in every mode, keyframes in fl2v; a template can hold older ones)."""
        shots = [x for x in t.get("shots") or () if isinstance(x, dict)]
        keys = [x for x in t.get("keyframes") or () if isinstance(x, dict) and x.get("imageFile")]
        ids = [s.get("id") for s in segs]
        odd = [f"{len(shots)} shot(s)"] if shots and [x.get("id") for x in shots] != ids else []
        if keys and (self.task != "fl2v" or {str(k.get("id", "")).rsplit("_", 1)[0] for k in keys} - set(ids)):
            files = sorted({k["imageFile"] for k in keys})
            odd.append(f"{len(keys)} keyframe(s) with pictures ({', '.join(repr(f) for f in files)})")
        if odd:
            self.said.append(f"{self.who}'s timeline also holds {' and '.join(odd)} that do not match its "
                             f"{len(segs)} segment(s) (the app's page writes its shots from the segments when it submits, "
                             "its keyframes in fl2v mode only): "
                             "the segments are read, those are not")

    def _dit(self) -> str:
        """The DiT file the Director's model comes from (a loader's 'unet_name', through nodes passing a model)."""
        n, seen = self.wf.source(self.d, "model"), set()
        while n is not None and n.id not in seen:
            seen.add(n.id)
            v = n.widgets.get("unet_name")
            if isinstance(v, str):
                return v
            n = self.wf.source(n, "model") if "model" in n.links else None
        return ""

    def _unread(self, t: dict, segs: list[dict]) -> None:
        w, out = self.d.widgets, t.get("output") if isinstance(t.get("output"), dict) else {}
        negs = sorted({s.get("negativePrompt") for s in segs if isinstance(s.get("negativePrompt"), str)
                       and s.get("negativePrompt").strip()})
        if negs:
            self.said.append(f"{self.who}'s negative prompt(s) {', '.join(repr(x) for x in negs)} are not applied")
        names = [f"{k} {w[k]!r}" for k in UNREAD if k in w] + [
            f"the timeline's {k} {out[k]!r}" for k in ("continuityEnabled", "continuityOverlapFrames", "exportMode",
                                                        "audioMode") if k in out]
        self._stale(t, segs)
        dit = self._dit()
        if dit and part_of(dit) == "transformer_ref":
            self.said.append(f"{self.who}'s model file '{dit}' is MiniMax H3's reference to video (ref2va) one: Studio's "
                             "MiniMax H3 text and image to video runs its own (fl2va) transformer, which it reads from "
                             "ComfyUI's minimax_h3_fl2va_* file beside it (or a diffusers folder set as 'base'), not "
                             "from this file")
        if names:
            self.said.append(f"{self.who}'s settings {', '.join(names)} are not applied: the app does not declare "
                             "what the node does with them")


def translate(wf: Workflow) -> list[str]:
    """The workflow's app MiniMaxH3Director nodes (a 'task_type' and a timeline of segments; modes t2v, i2v, fl2v)
    read as native MiniMax H3 nodes (in place); what is said."""
    said: list[str] = []
    for d in [n for n in wf.nodes.values() if n.cls == DIRECTOR and n.enabled]:
        t, task = _timeline(d), _task(d)
        if t is None or task is None or not any(isinstance(s, dict) for s in t["segments"]):
            continue
        r = _Reading(wf, d, task)
        rewire(wf, d.id, r.read(t))
        said += r.said
    return said
