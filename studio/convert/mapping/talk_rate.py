"""A voice-driven generator dubbing a clip at that clip's own rate (heldout75 04: InfiniteTalk's wrapper given the rate
by VHS_VideoInfo of the clip it re-lip-syncs, MultiTalkWav2VecEmbeds' fps; Studio made the voice's features and the
take at 25 frames a second). Where a family read that rate as its clip's (the workflow's 'talk_rates': the node giving
the voice's features -> (the Video Info node, its loader)) and its generator takes its rate from a clip at 'fps' 0
(its declared rate port, wired from that loader's clip), each Speech Features on the generator's length ports (the
voices: a node with an optional 'video' input giving the frames and rate it aligns to, by its declaration) is given
that clip there, so the features are made at the clip's rate, which the generator then takes; said once. A rate
read so whose clip is not the generator's: the family's rate (its 'fps' default) and the words it had. Plain data."""
from __future__ import annotations

from typing import Any


def _gives_rate(spec: Any) -> bool:
    """A node aligning to a clip it is given on its optional 'video' (Speech Features: that clip's frames and rate)."""
    i = spec.input("video") if spec is not None else None
    return i is not None and i.optional and spec.param("fps") is not None


def wire(b: Any) -> None:
    """See the module: for each generator of the graph taking the rate of a clip on a rate port at 'fps' 0."""
    rates = getattr(b.wf, "talk_rates", None)
    if not rates:
        return
    given = getattr(b, "clips_given", {})
    done = set()
    for nid, node in list(b.g.nodes.items()):
        spec = node.spec
        ports = spec.ports("rate") if spec is not None else ()
        if not ports or spec.param("fps") is None or node.params.get("fps") not in (0, 0.0):
            continue
        for port in ports:
            link = b.g.input_link(nid, port)
            loader = given.get(port, (None, None))[1]
            match = next(((emb, r) for emb, r in rates.items() if loader is not None and r[1].id == loader.id), None)
            if link is None or match is None:
                continue
            emb, (info, clip_loader) = match
            feats = [b.g.input_link(nid, k) for k in spec.ports("length")]
            feats = [f.src for f in feats if f is not None and _gives_rate(b.g.nodes[f.src].spec)
                     and b.g.input_link(f.src, "video") is None]
            if not feats:
                continue
            for f in feats:
                b.g.connect(link.src, link.src_port, f, "video")
            done.add(emb)
            b.say(f"{b.wf.nodes[emb].named()}'s fps is the rate of the clip {clip_loader.named()} loads "
                  f"({info.named()} gives it), not known when converting: {spec.title}'s 'fps' 0 takes the rate of "
                  f"its '{port}', that clip, when it runs, and its Speech Features are given the clip on their 'video', "
                  "so the voice's features are made at that rate")
    for emb, (info, _) in rates.items():  # a rate read as a clip's that no generator here follows: as before
        if emb in done:
            continue
        gens = [node for node in b.g.nodes.values() if node.spec is not None and node.spec.ports("rate")
                and node.params.get("fps") in (0, 0.0) and node.spec.param("fps") is not None
                and node.spec.param("fps").default]
        for node in gens:  # (its family set 'fps' 0 for this rate: its own rate back)
            node.params["fps"] = node.spec.param("fps").default
        own = f"{gens[0].spec.title}'s voice features and its take are made at {gens[0].params['fps']:g} frames a " \
              "second" if gens else "the voice's features and the take are made at the generator's own rate"
        b.say(f"{b.wf.nodes[emb].named()}'s fps comes from {info.named()}, whose value Studio cannot work out when "
              f"converting: not taken, {own}")
