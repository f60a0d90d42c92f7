"""The native ComfyUI nodes of one MiniMax H3 take, made for a pack node that stands for them (an app's
MiniMaxH3Director's segment: comfy_director.py; a pack's one-shot H3MultishotSampler: comfy_multishot.py): its
pictures (LoadImage), MiniMaxH3ImageToVideo, a KSampler with no negative prompt (ConditioningZeroOut, as
ComfyUI's native MiniMax H3 workflows wire it: the pack's BasicGuider takes none) and the video and sound decoders. Plain data and stdlib."""
from __future__ import annotations

from studio.convert.api import CNode, Workflow

OWN = ("ImageBatch", "AudioConcat", "VAEDecode", "VAEDecodeAudio")  # made nodes read by their own declared types


def add(wf: Workflow, at: CNode, nid: str, cls: str, widgets: dict, links: dict, title: str = "") -> tuple[str, int]:
    """A node ``at`` stands for: the joins and decoders as their own type (read by their declared sockets; a sentence
    names them as ``at``, the file's node: its said_as), the others named as ``at``."""
    own = cls in OWN
    wf.nodes[nid] = CNode(nid, cls, title or at.title or at.cls, at.mode, widgets,
                          {k: v for k, v in links.items() if v is not None}, at.pos,
                          origin="" if own else at.cls, said_as=at.named() if own else "")
    return nid, 0


def take(wf: Workflow, at: CNode, base: str, task: dict, sampling: dict, wires: dict,
         pictures: tuple[str, str] = ("", "")) -> tuple[tuple, tuple]:
    """One take's nodes: ``task`` MiniMaxH3ImageToVideo's prompt, width, height, length; ``sampling`` the KSampler's
    seed, steps, cfg, sampler_name, scheduler (each a value, or a link in ``wires``); ``wires`` the model, clip,
    video_vae, audio_vae links (and a start and a last picture's links as 'first_frame' and 'last_frame'); ``pictures`` files of the start and last
    picture (LoadImage each). Its (pictures, sound)."""
    links = {"clip": wires.get("clip"), "vae": wires.get("video_vae"), "first_frame": wires.get("first_frame"),
             "last_frame": wires.get("last_frame")}
    for port, file, what in (("first_frame", pictures[0], "start"), ("last_frame", pictures[1], "last")):
        if file:
            links[port] = add(wf, at, f"{base}.{what}", "LoadImage", {"image": file}, {}, f"{at.title or at.cls} "
                              f"{what} picture")
    i2v = add(wf, at, f"{base}.i2v", "MiniMaxH3ImageToVideo", dict(task), links)
    none = add(wf, at, f"{base}.negative", "ConditioningZeroOut", {}, {"conditioning": i2v})  # no negative prompt
    k = add(wf, at, f"{base}.sampler", "KSampler", {**{k: v for k, v in sampling.items() if k not in wires},
                                                     "denoise": 1.0},
            {"model": wires.get("model"), "positive": i2v, "negative": none, "latent_image": (i2v[0], 1),
             **{k: v for k, v in wires.items() if k in sampling}})
    pics = add(wf, at, f"{base}.decode", "VAEDecode", {}, {"samples": k, "vae": wires.get("video_vae")})
    sound = add(wf, at, f"{base}.sound", "VAEDecodeAudio", {}, {"samples": k, "vae": wires.get("audio_vae")})
    return pics, sound


def rewire(wf: Workflow, old: str, outs: dict) -> None:
    """Every link from node ``old``'s output slot to ``outs[slot]`` (unwired where None: the reader's link kept in its
    let_go, ``old`` in wf.read_away, so a display of that output is said given an output Studio does not make:
    mapping/read_away.py; heldout111 02), then ``old`` removed."""
    for m in list(wf.nodes.values()):
        for port, (src, slot) in list(m.links.items()):
            if src == old:
                if outs.get(slot) is None:
                    m.let_go = {**m.let_go, port: m.links.pop(port)}
                else:
                    m.links[port] = outs[slot]
    wf.read_away[old] = wf.nodes.pop(old)
    wf.__dict__.pop("_consumers", None)  # (who reads whom made again: tracing.roles keeps its table while the count
    # of nodes stays, and a take's nodes made for as many dropped left it so: heldout97 07's sound read as no decoder)
