"""What a refine by another model (takes.refine) does on the frames' way and in its sampler, each node in one
sentence naming it and the input it feeds: applied as Studio's own node where one exists (every n-th frame picked:
Time), else said not applied. The facts of each node are its pack's source's (VideoHelperSuite's
VHS_SelectEveryNthImage keeps ``images[skip_first_images::select_every_nth]``; KJNodes' VRAM_Debug frees memory and
returns its inputs unchanged; ColorMatchV2 transfers the colour of 'image_ref' onto 'image_target'; ComfyUI's
ContextWindowsManual and a family's like it (its hook 'context_windows') set the model's context windows;
RES4LYF's ClownOptions_ExtraOptions_Beta gives the sampler extra options as text). Plain data and stdlib."""
from __future__ import annotations

from typing import Any

from studio.core.shown import cut, number

from ..finishing.take_loudness import even, words
from ..families import registry as families
from ..reading.workflow import CNode
from . import pass_sigmas, sized_frames
from .passes import is_pass
from ..tracing.walks import upstream

KSAMPLER = ("seed", "noise_seed", "control_after_generate", "steps", "cfg", "sampler_name", "scheduler", "denoise")
# ComfyUI's ContextWindowsManual's settings in order, its lengths in latents; a family's node setting the windows as
# it does, with its settings: its hook 'context_windows' (Wan's WanContextWindowsManual, in frames)
WINDOWS = {"ContextWindowsManual": ("context_length", "context_overlap", "context_schedule", "context_stride",
                                    "closed_loop", "fuse_method")}
COLOURS = ("ColorMatchV2", "ColorMatch", "ImageColorMatch+")
SIZES = ("ResizeImagesByLongerEdge", "ImageScale", "ImageScaleBy", "ImageResizeKJv2", "ImageResizeKJ")
MAX_MODEL_STEPS = 32


_name = CNode.named  # the node in a sentence


def _val(wf, n: CNode, name: str, order: tuple[str, ...] = ()) -> Any:
    v = wf.value(n, name)
    if v is None and name not in n.links and isinstance(n.raw, list) and name in order:
        i = order.index(name)
        v = n.raw[i] if i < len(n.raw) else None
    return v


def _shown(v: Any) -> str:
    return number(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else str(v)


def frames(b: Any, r: Any, out: tuple[str, str]) -> tuple[tuple[str, str], list[str]]:
    """The frame steps between the earlier take's decoder and the pass's encoder: (the video the pass restyles, its
    Time where frames are picked; the sentences)."""
    wf, said = b.wf, []
    chain = list(r.frames)
    for i, n in enumerate(chain):
        into = chain[i + 1] if i + 1 < len(chain) else r.encode
        port = "pixels" if into is r.encode else next((k for k, (s, _) in into.links.items() if s == n.id), "images")
        way = f"on the frames' way to {_name(into)}'s '{port}'"
        if n.cls == "VHS_SelectEveryNthImage":
            nth, skip = wf.value(n, "select_every_nth"), wf.value(n, "skip_first_images") or 0
            if not isinstance(nth, int) or not isinstance(skip, int) or nth < 1 or skip < 0:
                said.append(f"{_name(n)} picks frames {way} by values Studio cannot work out: not applied (every "
                            "frame of the take is restyled)")
                continue
            if skip:
                node = b.add("edit.time", {"mode": "trim", "start": skip, "length": 0}, n)
                b.g.connect(out[0], out[1], node, "video")
                out = (node, "video")
            if nth > 1:
                node = b.add("edit.time", {"mode": "speed", "speed": float(nth), "method": "nearest"}, n)
                b.g.connect(out[0], out[1], node, "video")
                out = (node, "video")
            said.append(f"{_name(n)} keeps one frame in {nth} of the take from frame {skip} "
                        f"{way}: made as Studio's Time ({'trim from frame ' + str(skip) + ', then ' if skip else ''}"
                        f"speed {nth}, the nearest frame)" if nth > 1 or skip else
                        f"{_name(n)} keeps every frame of the take {way}: nothing to apply")
        elif n.cls == "VRAM_Debug":
            said.append(f"{_name(n)} frees memory and passes the frames on unchanged {way}: nothing to apply")
        elif n.cls in COLOURS:
            ref = wf.source(n, "image_ref") or wf.source(n, "image_reference")
            if ref is not None and not ref.links:  # a picture loaded for the match alone: said with it
                b.used.add(ref.id)
            how = ", ".join(f"{k} {_shown(v)}" for k in ("method", "strength") if (v := wf.value(n, k)) is not None)
            to = _name(ref) if ref is not None else "another picture"
            said.append(f"{_name(n)} matches the frames' colour to {to}{' (' + how + ')' if how else ''} {way}: not "
                        "applied (Studio's pass reworks the take's frames as they are)")
        elif n.cls in SIZES:
            edge = wf.value(n, "longer_edge")
            what = f"to a longer edge of {_shown(edge)} pixels" if edge is not None else "to another size"
            if (scaled := sized_frames.made(b, n, out)) is not None:  # Studio's Scale before the pass (rtx10)
                out, how = scaled
                said.append(f"{_name(n)} scales the frames {what} {way}: made as Studio's Scale on them before the pass "
                            f"({how}), the pass made at that size")
                continue
            said.append(f"{_name(n)} scales the frames {what} {way}: not applied (the pass is made at the take's own "
                        "size)")
        elif n.cls == "GetImageSizeAndCount":
            said.append(f"{_name(n)} passes the frames on unchanged {way} (its size and count outputs read where they "
                        "are wired): nothing to apply")
    return out, said


def _model_way(wf, head: CNode) -> list[CNode]:
    """The nodes on the pass's model's way back (its 'model' links), the sampler's nearest first."""
    found, n = [], wf.source(head, "model")
    while n is not None and len(found) < MAX_MODEL_STEPS:
        found.append(n)
        n = wf.source(n, "model")
    return found


def model_file(wf, head: CNode) -> str | None:
    """The file of the model the pass samples with (the first file named on its model's way)."""
    for n in _model_way(wf, head):
        v = next((wf.value(n, k) for k in ("model_name", "unet_name", "ckpt_name") if wf.value(n, k)), None)
        if isinstance(v, str):
            return v
    return None


def sampler(b: Any, r: Any) -> list[str]:
    """The pass's sampler's own settings and inputs the builder does not read as a KSampler's, each said: RES4LYF's
    sigma chain (read: its share and steps), its options, its pack's settings; the context windows on its model."""
    wf, head, said = b.wf, r.head, []
    if r.sigmas is not None:
        said.append(pass_sigmas.sentence(r.sigmas, head))
        chain = set(x.id for x in r.sigmas.nodes)
        b.used |= chain
        for n in r.sigmas.nodes:  # the constants wired into the chain's settings (FloatConstant...)
            b.used |= {s for k, (s, _) in n.links.items() if k not in ("sigmas", "sigmas_in", "model")
                       and wf.nodes.get(s) is not None and wf.output(wf.nodes[s], 0) is not None}
        if "steps" in head.widgets or "scheduler" in head.widgets:
            own = ", ".join(f"'{k}' {_shown(wf.value(head, k))}" for k in ("steps", "scheduler")
                            if wf.value(head, k) is not None)
            said.append(f"{_name(head)}'s own {own} make no schedule where 'sigmas' are wired to it (RES4LYF builds "
                        "one from them only when none is): the sigma chain's steps are the pass's")
    opts = wf.source(head, "options")
    if opts is not None:
        text = _val(wf, opts, "extra_options", ("extra_options",))
        shown = f" ({cut(' '.join(str(text).split()), 120)})" if text else ""
        said.append(f"{_name(opts)} gives {_name(head)}'s 'options' RES4LYF's extra options{shown}: not applied")
        b.used.add(opts.id)
    if head.cls not in ("KSampler", "KSamplerAdvanced", "SamplerCustom", "SamplerCustomAdvanced"):
        own = [f"{k} {_shown(v)}" for k, v in head.widgets.items() if k not in KSAMPLER and v is not None
               and not isinstance(v, (list, dict))]
        if own:
            said.append(f"{_name(head)}'s settings {', '.join(own)} are its pack's sampling: not applied; Studio's "
                        "generator for the pass samples with its model's own scheduler at the pass's seed and cfg")
    for n in _model_way(wf, head):
        units = families.lookup("context_windows")
        if n.cls in WINDOWS or n.cls in units:
            order = WINDOWS.get(n.cls, WINDOWS["ContextWindowsManual"])
            vals = ", ".join(f"{k} {_shown(v)}" for k in order[:3] + order[5:]
                             if (v := _val(wf, n, k, order)) is not None)
            unit = f" ({units[n.cls]})" if units.get(n.cls) else ""
            said.append(f"{_name(n)} sets context windows{unit} ({vals}) on the model on its way to {_name(head)}'s "
                        "'model': not applied (Studio's generator for the pass makes the take in windows of its "
                        "own, or in one call)")
            b.used.add(n.id)
    return said


def _downstream(wf, starts: list[CNode]) -> set[str]:
    """The nodes the outputs of ``starts`` reach (themselves included): one pass over the links."""
    users: dict[str, list[str]] = {}
    for n in wf.nodes.values():
        for src, _ in n.links.values():
            users.setdefault(src, []).append(n.id)
    found = {x.id for x in starts}
    todo = list(found)
    while todo:
        for m in users.get(todo.pop(), ()):
            if m not in found:
                found.add(m)
                todo.append(m)
    return found


def sounds(wf, save: CNode, r: Any) -> list[tuple[CNode, str, tuple[str, int]]]:
    """The inputs on the pass's way (from the output back, not past the encoder's frames) that the earlier take
    reaches: its sound on the output's way (CreateVideo's 'audio'), and what the pass's conditioning reads of it (Wan
    HuMo's first frame and voice): (node, input, link). The pass's pipeline is made without them (else it would read
    the earlier take as its own); :func:`sound` gives the sound to its Save Video and says the rest."""
    starts = [r.earlier] + [u for u in upstream(wf, r.earlier) if is_pass(wf, u)]  # the take's passes
    tainted = _downstream(wf, starts) - _downstream(wf, [r.head])  # (what the pass makes is its own way)
    outs = {save.id} | {s for s, _ in save.links.values()}  # the output and what it is given (CreateVideo)
    found, seen, todo = [], {save.id}, [save]
    while todo and len(seen) < 4096:
        n = todo.pop()
        for k, link in n.links.items():
            m = wf.nodes.get(link[0])
            if m is None or m.id in seen:
                continue
            if m.id in tainted and (k == "audio" and n.id in outs or not {"positive", "negative"} & set(m.links)):
                found.append((n, k, link))  # the output's sound, or what the take makes (not the pass's prompts)
                continue
            seen.add(m.id)
            todo.append(m)
    return found


def sound(b: Any, found: list, heard: tuple[str, str], made: bool) -> None:
    """The pass's Save Video given the earlier take's sound (its generator's 'audio'), said with the nodes on the
    sound's way: its decoder and latents read (the generator makes the sound), any other step said not applied."""
    if not found:
        return
    wf, band = b.wf, b.bands[-1] if b.bands else []
    sv = next((x for x in band if b.g.nodes[x].type_id == "io.save_video"), None) if made else None
    has = heard[0] in b.g.nodes and any(o.name == heard[1] for o in b.g.nodes[heard[0]].spec.outputs)
    for n, k, link in found:
        src, steps = wf.nodes[link[0]], []
        while src is not None and "Decode" not in src.cls and len(steps) < 16:
            steps.append(src)
            src = next((wf.source(src, x) for x in ("audio", "samples", "image", "images", "image_pass")
                        if x in src.links), None)
        if k != "audio" or n.cls not in ("CreateVideo", "SaveVideo") and "Combine" not in n.cls:
            b.used |= {x.id for x in steps}
            b.log(f"{_name(n)}'s '{k}' is made from the take the pass refines"
                  + (" (through " + ", ".join(_name(x) for x in steps) + ")" if steps else "")
                  + ": not wired in Studio's graph, where the pass's generator is given that take itself")
            continue
        if not made:
            b.used |= {x.id for x in steps}
            b.log(f"{_name(n)}'s '{k}' is the sound of the take the pass refines: written with that take by its own "
                  "Save Video (the pass is held)" + "".join(f"; {_name(x)} on its way is not applied" for x in steps))
            continue
        if sv is None or not has or b.g.input_link(sv, "audio") is not None:
            b.log(f"{_name(n)}'s '{k}' is the sound of the take the pass refines: not given to Studio's Save Video "
                  "(that take makes none)")
            continue
        evened, louder = even(b, steps[::-1], heard)  # (a loudness step on its way: Audio Loudness)
        b.g.connect(*evened, sv, "audio")
        b.used |= {x.id for x in steps}
        b.log(f"{_name(n)}'s '{k}' is the sound of the take the pass refines: Studio's Save Video takes it from that "
              "take's own output, as its Save Video would"
              + (f", brought to a loudness by {words(b, louder)} (Studio's Audio Loudness)" if louder else "")
              + "".join(f"; {_name(x)} on its way is not applied" for x in steps if x not in louder))


def take_saved(b: Any, sv: str | None, band: Any, earlier: CNode, head: CNode, made: bool, after: str = "") -> None:
    """The Save Video of the take ``head`` refines (made by ``earlier``), where the take is written alone: removed
    where the pass is made (the take is the pass's input, not an output of its own), else said written while the pass
    is held (refine.py; latent_refine.py with ``after`` ' after the latent upscale')."""
    if sv is None:
        return
    if made:
        b.g.remove_node(sv)
        b.bands[band].remove(sv)
        return
    b.log(f"the take of {CNode.named(earlier)} that {CNode.named(head)} refines{after} is made and written by its own "
          f"Save Video ('{b.g.nodes[sv].params.get('path')}'): the pass on it is held (said first)")
