"""An AnimateDiff workflow's ControlNets (ComfyUI's ControlNetApply / ControlNetApplyAdvanced, Advanced-ControlNet's
apply nodes, by their declared types: a CONTROL_NET input, an IMAGE 'image', CONDITIONING in and out) read as
Studio's AnimateDiff ControlNet node (controlnet_node.py): the one nearest the sampler, then those its conditioning
comes through (up to three), each loader's file as its 'controlnet' ('controlnet_2', 'controlnet_3'), the strength and
the start / end percents as its 'strength', 'start', 'end' ('strength_2'...), and the control clip behind 'image'
(its preprocessor made by Studio's Edges / Depth / pose nodes where the reading of intent inputs covers it) as its
'control' ('control_2'...); on a clip's restyle (a VAEEncode'd clip denoised part way: the generic reading's Video to
Video), that clip as its 'video' and the sampler's denoise as its 'denoise'. What it does not take (a fourth
ControlNet, a SparseCtrl, one whose clip Studio cannot make, a mask, Advanced-ControlNet's timestep or latent
keyframes and weights, a conditioning step after them) is said, one sentence each. Plain data and the catalogue's
door."""
from __future__ import annotations

from studio.convert.api import node_type

NODE = "video_models.animatediff_controlnet"  # controlnet_node.py's node
ONE = "at one strength over every frame, from 'start' to 'end' of the steps"
KEYFRAMES = {"TIMESTEP_KEYFRAME": ("timestep keyframes", ONE), "LATENT_KEYFRAME": ("latent keyframes", ONE),
             "CONTROL_NET_WEIGHTS": ("ControlNet weights", "with the weights its file holds, scaled by 'strength'"),
             "MASK": ("a mask", "over the whole picture")}
PICKLED = (".ckpt", ".pt", ".pth", ".bin")
MOST = 3  # the ControlNets AnimateDiff ControlNet takes (controlnet_node.py: 'controlnet', 'controlnet_2', '_3')


def _name(n) -> str:
    return f"'{n.title or n.shown_cls}' ({n.shown_cls}, #{n.id})"


def _in_types(n) -> dict:
    """``n``'s inputs' types: as the file says them, else as its pack declares them (the catalogue); a file's '*'
    (any type) says nothing."""
    t = node_type(n.cls)
    declared = {i.name: i.type for i in (t.inputs or ())} if t is not None else {}
    return {**declared, **{k: v for k, v in (n.in_types or {}).items() if v and v != "*"}}


def _out_types(n) -> set:
    t = node_type(n.cls)
    return ({o.type for o in (t.outputs or ())} if t is not None else set()) | {x for x in (n.out_types or ()) if x}


def is_apply(n) -> bool:
    """A ControlNet apply node, by its declared types: a CONTROL_NET input, an IMAGE 'image', CONDITIONING in and
    out."""
    types = _in_types(n)
    return "CONTROL_NET" in types.values() and types.get("image") == "IMAGE" and "CONDITIONING" in types.values() \
        and "CONDITIONING" in _out_types(n)


def _file(wf, loader) -> str | None:
    """The file a ControlNet loader reads: its file widget (the catalogue's COMBO of the loader)."""
    t = node_type(loader.cls)
    for i in (t.inputs or ()) if t is not None else ():
        if i.type == "COMBO" and isinstance(v := wf.value(loader, i.name), str) and v.strip():
            return v
    v = wf.value(loader, "control_net_name")
    return v if isinstance(v, str) and v.strip() else None


def _number(v):
    return float(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else None


def _aside(b, n, said: list[str]) -> None:
    """The keyframes, weights or mask wired into ``n`` (an apply node or its loader), each said as not taken."""
    wf, types = b.wf, _in_types(n)
    for k, (src, _) in sorted(n.links.items()):
        what, how = KEYFRAMES.get(types.get(k), (None, ""))
        s = wf.nodes.get(src)
        if what is None or s is None:
            continue
        said.append(f"{_name(n)}'s '{k}' ({what}, from {_name(s)}) is not taken: AnimateDiff ControlNet applies its "
                    f"ControlNet {how}")
        b.used.add(s.id)


def _sparse(loader) -> bool:
    """A SparseCtrl model's loader (Advanced-ControlNet files them under SparseCtrl): not a ControlNet."""
    t = node_type(loader.cls)
    return "sparsectrl" in f"{loader.cls} {t.category if t is not None else ''}".lower()


def _sparse_said(b, applies: list, said: list[str]) -> None:
    """Each SparseCtrl apply's model loader, and the nodes that feed only that loader (its sparse method, its motion
    settings), passed over in one sentence naming the apply: Studio's AnimateDiff runs no SparseCtrl (they were
    listed as not converted beside a take made without them: animdiff15)."""
    wf = b.wf
    for cn in applies:
        loader = wf.source(cn, "control_net")
        if loader is None or loader.id in b.used or loader.id in b.over:
            continue
        file = _file(wf, loader) or next((v for v in loader.settings().values() if isinstance(v, str)  # (a UI
                                          and v.lower().endswith((".safetensors", *PICKLED))), None)  # file's by place)
        feeders = [wf.nodes[src] for src, _ in loader.links.values() if src in wf.nodes
                   and {m.id for m in wf.nodes.values() if m.enabled and any(v[0] == src for v in m.links.values())}
                   == {loader.id} and not wf.nodes[src].links]  # (a settings node of the loader's alone)
        b.over[loader.id] = (f"{_name(loader)} loads the SparseCtrl model" + (f" '{file}'" if file else "")
                             + f" that {_name(cn)} applies: not applied, Studio's AnimateDiff runs no SparseCtrl "
                             "(diffusers' AnimateDiffSparseControlNetPipeline is not built)")
        for f in feeders:
            b.over[f.id] = (f"{_name(f)} gives {loader.where(next(k for k, v in loader.links.items() if v[0] == f.id))}: "
                            "one of what that SparseCtrl model is loaded with, not applied either")
        said.append(b.over[loader.id])


def _wired(b, cn, into: str, inputs: dict, said: list[str]) -> bool:
    """The control clip behind ``cn``'s 'image' wired into ``into`` (the reading of intent inputs, its steps made);
    False, with nothing kept of the attempt, where no loader Studio reads gives it (the other rules then hold it)."""
    used, unmade, unmade_from, tried = set(b.used), set(b.unmade), dict(b.unmade_from), []
    b.intent(cn, "image", into, inputs, tried)
    if into in inputs:
        said += tried
        return True
    for live, kept in ((b.used, used), (b.unmade, unmade), (b.unmade_from, unmade_from)):
        live.clear()
        live.update(kept)
    return False


def _chain(plain: list, first, wf) -> list:
    """The ControlNet applies in the order they steer: ``first`` (nearest the sampler), then each one its conditioning
    comes through, then the others (another branch), by id."""
    out, n = [first], first
    while (n := next((wf.source(n, k) for k in ("positive", "conditioning") if wf.source(n, k) in plain), None)) \
            is not None and n not in out:
        out.append(n)
    return out + [m for m in plain if m not in out]


def _taken(b, cn, k: int, restyle: bool, said: list[str]) -> None:
    """``cn``'s loader's file, strength and start / end set on the generator's ``k``-th ControlNet ('controlnet',
    'strength', ... for the first; 'controlnet_2', 'strength_2', ... after), said in one sentence."""
    wf, tail = b.wf, "" if k == 1 else f"_{k}"
    loader = wf.source(cn, "control_net")
    b.used.add(cn.id)
    file = _file(wf, loader) if loader is not None else None
    if loader is not None:
        b.used.add(loader.id)
    strength = _number(wf.value(cn, "strength"))
    start, end = _number(wf.value(cn, "start_percent")), _number(wf.value(cn, "end_percent"))
    if file:
        b.extra["controlnet" + tail] = file
    for q, v in (("strength", strength), ("start", start), ("end", end)):
        if v is not None:
            b.extra[q + tail] = v
    src = f"'{file}' (from {_name(loader)})" if file else f"(its loader's file not read: set 'controlnet{tail}')"
    said.append(f"{_name(cn)}'s ControlNet {src} steers the take{' too' if k > 1 else ''} as AnimateDiff ControlNet's "
                f"'controlnet{tail}', strength {strength if strength is not None else 1:g} ('strength{tail}')"
                + (f", from {start:g} to {end:g} of the steps ('start{tail}', 'end{tail}')"
                   if start is not None and end is not None else "") + f"; {cn.of('image')} is its 'control{tail}'"
                + (f"; the encoded clip is its 'video', restyled at denoise {b.extra['denoise']:g} ('denoise')"
                   if restyle and k == 1 and isinstance(b.extra.get("denoise"), (int, float)) else
                   "; the encoded clip is its 'video'" if restyle and k == 1 else ""))
    if file and file.lower().endswith(PICKLED):
        said.append(f"'{file}' is a pickled file, which Studio never opens (loading one can run code): give the same "
                    f"ControlNet as .safetensors to AnimateDiff ControlNet's 'controlnet{tail}'")
    for n in (cn, loader):
        if n is not None:
            _aside(b, n, said)


def _between(b, applies: list, said: list[str]) -> None:
    """The nodes changing the conditioning between the ControlNets and the take's sampler (by their declared types:
    CONDITIONING in and out: the corpus' logtd fourpeople_workflow's InstanceDiffusion tracking prompt, unsaid once
    the take was made), each said not applied: AnimateDiff ControlNet takes the prompt's text and the ControlNets'
    clips."""
    wf, sampler = b.wf, getattr(b, "take_sampler", None)
    for port in ("positive", "negative") if sampler is not None else ():
        n, way = wf.source(sampler, port), []
        while n is not None and n not in applies and n not in way and "CONDITIONING" in _out_types(n):
            ins = [k for k, v in _in_types(n).items() if v == "CONDITIONING" and k in n.links]
            ins = [port] if port in ins else ins  # (a node passing each prompt on by its name: that one)
            if len(ins) != 1:  # (one conditioning passed on: a combine of several is the prompt reading's)
                break
            way.append(n)
            n = wf.source(n, ins[0])
        for m in way if n in applies else ():  # (only a way that reaches the ControlNets)
            if m.id not in b.used:
                b.used.add(m.id)
                said.append(f"{_name(m)}, between the ControlNets and {_name(sampler)}, is not applied: AnimateDiff "
                            "ControlNet takes the prompt's text and the ControlNets' clips")


def steer(b, up, inputs: dict, said: list[str]):
    """The ControlNets of the pipeline read onto AnimateDiff ControlNet's settings and control clips: the apply node
    nearest the sampler its 'controlnet' and 'control', those its conditioning comes through 'controlnet_2' /
    'control_2' and 'controlnet_3' / 'control_3' (diffusers' MultiControlNetModel sums them), the others said;
    None when no ControlNet whose clip Studio makes steers it, else the generator's type id."""
    wf = b.wf
    applies = [n for n in sorted(up, key=lambda n: n.id) if n.enabled and is_apply(n)]
    if not applies:
        return None
    fed = {src for m in applies for src, _ in m.links.values()}  # an apply node feeding another
    sparse = [n for n in applies if (m := wf.source(n, "control_net")) is not None and _sparse(m)]
    plain = [n for n in applies if n not in sparse]  # (the nearest ControlNet steers; a SparseCtrl beside it said)
    last = [n for n in plain if n.id not in fed] or plain
    if not last:  # SparseCtrl alone (the family's not built: families/animatediff/family.py): said, its apply left
        _sparse_said(b, sparse, said)  # to the other rules (a step not applied, or the task held)
        return None
    taken, unwired = [], []
    for cn in _chain(plain, last[0], wf):
        k = len(taken) + 1
        if k > MOST:
            break
        (taken if _wired(b, cn, "control" if k == 1 else f"control_{k}", inputs, said) else unwired).append(cn)
    if not taken:
        return None
    restyle = "video" in inputs  # a clip's restyle: the sampler's denoise (read as 'strength') is the node's 'denoise'
    if restyle and "strength" in b.extra:
        b.extra["denoise"] = b.extra.pop("strength")
    for k, cn in enumerate(taken, 1):
        _taken(b, cn, k, restyle, said)
    for cn in unwired:
        b.used.add(cn.id)
        said.append(f"{_name(cn)}'s ControlNet is not taken: Studio makes no clip for its 'image' when converting "
                    "(what gives it is no loader Studio reads); the take is steered by the others")
    _between(b, applies, said)
    names = ", ".join(_name(n) for n in taken)
    for other in (n for n in applies if n not in taken and n not in unwired):
        b.used.add(other.id)
        its = wf.source(other, "control_net")  # (its loader named with it: left unnamed it was listed not converted)
        its_file = _file(wf, its) if its is not None and its.id not in b.used else None
        if its_file:
            b.used.add(its.id)
        sparse_one = its is not None and _sparse(its)
        said.append(f"{_name(other)}, another ControlNet on the conditioning"
                    + (f" ('{its_file}', from {_name(its)}" + (", a SparseCtrl model" if sparse_one else "") + ")"
                       if its_file else "") + ", is not taken: " + (
                        "Studio's AnimateDiff runs no SparseCtrl" if sparse_one else
                        f"AnimateDiff ControlNet takes up to {MOST} ControlNets")
                    + f" (the take is steered by {'that' if len(taken) == 1 else 'those'} of {names})")
    return NODE
