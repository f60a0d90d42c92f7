"""A later shot of one continued take made by a node no pack in Studio's catalogue declares (issue 112, items 2 and 4),
read by the sockets its file declares: a node taking, beside a catalogued image-to-video task node's sockets, a
LATENT that is an earlier shot's take (its sampler's latent, through nodes passing the latent on or the take decoded
and encoded again: tracing/latent_ways.py) and an IMAGE of frames picked from that same take's decoded frames (its
motion frames) continues that shot: it is read as the task node (packs/uncatalogued_twins.py) with
those frames as its start image, so the chain is an extend chain of segments, each with its own prompt, frames,
seed and models (takes/extend.py, takes/segments.py), joined where the workflow joins them. What its start image
was (SVI's anchor picture) and the latent it continued (with the nodes keeping it) are said with it.

A latent from anything else (a clip loaded and encoded, an empty latent), or frames of another take than the
latent's, is no continuation: the node is read as no twin (held, said). Plain data and stdlib."""
from __future__ import annotations

from dataclasses import dataclass

from ..reading.workflow import CNode, Workflow
from ..takes.frame_way import pick_widgets
from ..tracing.latent_ways import MAX_STEPS, sampler_behind, through
from ..tracing.tasks import tasks


@dataclass(frozen=True)
class Shot:
    """How a node continues an earlier shot's take."""
    latent: str  # its input given the earlier take's latent
    frames: str  # its input given frames picked from that take (the start image of the shot in Studio)
    sampler: CNode  # the earlier shot's sampler
    way: tuple[CNode, ...]  # the nodes passing the latent on (taken with the node)


_name = CNode.named  # the node in a sentence


def _decoded_by(wf: Workflow, link: tuple) -> CNode | None:
    """The sampler whose decoded frames image ``link`` gives, picked (one frame pick, through image operations: what
    takes/extend.py continues from); None where they are not frames picked from a take."""
    picked = False
    for _ in range(MAX_STEPS):
        src = wf.nodes.get(link[0])
        if src is None:
            return None
        if src.cls.startswith("VAEDecode"):
            got = src.links.get("samples") or src.links.get("latents")
            behind = sampler_behind(wf, got) if got and picked else None
            return behind[0] if behind is not None else None
        k = None
        if not picked and (pick := pick_widgets(src)) is not None:
            picked, k = True, next((i for i in ("images", "image") if i in src.links), None)
        k = k or through(src, link[1], "IMAGE")
        if k is None or k not in src.links:
            return None
        link = src.links[k]
    return None


def continued(wf: Workflow, n: CNode, ins: dict[str, str]) -> Shot | None:
    """How uncatalogued node ``n`` (its sockets ``ins``, as its file declares them) continues an earlier shot's take;
    None where it does not."""
    for k, t in ins.items():
        if t != "LATENT" or k not in n.links:
            continue
        behind = sampler_behind(wf, n.links[k])
        if behind is None:
            continue
        for f, ft in ins.items():
            if ft == "IMAGE" and f in n.links and (s := _decoded_by(wf, n.links[f])) is not None \
                    and s.id == behind[0].id:
                return Shot(k, f, behind[0], tuple(behind[1]))
    return None


def start_port(r) -> str | None:
    """The input of catalogued task node ``r`` that is its generator's start image; None where it has none."""
    task = tasks().get(r.name)
    port = next((p for p, into in task.ports if into == "image"), None) if task is not None else None
    return port if port is not None and r.input(port) is not None else None


def rewire(wf: Workflow, n: CNode, shot: Shot, port: str, links: dict) -> str:
    """``n`` (read as a task node whose start image is ``port``; ``links``: its links as the file saved them) given
    the earlier take's frames as its start image, the latent's way taken; the sentence."""
    was = links.get(port) if port != shot.frames else None  # (its start image those frames already: kept)
    n.links[port] = links[shot.frames]
    wf.taken.update(m.id for m in shot.way)
    src = wf.nodes.get(was[0]) if was else None
    way = f", through {', '.join(_name(m) for m in shot.way)}" if shot.way else ""
    line = (f"{_name(n)} continues the take of {_name(shot.sampler)} (its '{shot.latent}' is that take's latent"
            f"{way}; its '{shot.frames}' frames picked from that take): it is read as a later shot of one continued "
            "take, started from those frames as its start image, with its own prompt, frames and seed; the latent it "
            "continues from is not taken (Studio's shot starts from the decoded frames alone)")
    if src is not None:
        line += (f"; its '{port}' (from {_name(src)}) is not taken: Studio's shot starts from the earlier shot's "
                 "frames instead")
    return line
