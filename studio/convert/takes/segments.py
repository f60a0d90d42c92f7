"""An output ComfyUI makes of several takes joined (issue 71, item 3): key-frame segments and loops,
each sampled by its own sampler chain and joined as pictures (an image batch) before the video is
written. (A take made from another's pictures, an extension, is read by its family as one continued
take: InfiniteTalk's, SCAIL-2's; where none does, the ledger says the passes it does not make.) Each take becomes its own Studio pipeline (read as a single output would be, by the
builder), and the takes are joined by Concatenate, in the order the output joins them, into one Save
Video. A take that cannot be made is said; the others are still made.

Plain data and stdlib: the builder (mapping.convert._Builder) makes the nodes."""
from __future__ import annotations

from typing import Any

from ..families import registry as families
from ..tracing.walks import sampler_chain, upstream
from ..tracing.prompts import MAX_SAMPLERS
from ..tracing.sampling import SAMPLERS
from . import continued_take, join_trims, joined_sound, start_batch, tail_hold
from .each_take import interpolate_each, joined_rate
from .extend import clip_extenders, continued, unapplied
from .joined_rate import written_at
from .ledger import pick_said
from ..finishing.beside import direction, placed, side_by_side
from ..finishing.finish import after_take, save_node
from ..finishing.pingpong import pingponged
from ..reading.workflow import CNode, Workflow
from .sound import remux
from ..tracing.tasks import task_of
from ..tracing.stills import one_picture

MAX_SEGMENTS = 16  # takes joined into one output (ComfyUI's templates join up to 5)
# the nodes that join the takes' frames, in order, where Studio's Concatenate does (read: not listed as dropped)
JOINS = ("ImageBatch", "ImageBatchMulti", "VHS_MergeImages", "easy batchAnything")


def _chains(wf: Workflow, samplers: list[CNode]) -> list[list[CNode]]:
    """The samplers grouped into chains whose latents flow from one to the next (one take each)."""
    ids = {s.id for s in samplers}
    parent = {s.id: s.id for s in samplers}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x
    for s in samplers:
        for other in sampler_chain(wf, CNode(f"{s.id}~", "SaveVideo", links={"video": (s.id, 0)})):
            if other.id in ids:
                parent[find(other.id)] = find(s.id)
    groups: dict[str, list[CNode]] = {}
    for s in samplers:
        groups.setdefault(find(s.id), []).append(s)
    return list(groups.values())


def segments(wf: Workflow, save: CNode, registry: Any = None) -> list[CNode]:
    """The last sampler of each take an output joins, in the order it joins them (its inputs in order,
    depth first); [] when it is made of one take. ``registry``: Studio's nodes (which generators extend a clip)."""
    samplers = sampler_chain(wf, save)
    if not 2 <= len(samplers) <= MAX_SAMPLERS:  # more: the builder says it keeps them as notes
        return []
    chains = [c for c in _chains(wf, samplers) if not any(one_picture(wf, s) for s in c)]  # (a still: no take)
    if len(chains) < 2 or len(chains) > MAX_SEGMENTS:
        return []
    last, ups = {}, {s.id: {u.id for u in upstream(wf, s)} for s in samplers}
    for c in chains:  # the chain's sampler that no other of its samplers feeds
        last[id(c)] = next(s for s in c if not any(s.id in ups[o.id] for o in c if o is not s))
    ids, after = {s.id for s in samplers}, {}
    extends = clip_extenders(registry) if registry is not None else None
    for c in chains:  # a take made from another's pictures (an extension)
        others = {s.id for o in c for s in samplers if s not in c and s.id in ups[o.id]}
        if not others:
            continue
        # started from frames of another take (takes.extend): a generator each; else its family reads it as one
        # continued take (InfiniteTalk's previous frames, SCAIL-2's Extend)
        cont = continued(wf, _head(c, ups), ids - {s.id for s in c}, False, extends)
        joined = {u.id for u in upstream(wf, cont.batched)} if cont is not None and cont.batched is not None else set()
        if cont is None and (mask := continued_take.take_of(wf, CNode(f"{last[id(c)].id}~", "SaveVideo", links={
                "video": (last[id(c)].id, 0)}))) is not None and mask.earlier.id in others:  # kept by a noise mask
            after[id(c)] = mask.earlier.id  # (its earlier take's last frames: continued_take.py)
            continue
        if cont is None or not others <= ups[cont.sampler] | {cont.sampler} | joined:  # (takes a picked batch joins)
            return []
        after[id(c)] = cont.sampler
    order, seen, todo = [], set(), [save]
    ends = {last[id(c)].id: last[id(c)] for c in chains}
    while todo and len(seen) < 100_000:  # depth first, each node's inputs in their order
        n = todo.pop()
        if n.id in seen:
            continue
        seen.add(n.id)
        if n.id in ends:
            order.append(ends[n.id])
            continue
        for name in sorted(n.links, key=_natural, reverse=True):
            src = wf.nodes.get(n.links[name][0])
            if src is not None and src.id not in seen:
                todo.append(src)
    if len(order) != len(chains):
        return []
    pos = {e.id: i for i, e in enumerate(order)}
    take = {s.id: pos[last[id(c)].id] for c in chains for s in c}  # each sampler's take, in the output's order
    if any(take[j] >= take[c[0].id] for c in chains if (j := after.get(id(c))) is not None):
        return []  # a take continuing one the output joins after it: not a chain made in order
    return order


def _head(chain: list[CNode], ups: dict[str, set[str]]) -> CNode:
    """The chain's first sampler: no other of its samplers feeds it."""
    return next(s for s in chain if not any(o.id in ups[s.id] for o in chain if o is not s))


def _continue(b: Any, fake: CNode, k: int, keys: list[frozenset], named: bool = False) -> tuple[str | None, dict]:
    """Take ``k`` (its output ``fake``) started from frames of an earlier take made here: Studio's node giving them
    from that take's video (Frame Hold: one frame, the start image; Time's trim: the last frames, a clip to extend),
    handed to the builder to wire (b.continuing); its id, else None, and the settings it asks of the take's
    generator (Wan VACE's 'extend' preset and the frames kept). ``named``: the takes are said by their outputs (each
    saved on its own) instead of their numbers in one joined output."""
    wf = b.wf
    chain = sampler_chain(wf, fake)
    ups = {s.id: {u.id for u in upstream(wf, s)} - {s.id} for s in chain}
    earlier = {sid: (j, key) for j, key in enumerate(keys, 1) for sid in key}
    cont = continued(wf, _head(chain, ups), set(earlier), False, clip_extenders(b.g.registry)) if chain else None
    if cont is None:
        return None, {}
    j, key = earlier[cont.sampler]
    gen = b.made[key][0]
    was = b.made[key][3]
    this, that = (f"the take of '{fake.title or fake.shown_cls}' (#{fake.id})",
                  f"the take of '{was.title or was.shown_cls}' (#{was.id})") if named else (f"take {k}", f"take {j}")
    frames = b.g.nodes[gen].params.get("frames")
    frames = frames if isinstance(frames, int) and frames > 0 else None
    count = cont.count or (frames - cont.frame if frames and cont.frame is not None and frames > cont.frame else 1)
    known = frames is not None or cont.frame is not None  # where the frame is found; else frame 0 (heldout51 01)
    bad = pick_said(wf, cont.pick, "the last frames are taken" if known else  # (ledger.py)
                    "its first frames are taken" if count > 1 else "frame 0 is taken")
    if frames and count > frames:  # more frames than the take has: all of them, said (not "(-999999967-32)")
        bad.append(f"the {count:,} frames picked are more than {that}'s {frames}: its {frames} are taken")
        count = frames
    first = cont.frame if cont.frame is not None else (frames - count if frames else None)  # the last ones
    if frames and first is not None and first + count > frames:  # past the take's end: cut to it, as ComfyUI does
        first = min(first, frames - 1)
        count = frames - first
    how = f" ({cont.pick.said_as})" if cont.pick is not None and cont.pick.said_as else \
        f" (ComfyUI's {cont.pick.shown_cls}, #{cont.pick.id})" if cont.pick is not None else ""  # (one made beside)
    if cont.batched is not None:  # picked from the frames of several takes joined: the take they lie in
        how = how[:-1] + (f", of the frames of {that} and the takes before it that {cont.batched.shown_cls} "
                          f"(#{cont.batched.id}) joins)")
    b.used |= cont.via  # the earlier take's frames on their way: read here (not this take's own inputs)
    b.start_way |= cont.via
    unknown = "" if first is not None else f"; {that}'s length is not known: set the frame to its last"
    unknown += "".join(f"; {x}" for x in bad)
    unknown += "".join(f"; {x}" for x in unapplied(cont))
    start_batch.pass_mask(b, cont.placed, cont.node, cont.placed_mask)  # (SVI's mask of the frames laid: said)
    if cont.into == "video":  # a clip to extend (Wan VACE's): the last frames kept, the rest of the take after them
        at, spec = max(first or 0, 0), task_of(cont.node)
        node = b.add("edit.time", {"mode": "trim", "start": at, "length": count}, cont.pick or cont.node)
        b.g.connect(*b.takes.get(gen, (gen, "video")), node, "video")
        line = (f"{this} extends frames {at}-{at + count - 1} of {that}'s video{how}: Time (trim) gives them as "
                f"{b.g.registry.get(spec.generator).title}'s video, its 'extend' preset keeping them and making the "
                "rest of the take (the workflow's own masks and padding are replaced by the preset's)" + unknown)
        b.continuing = {(cont.node.id, port): (None, None, "") for port, into in spec.ports if into == "mask"}
        b.continuing[(cont.node.id, cont.port)] = (node, "video", line)
        return node, {"task": "extend", "kept": count}
    frame = (first or 0) + count - 1 if first is not None else 0  # one picture: the last of the frames picked
    node = b.add("edit.frame_hold", {"frame": frame}, cont.pick or cont.node)
    b.g.connect(*b.takes.get(gen, (gen, "video")), node, "video")
    b.continuing = {(cont.node.id, cont.port): (node, "image", _hold_line(this, that, how, first, count, frame)
                                                 + unknown)}
    return node, {}


def _hold_line(this: str, that: str, how: str, first: int | None, count: int, frame: int) -> str:
    """What a take started from ``count`` frames of an earlier take is given: Frame Hold's ``frame``. Where the
    frame was not found (``first`` None: the earlier take's length not known) it is frame 0, the first, no frame
    ComfyUI's pick takes (heldout51 01: "starts from frame 0 ... (ComfyUI's ImageFromBatch) ... the last frames are
    taken" while frame 0 was held)."""
    if count > 1:
        return (f"{this} starts from {count} frames"
                f"{f' ({first}-{first + count - 1})' if first is not None else ''} of {that}'s video{how} in ComfyUI; "
                f"Studio's generator starts from one picture: Frame Hold gives it "
                + (f"the last of them (frame {frame})" if first is not None else "frame 0 (the first)")
                + f", the motion of the {count - 1} before it is not carried")
    if first is None:
        return (f"{this} starts from a frame of {that}'s video{how} in ComfyUI; Studio's Frame Hold gives frame 0 "
                "(the first) as the start image")
    return f"{this} starts from frame {frame} of {that}'s video{how}: Frame Hold gives it as the start image"


def _extend(b: Any, gen: str, ext: dict, at: CNode) -> None:
    """A take extending another's last frames (``ext``): Wan VACE's 'extend' preset, its new frames the take's
    length less the frames kept."""
    if not ext:
        return
    frames = b.g.nodes[gen].params.get("frames")
    b.set_param(gen, "task", ext["task"], at)
    if isinstance(frames, int) and frames > ext["kept"]:
        b.set_param(gen, "extend", frames - ext["kept"], at)


def _natural(name: str) -> tuple:
    """'image10' after 'image2'."""
    head = name.rstrip("0123456789")
    tail = name[len(head):]
    return head, int(tail) if tail else -1


def from_earlier(b: Any, save: CNode) -> bool:
    """An output whose take starts from frames of a take another output made (segments saved each on its own, a chain
    of extensions): its start image a Frame Hold of that take's video (its clip to extend Time's trim), never held as
    a start image Studio cannot make nor made as the earlier take again; False where it does not start so (or could not
    be made: the builder reads it as any output)."""
    keys, chain = list(b.made), sampler_chain(b.wf, save)
    if not keys or not save.enabled or not 0 < len(chain) <= MAX_SAMPLERS:
        return False  # (more samplers: the builder keeps them as notes)
    if frozenset(s.id for s in chain) in b.made:
        return False  # its take made already (a joined output's): the builder saves it again, never makes it twice
    before = len(b.bands)
    hold, ext = _continue(b, save, 0, keys, named=True)
    if hold is None:
        return False
    try:
        ok = b.pipeline(save)
    finally:
        b.continuing = {}
    if not ok or len(b.bands) <= before:
        b.g.remove_node(hold)
        return False
    band = b.bands[before]
    band[:0] = [hold]
    gen = next(m[0] for m in b.made.values() if m[2] == before)
    _extend(b, gen, ext, save)
    return True


def waits(b: Any, save: CNode) -> bool:
    """An output whose take starts from frames of a take no output has made yet (a shot's preview before the output
    joining the shots): made after the others, so that it starts from that take's video (from_earlier)."""
    chain = sampler_chain(b.wf, save) if save.enabled else []
    if not 0 < len(chain) <= MAX_SAMPLERS:
        return False
    ups = {s.id: {u.id for u in upstream(b.wf, s)} - {s.id} for s in chain}
    mine = {s.id for s in chain}
    others = {n.id for n in b.wf.nodes.values() if n.cls in SAMPLERS and n.id not in mine}
    cont = continued(b.wf, _head(chain, ups), others, False, clip_extenders(b.g.registry)) if others else None
    return cont is not None and not any(cont.sampler in key for key in b.made)


def make(b: Any, save: CNode, lasts: list[CNode]) -> int | None:
    """Each take a pipeline of its own, their videos joined by Concatenate into the Save Video of ``save``;
    said in the Log and a note. How many takes it generated (a take another output made already is counted there:
    heldout82 05 said "11 pipeline(s)" of 16 takes made); None when no take could be made."""
    wf, made, names, keys, numbered, reused = b.wf, [], [], [], [], 0
    fps = written = b.fps_of(upstream(wf, save))  # the joined video's rate (each take's own is read before it is joined)
    fps, rate_line = joined_rate(wf, save, lasts, fps)  # over an interpolation of the joined takes
    for k, last in enumerate(lasts, 1):
        again = _made_before(b, save, k, last, keys)  # a take another output made already: its video, once
        if again is not None:
            made.append(again[0])
            names.append(again[1])
            numbered.append((k, last))
            reused += 1
            continue
        take = _take(b, save, k, last, keys, fps, lasts)
        if take is None:
            names.append(f"take {k} ('{last.title or last.shown_cls}', #{last.id}) is not made (said above)")
        else:
            made.append(take)
            numbered.append((k, last))
    b.used.add(save.id)
    within = set().union(*({u.id for u in upstream(wf, last)} for last in lasts))  # the takes' own nodes
    b.used |= {n.id for n in upstream(wf, save) if n.cls in JOINS and n.id not in within}  # Concatenate's joins
    if not made:
        return None
    side = placed(wf, save)  # takes placed side by side (a comparison), not in turn
    side = side if side is not None and len(made) == len(lasts) == side_by_side(side) else None
    kept, exact = join_trims.trims(wf, save, lasts) if side is None else ({}, False)
    trimmed, whole = join_trims.apply(b, numbered, made, kept)  # each take's frames the join keeps (Time's trim)
    trimmed += continued_take.cut_words(b, numbered, made)  # (a continued take's own cut: continue_output)
    heard = _join(b, save, made, side, written)  # (the save's own rate, not each take's: heldout28 13's 32 fps)
    line = (f"ComfyUI '{save.title or save.shown_cls}' joins {len(lasts)} takes, each sampled on its own (key-frame "
            f"segments, a loop or an extension): {len(made)} made, each a pipeline of its own, joined in the output's "
            "order by Concatenate into one Save Video" + (f"; {'; '.join(names + trimmed)}" if names + trimmed else "")
            + ("" if exact and whole else ". Frames the workflow trims or overlaps where takes meet are not trimmed"
               + (" otherwise" if trimmed else ""))
            if side is None else
            f"ComfyUI '{save.title or save.shown_cls}' places {len(lasts)} takes, each sampled on its own, side by "
            f"side in one frame, each {direction(wf, side)} of the one before ('{side.title or side.shown_cls}' "
            f"({side.shown_cls}, #{side.id})): each a pipeline of its own, placed by Side by Side into one Save Video")
    line += "".join(f"; {x}" for x in [rate_line, *heard] if x)
    b.log(line)
    b.note(line)
    return len(made) - reused


def _made_before(b: Any, save: CNode, k: int, last: CNode, keys: list[frozenset]) -> tuple | None:
    """((its video, its sound or None, its band), what is said) of take ``k`` (ending at ``last``) where another
    output's pipeline made it already (an extend chain saving segments 1-2, 1-3, 1-4: each earlier segment generated
    once); None where none did."""
    fake = CNode(f"{save.id}~{k}", "SaveVideo", links={"video": (last.id, 0)})
    key = frozenset(s.id for s in sampler_chain(b.wf, fake))
    if key not in b.made:
        return None
    gen, task, band, made_for = b.made[key]
    keys.append(key)
    hooks = families.generator(task)
    audio = (gen, "audio") if hooks is not None and hooks.sound else None
    base, _, j = made_for.id.partition("~")  # a take of another joined output: that output's take j
    out = b.wf.nodes.get(base) if j else made_for
    said = f"take {k} is {f'take {j} of ' if j else 'the take of '}'{out.title or out.shown_cls}' (#{out.id}), " \
        "generated once for both"
    return (b.takes.get(gen, (gen, "video")), audio, b.bands[band]), said


def _take(b: Any, save: CNode, k: int, last: CNode, keys: list[frozenset], fps: Any, lasts: list[CNode]) -> tuple | None:
    """Take ``k`` (ending at ``last``) made as a pipeline of its own, its Save Video taken away: (its video, its
    sound or None, its band); None where it could not be made (said)."""
    wf = b.wf
    dec = _decoder(wf, save, last)  # (its decoder read: a text-to-video take's VAE is wired to it alone, heldout81 08)
    fake = CNode(f"{save.id}~{k}", "SaveVideo", f"{save.title or save.shown_cls}, take {k}", save.mode,
                 {"filename_prefix": f"{wf.value(save, 'filename_prefix') or 'ComfyUI'}_take{k}"},
                 {"video": ((dec or last).id, 0)}, last.pos)
    wf.nodes[fake.id] = fake
    try:
        before = len(b.bands)
        hold, ext = _continue(b, fake, k, keys)  # it starts from frames of an earlier take: Frame Hold, or Time
        masked = continued_take.made_from(b, fake, keys) if hold is None else None  # (kept by a noise mask)
        ok = continued_take.pipeline_from(b, fake, *masked) if masked is not None else b.pipeline(fake)
    finally:
        del wf.nodes[fake.id]
        b.continuing = {}
    if not ok:
        if hold is not None:
            b.g.remove_node(hold)
        return None
    band = b.bands[before]
    keys.append(next(key for key, m in b.made.items() if m[2] == before))
    band[:0] = [hold] if hold is not None else []
    gen = next(m[0] for m in b.made.values() if m[2] == before)
    _extend(b, gen, ext, last)
    if fps and "fps" in b.g.nodes[gen].params and not b.g.nodes[gen].params["fps"]:  # the output's rate
        b.set_param(gen, "fps", fps, last)
    sv = next(n for n in band if b.g.nodes[n].type_id == "io.save_video")
    src = b.g.input_link(sv, "video")
    audio = b.g.input_link(sv, "audio")
    b.g.remove_node(sv)
    band.remove(sv)
    video = interpolate_each(b, save, k, last, lasts, gen, (src.src, src.src_port), band, fps)  # RIFE on each take
    return video, (audio.src, audio.src_port) if audio else None, band


def _decoder(wf: Workflow, save: CNode, last: CNode) -> CNode | None:
    """The node on ``save``'s way that decodes take ``last``'s latent into pictures (a VAE decode: 'samples' from
    it, pictures out), where one does; None otherwise. Read with the take, as a single output reads its decoder: the
    VAE a text-to-video take's decoder alone is given (a broadcast's) is its VAE."""
    for n in upstream(wf, save):
        src = n.links.get("samples")
        if src is not None and src[0] == last.id and n.cls.startswith("VAEDecode") and "vae" in n.links:
            return n
    return None


def _frames(b: Any, made: list[tuple]) -> int | None:
    """The joined takes' length: each take's video straight from its generator, of a length it sets; else None."""
    counts = [b.g.nodes[m[0][0]].params.get("frames") if m[0][0] in b.g.nodes else None for m in made]
    return sum(counts) if all(isinstance(c, int) and not isinstance(c, bool) and c > 0 for c in counts) else None


def _join(b: Any, save: CNode, made: list[tuple], side: CNode | None = None, fps: float | None = None) -> list[str]:
    """The takes' videos joined by Concatenate (a chain of them for more than four; by Side by Side where ``side``
    places them so) into the Save Video of ``save``, after the output's finishing, with the sound it muxes; what is
    said of them."""
    out, band = made[0][0], made[-1][2]
    rest = [m[0] for m in made[1:]]
    if side is not None:
        b.used.add(side.id)
        for src in rest:
            nid = b.add("edit.side_by_side", {"direction": direction(b.wf, side)}, side)
            b.g.connect(*out, nid, "a")
            b.g.connect(*src, nid, "b")
            out, rest = (nid, "video"), []
            band.append(nid)
    while rest:  # Concatenate takes four clips: a chain of them for more
        cat = b.add("edit.concatenate", {"conform": "conform to first"}, save)
        b.g.connect(*out, cat, "a")
        for port, src in zip("bcd", rest[:3]):
            b.g.connect(*src, cat, port)
        rest = rest[3:]
        out = (cat, "video")
        band.append(cat)
    heard: list[str] = []
    if side is None:  # a frame of the joined takes held after them (tail_hold)
        out, line = tail_hold.append(b, save, out, _frames(b, made), band)
        heard += [line] if line else []
    sv = save_node(b, save)
    b.pass_key, made_before = frozenset(), len(b.g.nodes)
    done = after_take(b, save, out, heard)  # its finishing after the join (an upscale), at the save's own rate
    b.g.connect(*pingponged(b, save, written_at(b, save, done, made[0][0], fps, heard), heard), sv, "video")
    band += [n for n in list(b.g.nodes)[made_before:] if n not in band] + [sv]
    if not joined_sound.said_joined(b, save, made, heard):  # (the takes' own sounds joined: Concatenate's)
        remux(b, save, sv, heard)  # a file's sound the output muxes beside the joined takes
    return heard
