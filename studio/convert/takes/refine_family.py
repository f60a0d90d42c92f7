"""A refine pass whose conditioning is a family's task node (issue 112 item 4: WanHuMoImageToVideo on the pass's
prompts, its reference the take's first frame and its voice the take's own sound) made with that family's generator
reworking the take: its 'video' the take's frames, its 'strength' the share of the schedule the pass runs (Wan
HuMo's: families/wan/humo). The task node's inputs the earlier take makes are given from Studio's nodes on that take
(takes.refine makes the take): a frame picked from it (ImageFromBatch) as Frame Hold, its sound encoded
(AudioEncoderEncode) as Speech Features of the take's sound; each step on their way Studio does not apply said in
one sentence naming it and its input (MelBandRoFormer's vocals separated from the music, a resize).

Plain data and stdlib: the builder (mapping.convert._Builder) makes the nodes."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..catalogue import node_type
from ..families import registry as families
from ..reading.workflow import CNode, Workflow
from ..tracing.tasks import Task, tasks
from ..tracing import voice_steps

MAX_STEPS = 16
PICKS = {"ImageFromBatch": "image", "VHS_SelectEveryNthImage": "images"}
PASSING = {"VRAM_Debug": "image_pass", "ResizeImagesByLongerEdge": "images", "ImageScale": "image",
           "ImageResizeKJv2": "image", "GetImageSizeAndCount": "image", "Reroute": ""}
SOUND_STEPS = {"MelBandRoFormerSampler": "audio", "NormalizeAudioLoudness": "audio", "Reroute": ""}


@dataclass(frozen=True)
class Rework:
    node: CNode  # the task node on the pass's prompts (WanHuMoImageToVideo)
    task: Task
    latent: int  # its LATENT output: the latent the pass's generator is read from


_name = CNode.named  # the node in a sentence


def rework_of(b: Any, head: CNode) -> Rework | None:
    """The family task node on ``head``'s prompts whose generator reworks a take (a 'video' input and a 'strength'),
    with its latent output; None where there is none."""
    wf = b.wf
    node = wf.source(head, "positive")
    task = tasks().get(node.cls) if node is not None else None
    if task is None or not task.generator or task.generator not in b.g.registry:
        return None
    spec = b.g.registry.get(task.generator)
    if not any(i.name == "video" for i in spec.inputs) or not any(p.name == "strength" for p in spec.params):
        return None
    t = node_type(node.cls)
    latent = next((i for i, o in enumerate(t.outputs) if o.type == "LATENT"), None) if t is not None else None
    return Rework(node, task, latent) if latent is not None else None


def _back(wf: Workflow, n: CNode, port: str, known: dict) -> tuple[CNode | None, list[CNode]]:
    """The first node on ``n.port``'s way back that ``known`` (type -> its input) does not pass, and those passed."""
    src, passed = wf.source(n, port), []
    while src is not None and src.cls in known and len(passed) < MAX_STEPS:
        passed.append(src)
        k = known[src.cls] or next(iter(src.links), "")
        src = wf.source(src, k)
    return src, passed


def _frame(wf: Workflow, steps: list[CNode]) -> tuple[int | None, list[str]]:
    """The frame of the take the steps pick (``steps`` the task node's nearest first: ImageFromBatch's index, of every
    n-th frame picked before it, is that take's ``skip + index * n``), and what cannot be read."""
    frame, bad = 0, []
    for n in steps:  # the task node's nearest first: each maps an index of its output to one of its input
        if n.cls == "VHS_SelectEveryNthImage":
            nth, skip = wf.value(n, "select_every_nth"), wf.value(n, "skip_first_images") or 0
            if not isinstance(nth, int) or not isinstance(skip, int):
                return None, [f"{_name(n)}'s frames are picked by values Studio cannot work out"]
            frame = skip + frame * nth
        elif n.cls == "ImageFromBatch":
            at, length = wf.value(n, "batch_index"), wf.value(n, "length")
            if not isinstance(at, int):
                return None, [f"{_name(n)}'s 'batch_index' is given by nodes Studio cannot work out"]
            frame += at
            if isinstance(length, int) and length > 1:
                bad.append(f"{_name(n)} picks {length} frames; the reference is one picture: the first of them")
    return frame, bad


def _voice(node: CNode):
    """The voice the family hears an AudioEncoderEncode of a Whisper encoder by (api.Voice): the one declared for the
    task node's type, else any."""
    voices = [v for v in families.lookup("voices") if not v.wav2vec]
    return next((v for v in voices if v.feeds and node.cls.startswith(v.feeds)), next((v for v in voices
                                                                                       if not v.feeds), None))


def given(b: Any, r: Any, w: Rework, take: tuple[str, str], heard: tuple[str, str]) -> tuple[dict, list[str]]:
    """The task node's inputs the earlier take makes, as Studio's nodes on it: (b.continuing's entries, sentences)."""
    wf, out, said = b.wf, {}, []
    for port, into in w.task.ports:
        if port not in w.node.links:
            continue
        if into in ("reference", "image"):
            src, steps = _back(wf, w.node, port, {**PICKS, **PASSING})
            if src is None or src.id != r.decode.id:
                continue
            frame, bad = _frame(wf, steps)
            if frame is None:
                said += bad
                continue
            hold = b.add("edit.frame_hold", {"frame": frame}, steps[0] if steps else w.node)
            b.g.connect(take[0], take[1], hold, "video")
            b.used |= {x.id for x in steps}
            skipped = [x for x in steps if x.cls not in PICKS and x.cls != "Reroute"]
            line = (f"{_name(w.node)}'s '{port}' is frame {frame} of the take the pass reworks (through "
                    + ", ".join(_name(x) for x in reversed(steps)) + f"): Frame Hold gives it as the generator's "
                    f"'{into}'" + "".join(f"; {_name(x)} on its way is not applied" for x in skipped
                                          if x.cls not in ("VRAM_Debug", "GetImageSizeAndCount")))
            out[(w.node.id, port)] = (hold, "image", "; ".join([line] + bad))
        elif into == "features":
            enc, steps = _back(wf, w.node, port, {"Reroute": ""})
            if enc is None or enc.cls != "AudioEncoderEncode" or (voice := _voice(w.node)) is None:
                continue
            src, sound = _back(wf, enc, "audio", SOUND_STEPS)
            if src is None or "Decode" not in src.cls:  # the workflow's own voice: the builder reads it
                said += _sound_steps(wf, enc, [x for x in sound if not voice_steps.is_step(wf, x)], b.used)
                continue  # (a separator Isolate Voice makes there is said on that way: mapping.intent)
            sep = next((x for x in sound if voice_steps.is_step(wf, x)), None)  # its voice separated: Isolate Voice
            voiced = (voice_steps.make(b, sep, heard), voice_steps.out(wf, sep)) if sep is not None else heard
            feats = b.speech_features(enc, voiced, voice)
            b.used |= {enc.id, src.id} | {x.id for x in steps + sound}
            lines = [f"{_name(w.node)}'s '{port}' is the take's own sound encoded by {_name(enc)}: Speech Features "
                     f"hears the sound of the take the pass reworks as the generator's '{into}'"]
            out[(w.node.id, port)] = (feats, "features", "; ".join(lines + _sound_steps(wf, enc, sound, b.used)))
    return out, said


def _sound_steps(wf: Workflow, enc: CNode, sound: list[CNode], used: set) -> list[str]:
    """The steps on a voice's way to its encoder, each said not applied (MelBandRoFormer's vocals separated from the
    music); their model loaders read with them."""
    lines = []
    for x in sound:
        model = wf.source(x, "model")
        if model is not None:
            used.add(model.id)
        if voice_steps.is_step(wf, x):  # made by Isolate Voice (here, or on the workflow's own voice's way)
            lines.append(f"{_name(x)} separates the voice from the music of the sound for {_name(enc)}'s 'audio': "
                         + voice_steps.made_by(wf, x))
        elif x.cls == "MelBandRoFormerSampler":
            lines.append(f"{_name(x)} separates the vocals from the music of the sound (with the model of "
                         f"{_name(model) if model is not None else 'its loader'}) for {_name(enc)}'s 'audio': "
                         "not applied (Speech Features hears the whole sound, music too)")
        elif x.cls != "Reroute":
            lines.append(f"{_name(x)} on the sound's way to {_name(enc)}'s 'audio' is not applied")
    return lines


SIZES = {"width": "width", "height": "height", "length": "frames", "num_frames": "frames"}


def finish(b: Any, r: Any, take: tuple[str, str], wired: list[str]) -> bool:
    """The pass's generator (the last pipeline's) given the take as its 'video' at the pass's strength; its size and
    length where the task node's were wired from the take's frames (``wired``: its inputs cut) the take's own (0)."""
    band = b.bands[-1] if b.bands else []
    gen = next((x for x in band if "video" in {i.name for i in b.g.nodes[x].spec.inputs}
                and "strength" in b.g.nodes[x].params), None)
    if gen is None:
        return False
    b.g.connect(take[0], take[1], gen, "video")
    b.set_param(gen, "strength", round(r.denoise, 4), r.head)
    sized = [k for k in wired if k in SIZES and SIZES[k] in b.g.nodes[gen].params]
    for k in sized:
        b.set_param(gen, SIZES[k], 0, r.head)
    if sized:
        b.log(f"the pass's task node's {', '.join(repr(k) for k in sized)} are given by the take's frames when the "
              f"workflow runs: {b.g.nodes[gen].spec.title}'s {', '.join(repr(SIZES[k]) for k in sized)} are left 0 "
              "(the take's own)")
    return True
