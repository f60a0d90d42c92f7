"""An output on a utility's way written at the loaded clip's own rate: its rate input wired from a node reading the
way's video loader (VideoHelperSuite's VHS_VideoInfo) on an output its pack names 'source_fps' (the file's rate: the
frames' own where the loader forces no rate) or 'loaded_fps' (the rate the frames were loaded at). Told by the names
the outputs are declared or saved with, not by the node's type. Where no step on the way changes the rate, Save Video
writes the frames at the rate they reach it with, the clip's own, as ComfyUI writes them: said, the node read. Where an
interpolation is on the way, ComfyUI plays its frames at the clip's own rate (the clip slowed down by the factor):
Studio's flow Frame Interpolation keeps the rate (its 'slow motion'); Interpolate Frames (RIFE) cannot, said. Found
by the thirty-fifth held-out set (05: "'VHS_VideoInfo' (#27) gives 'VHS_VideoCombine' (#26)'s 'frame_rate' a value
Studio cannot work out ... not read there", the rate Studio writes being that very rate). Plain data."""
from __future__ import annotations

from ..reading.aspect_size import out_names as _saved_names, plain_name
from ..reading.workflow import CNode, Workflow

OWN = ("source_fps", "loaded_fps")  # the clip's rate as loaded ('source_fps': where no rate is forced)
FORCED = ("force_rate",)  # a loader setting reading the file at another rate


def out_names(n: CNode) -> list[str]:
    """Its outputs' names, without the marks a pack adds to them (VideoHelperSuite's 'source_fps🟨')."""
    return [plain_name(x) for x in _saved_names(n)]


def own_names(n: CNode) -> list[str]:
    """out_names, a node giving one side's values alone (VideoHelperSuite's 'Video Info (Loaded)' / '(Source)': its
    'fps') named as the side's ('loaded_fps' / 'source_fps'), by its type's name (clipheader6: 7306f63f77b5's 'READ
    ORIGINAL FPS')."""
    names = out_names(n)
    kind = plain_name(f"{n.shown_cls} {n.origin or ''}")
    side = "loaded" if "loaded" in kind else "source" if "source" in kind else None
    return [f"{side}_{x}" if side and x == "fps" else x for x in names]


def clip_rate(wf: Workflow, end: CNode, rate_input: str | None, loader: CNode) -> CNode | None:
    """The node giving ``end``'s ``rate_input`` the loaded clip's own rate, read off ``loader``; None else."""
    if not rate_input or rate_input not in end.links:
        return None
    src_id, slot = end.links[rate_input]
    src = wf.nodes.get(src_id)
    names = own_names(src) if src is not None else []
    if src is None or not 0 <= slot < len(names) or names[slot] not in OWN:
        return None
    if not any(s == loader.id for s, _ in src.links.values()):  # (the info of another clip)
        return None
    forced = next((v for k in FORCED if isinstance(v := wf.value(loader, k), (int, float)) and v), 0)
    return None if names[slot] == "source_fps" and forced else src


def kept(b, end: CNode, rate_input: str | None, loader: CNode, way: list[str]) -> list[str]:
    """What is said of ``end`` written at the loaded clip's own rate (``way``: the Studio nodes made on its way, the
    interpolations among them set to keep it where they can); [] where its rate is not that."""
    info = clip_rate(b.wf, end, rate_input, loader)
    made = [k for k in way if b.g.nodes[k].type_id.startswith("motion.interpolate")]
    return say(b, end, rate_input, info, made) if info is not None and rate_input else []


def say(b, end: CNode, rate_input: str, info: CNode, made: list[str]) -> list[str]:
    """The sentences for ``info`` giving ``end`` the clip's own rate, the interpolations Studio made on the way
    (``made``: their Studio node ids) set to keep it where they can; ``info`` read (not said passed over)."""
    b.used.add(info.id)
    slot = out_names(info)[end.links[rate_input][1]]  # (as saved: 'fps' of a one-side node)
    gives = (f"'{info.title or info.shown_cls}' ({info.shown_cls}, #{info.id}) gives '{end.title or end.shown_cls}' "
             f"(#{end.id})'s '{rate_input}' the loaded clip's own rate ('{slot}')")
    if not made:
        return [f"{gives}: Save Video writes the frames at the rate they reach it with, the clip's own, as ComfyUI "
                "writes them"]
    out = []
    for nid in made:
        node = b.g.nodes[nid]
        if "slow_motion" in node.params:
            node.params["slow_motion"] = True
            sound = (": its slow motion writes no sound, where ComfyUI writes the clip's under the slowed frames"
                     if "audio" in end.links else "")
            out.append(f"{gives}, after an interpolation: ComfyUI plays the frames made at that rate, the clip "
                       f"slowed down, so Studio's Frame Interpolation keeps it ('slow motion' on){sound}")
        else:
            mult = node.params.get("multiplier")
            out.append(f"{gives}, after an interpolation: ComfyUI plays the frames made at that rate (the clip "
                       f"slowed down x{mult}), but Studio's Interpolate Frames raises the rate with the frames, so the "
                       "video plays at the clip's speed: set a Frame Rate before Save Video to the clip's rate")
    return out
