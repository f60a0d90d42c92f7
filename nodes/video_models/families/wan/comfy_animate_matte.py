"""Wan Animate's background with the person drawn out, as replacement workflows make it (heldout23 06; kijai's
WanAnimate examples and 20 more cached files): the clip given to WanAnimateToVideo's background_video (the wrapper's
bg_images) has the character mask drawn black on it (KJNodes' DrawMaskOnImage), as Wan's own preprocessing makes
its background (frame * (1 - mask)). The drawing node is told by its declared sockets (one IMAGE, one MASK, an IMAGE
out) and a colour setting reading black, its mask the one the task node takes as character_mask. Studio makes it
with Composite: the clip over itself in 'difference' where the mask is white (black there, the clip elsewhere),
wired between the background's file and Wan Animate once the generator's 'background' and 'mask' are (a 'wired'
hook); else the file is wired without it, as said before."""
from __future__ import annotations

from studio.convert.api import node_type

MAX_WALK = 32  # nodes walked from the task node's background_video towards its file
BLACK = {"0,0,0", "0,0,0,0", "#000000", "#000", "black"}


def _drawer(wf, n) -> bool:
    """Whether ``n`` draws a mask black on a picture, by its declared types."""
    t = node_type(n.cls)
    if t is None or sorted(i.type for i in t.sockets) != ["IMAGE", "MASK"] or tuple(t.output_types) != ("IMAGE",):
        return False
    colour = next((w for w in t.widgets if w.name == "color"), None)
    if colour is None:
        return False
    v = wf.value(n, "color")
    return str(colour.default if v is None else v).replace(" ", "").lower() in BLACK


def _video_maker(n) -> bool:
    """A node making a video of pictures (CreateVideo), by its declared types: an IMAGE in, a VIDEO out."""
    t = node_type(n.cls)
    return t is not None and tuple(t.output_types) == ("VIDEO",) and \
        [i.type for i in t.sockets if i.type != "AUDIO"] == ["IMAGE"]


def _picture_in(n) -> str | None:
    t = node_type(n.cls)
    return next((i.name for i in t.sockets if i.type == "IMAGE"), None) if t is not None else None


def plan(b, node, inputs: dict, said: list[str]) -> None:
    """After the task node's inputs are read (mode 'replace'): the background's one unmade step a black mask drawn
    with the task's own character mask -> planned (b.matte), made by ``wired`` and said so there instead."""
    line = b.wired_without.get("background")
    if node is None or b.extra.get("mode") != "replace" or not {"background", "mask"} <= set(inputs) or \
            line is None or line not in said:
        return
    wf, n = b.wf, b.wf.source(node, "background_video")
    for _ in range(MAX_WALK):
        if n is None or _drawer(wf, n):
            break
        port = _picture_in(n)
        n = wf.source(n, port) if port else None
    mask, theirs = (wf.source(n, "mask"), wf.source(node, "character_mask")) if n is not None else (None, None)
    if n is None or mask is None or theirs is None or mask.id != theirs.id:
        return
    step = f"'{n.title or n.shown_cls}' ({n.shown_cls}, #{n.id})"
    if f" through ComfyUI's {step}: the file is wired without that step" not in line:
        return  # (other steps left unmade on the way too: said as they are)
    b.matte = (n, said, line, f"{line.split(' through ComfyUI')[0]} with the mask drawn black on it by {step}, the "
               "task's 'mask': Studio's Composite makes it (the clip over itself in 'difference' where the mask is "
               "white: black there, the clip elsewhere)")


def wired(b, gen: str, load: str, params: dict) -> None:
    """Composite between the background's file and Wan Animate's 'background', with Wan Animate's 'mask'."""
    planned, b.matte = b.matte, None
    if planned is None:
        return
    n, said, line, made = planned
    bg, mask = b.g.input_link(gen, "background"), b.g.input_link(gen, "mask")
    if bg is None or mask is None or line not in said:  # (a wiring refused: the file said wired without it)
        return
    said[said.index(line)] = made  # (the pipeline's note is written from these lines once the output is made)
    b.wired_without.pop("background", None)
    b.used.add(n.id)
    comp = b.add("edit.composite", {"mode": "difference"}, n)
    for port in ("background", "foreground"):
        b.g.connect(bg.src, bg.src_port, comp, port)
    b.g.connect(mask.src, mask.src_port, comp, "mask")
    b.g.connect(comp, "video", gen, "background")
    _shown(b, n, comp)


def _shown(b, n, comp: str) -> None:
    """An output saving the drawn background itself (a preview of it: an output node by its declared types, its
    pictures straight from ``n``): a Save Video of the Composite, said, never left as 'nothing gives it'."""
    wf = b.wf
    ends = [e for e in wf.nodes.values() if e.enabled and e.id not in b.used and (t := node_type(e.cls)) is not None
            and t.output_node and any(i.type in ("IMAGE", "VIDEO") for i in t.sockets)]
    for end in ends:
        port = next(i.name for i in node_type(end.cls).sockets if i.type in ("IMAGE", "VIDEO"))
        src, maker = wf.source(end, port), None
        if src is not None and src.id != n.id and _video_maker(src):  # CreateVideo: the pictures made a video
            maker, src = src, wf.source(src, _picture_in(src))
        if src is None or src.id != n.id:
            continue
        # its own name: numbered where another Save Video writes, or another output will write, that name
        taken = {x.params.get("path") for x in b.g.nodes.values() if x.type_id == "io.save_video"} | \
            {b.save_path(e) for e in ends if e is not end}
        path = first = b.save_path(end)
        k = 2
        while path in taken:
            path, k = f"{first.removesuffix('.mp4')}_{k}.mp4", k + 1
        out = (comp, "video")
        if maker is not None:  # its rate: the maker's own number, else the clip's (a rate worked out when it runs)
            fps = wf.value(maker, "fps")
            rate = b.add("edit.frame_rate", {"fps": fps if isinstance(fps, (int, float)) and fps > 0 else 0.0},
                         maker)
            b.g.connect(*out, rate, "video")
            out = (rate, "video")
            b.used.add(maker.id)
        why = _soundless(end, maker)
        if why is not None:  # the Composite carries the loaded clip's sound; ComfyUI's output writes none (99/09)
            mute = b.add("edit.replace_audio", {}, end, title="No sound")
            b.g.connect(*out, mute, "video")
            out = (mute, "video")
        b.g.connect(*out, b.add("io.save_video", {"path": path}, end), "video")
        b.used.add(end.id)
        b.log(f"ComfyUI '{end.title or end.shown_cls}' (#{end.id}, {end.shown_cls}) saves the background "
              f"'{n.title or n.shown_cls}' (#{n.id}) draws: a Save Video of its Composite")
        if why is not None:
            b.log(f"the workflow writes that background without sound ({why}): Replace Audio with no sound goes "
                  "before its Save Video, so the loaded clip's own sound is not written")


def _soundless(end, maker) -> str | None:
    """Why the output ``end`` (its pictures made a video by ``maker``, or taken straight) writes no sound, by the
    declared sockets: an AUDIO one left empty on the maker (CreateVideo's 'audio'), or on ``end`` itself where it
    takes the pictures (Video Combine's); None where a sound is wired (or no such socket is declared)."""
    for x in (maker, end) if maker is not None else (end,):
        t = node_type(x.cls)
        empty = next((i.name for i in t.sockets if i.type == "AUDIO" and i.name not in x.links), None) \
            if t is not None else None
        if empty is not None:
            return (f"'{x.title or x.shown_cls}' ({x.shown_cls}, #{x.id})"
                    + (f" before '{end.title or end.shown_cls}' (#{end.id})" if x is not end else "")
                    + f" is given no '{empty}'")
        if x is maker:
            return None  # the maker has its sound wired
    return None
