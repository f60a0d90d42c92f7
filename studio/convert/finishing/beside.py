"""A save writing its take beside other pictures (a before-and-after comparison: KJNodes' ImageConcanate and
ImageConcatMulti, told by their settings: a 'direction' of right/down/left/up and two or more pictures wired in) made
as Studio's Side by Side after the generator, each other picture from Studio's loader of its file with the resizes
on its way Studio's Scale makes (tracing/resizes.py), said naming the node; where another picture is no file (made
by nodes Studio does not read), the save is said to write the take alone. Functions on a builder ``b`` of
mapping.convert; plain data and stdlib."""
from __future__ import annotations

from ..reading.workflow import CNode
from .beside_way import interpolated, next_input, take_port
from .core_masks import MASK_OPS
from ..tracing import resizes
from ..tracing.resizes import BUCKET_LIKE
from ..tracing.roles import role
from ..tracing.walks import find_loader
from .effects_made import effects_made, file_effect
from .file_picks import file_trim
from .picked_frames import trimmed
from .utility import back_along, wired_node

DIRECTIONS = ("right", "down", "left", "up")


def _pictures(n: CNode) -> list[str]:
    """Its picture inputs wired, in order (image1, image2... / image_1, image_2...)."""
    ports = [k for k in n.links if k.startswith("image") and k.removeprefix("image").lstrip("_").isdigit()]
    return sorted(ports, key=lambda k: int(k.removeprefix("image").lstrip("_")))


def _join(b, save: CNode) -> CNode | None:
    return placed(b.wf, save)


def direction(wf, n: CNode) -> str | None:
    """Its 'direction' setting (by name; in a UI file whose saved values its declared widgets do not name, the one
    value that is a direction)."""
    d = wf.value(n, "direction")
    if d is None and isinstance(n.raw, list):
        found = [v for v in n.raw if isinstance(v, str) and v in DIRECTIONS]
        d = found[0] if len(found) == 1 else None
    return d if d in DIRECTIONS else None


def side_by_side(n: CNode) -> int:
    """How many pictures ``n`` places side by side."""
    return len(_pictures(n))


def placed(wf, save: CNode) -> CNode | None:
    """The node placing pictures side by side nearest ``save`` on its way (through nodes passing the take on)."""
    for node in back_along(wf, save):
        if len(_pictures(node)) >= 2:
            return node if direction(wf, node) is not None and node.enabled else None
        if node.cls.startswith("VAEDecode") or role(wf, node) == "decoder":  # the take itself: nothing beside it
            return None
    return None


def _picked_on_way(b, j: CNode, port: str, src: tuple[str, str], out: str, said: list[str]) -> tuple[str, str]:
    """The take ``src`` through the runs of its frames picked between its decoder and ``j``'s ``port`` (heldout40 11:
    ImageFromBatch dropping the first frame before the comparison) and the packs' effects there (its film grain:
    finishing.effects), nearest the decoder first; the rest said by the ledger."""
    node, way = b.wf.source(j, port), []
    while node is not None and len(way) < 64 and not (node.cls.startswith("VAEDecode") or
                                                      role(b.wf, node) == "decoder"):
        way.append(node)
        name = next_input(b.wf, node)  # (a colour match's target: heldout100 01)
        node = b.wf.source(node, name) if name else None
    scaled = resizes.on_way(b.wf, way)  # its resizes there as Studio's Scale (heldout88 02: ImageScaleBy 0.5 of the
    for n in reversed(way):  # take, passed unsaid); a pack's effect there too: its grain, said (wins6)
        if n.id in scaled and n.cls != BUCKET_LIKE and n.id not in b.used:
            src = (b.step(n, src)[0], "video")
            b.used.add(n.id)
            continue
        src = trimmed(b, n, src, out, said) or interpolated(b, n, src, out, said) or effects_made(b, n, src, said, out) \
            or src
    return src


def _decoded(wf, j: CNode, port: str) -> bool:
    """``j``'s ``port`` is given a take: its way back through the first picture inputs reaches a decoder."""
    node, seen = wf.source(j, port), set()
    while node is not None and node.id not in seen and len(seen) < 64:
        if node.cls.startswith("VAEDecode") or role(wf, node) == "decoder":
            return True
        seen.add(node.id)
        name = _first_picture(node)
        node = wf.source(node, name) if name else None
    return False


def _makers(wf, j: CNode, ports: list[str]) -> str:
    """The nodes giving ``j`` its pictures on ``ports`` that are no take, named (proxymine20: a Fun camera workflow's
    CameraPoseVisualizer drawing the path beside the take, not written): ': here what ... makes', or ''."""
    makers = [wf.source(j, p) for p in ports if not _decoded(wf, j, p)]
    named = list(dict.fromkeys(_maker(wf, n) for n in makers if n is not None))
    return f": here {' and '.join(named)}" if named else ""


def _maker(wf, n: CNode, depth: int = 0) -> str:
    """``n`` named; one placing pictures side by side itself (a concat of a concat: wzxysf's Fun 2.2 camera example,
    the poses drawn beside the start image, then beside the take), with the nodes giving it its pictures."""
    if depth > 4 or len(_pictures(n)) < 2 or direction(wf, n) is None:
        return f"what {n.named()} makes"
    inner = [m for p in _pictures(n) if (m := wf.source(n, p)) is not None]
    return f"what {n.named()} places side by side" + (
        f" ({', '.join(_maker(wf, m, depth + 1) for m in inner)})" if inner else "")


def _first_picture(n: CNode) -> str | None:
    """The picture input a step on the take's way is given it on (its first wired 'image'/'images'/'frames')."""
    return next((k for k in ("image", "images", "frames", "pixels") if k in n.links), None)


def beside(b, save: CNode, src: tuple[str, str], said: list[str]) -> tuple[str, str]:
    """The take ``src`` placed beside the other pictures ``save``'s comparison node wires in, as Studio's Side by
    Side; ``src`` as it is (said) where another picture is made by nodes Studio does not read."""
    j = _join(b, save)
    if j is None or j.id in b.used:
        return src
    wf, out = b.wf, f"'{save.title or save.shown_cls}' (#{save.id})"
    name = f"'{j.title or j.shown_cls}' ({j.shown_cls}, #{j.id})"
    found = {}
    for port in _pictures(j):
        walked: list[CNode] = []
        found[port] = (find_loader(wf, j, port, set(), walked), walked)
    take = [p for p, (f, _) in found.items() if f is None]
    if (take_at := take_port(wf, j, found)) is None:
        said.append(f"{out} writes the take beside pictures {name} places with it that are no file (another take, "
                    f"or pictures nodes make{_makers(wf, j, take)}): its Save Video writes one take alone")
        return src
    way, parts, unmade, stepped, trims = direction(wf, j), [], [], [], []
    for port, (f, walked) in found.items():
        if port == take_at:  # the take, through the frames picked on its way (ImageFromBatch: Trim, said)
            parts.append(_picked_on_way(b, j, port, src, out, said))
            continue
        part, made = _file_part(b, f, walked, stepped, trims)
        unmade += [f"'{n.title or n.shown_cls}' ({n.shown_cls}, #{n.id})" for n in walked
                   if n.id not in made and (n in f[2] or resizes.is_resize(n))]
        parts.append(part)
    acc, kind = parts[0], "Side by Side"
    own = MASK_OPS.get(j.cls)  # a core node Studio has its own of (ImageStitch: Stitch, its spacing and sizing kept)
    settings = own[2](wf, j) if own is not None and len(parts) == 2 else None
    if settings is not None:
        acc, kind = (wired_node(b, own[0], settings, j, (*parts[0], "image1"), (*parts[1], "image2")), "video"), \
            "Stitch"
    for part in parts[1:] if settings is None else ():
        acc = (wired_node(b, "edit.side_by_side", {"direction": way}, j, (*acc, "a"), (*part, "b")), "video")
    b.used.add(j.id)
    files = ", ".join(f"'{b.file_of(f[0])}'" for p, (f, _) in found.items() if p != take_at)
    said.append(f"{out} writes the take beside {files} ({way}), as {name} places them: Studio's {kind}"
                + (f"; the file through Studio's nodes for {', '.join(stepped)}" if stepped else "")
                + "".join(f"; the file's {t}" for t in trims)
                + (f"; the file{'s' if len(found) > 2 else ''} without ComfyUI's {', '.join(sorted(set(unmade)))}"
                   if unmade else ""))
    return acc


def _file_part(b, f: tuple, walked: list, stepped: list, trims: list) -> tuple[tuple[str, str], set]:
    """The file ``f`` (its loader, slot, the counted steps on its way) through what Studio makes of the nodes
    ``walked`` between it and the comparison, from the file on: its resizes as Scale, a pose / depth / Canny as
    Studio's, a pack's effect, a run of its frames picked as Trim (heldout108 05); (its last node and output, the ids
    made). What is made is added to ``stepped`` / ``trims`` for the sentence."""
    loader, slot, via = f
    b.used.add(loader.id)
    scaled = resizes.on_way(b.wf, walked)
    part, made = b.studio_loader(loader, slot), set()
    for n in reversed(walked):
        if n.id in scaled:  # (through the builder's steps: one Scale for a resize the generator's input reads too)
            part = (b.step(n, part)[0] if n.cls != BUCKET_LIKE else
                    wired_node(b, "transform.scale", scaled[n.id], n, (*part, "video")), "video")
        elif n in via and b.file_step(n):
            part = b.step(n, part)
            stepped.append(f"{n.shown_cls} (#{n.id})")
        elif n in via and (fx := file_effect(b, n, part)) is not None:  # (67/08: the tile LoRA's blurred clip)
            part = fx
            stepped.append(f"{n.shown_cls} (#{n.id})")
        elif (picked := file_trim(b, n, part)) is not None:
            part, words = picked
            trims.append(words)
        else:
            continue
        made.add(n.id)
        b.used.add(n.id)
    return part, made
