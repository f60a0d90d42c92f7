"""What the nodes between a MiniMax H3 task node (MiniMaxH3ImageToVideo, MiniMaxH3ReferenceToVideo) and its sampler
add to the take, told by their types and links (issue 112, h3more9), read against what diffusers' modular MiniMax H3
pipeline (which Studio runs) takes: a prompt, a picture at the first and / or the last frame ('image', 'last_image':
its fl2va workflow) and references (its ref2va workflow); the latents it takes are noise, every row of them denoised.

* A node on the task node's conditioning way that also takes a VAE and pictures adds them to the conditioning at
  frames of the take (ComfyUI-H3-Motion-Context-MultiRef's MiniMaxH3CustomKeyframes: keyframe_image_N pinned at the
  positions of its keyframe_state; ComfyUI's MiniMaxH3AddGuide: one picture at its frame_idx). Pictures at the first
  and the last frame alone are Image to Video's 'image' and 'last_image'; one at a frame between, one not wired, or a
  frame Studio cannot read holds the take with one sentence saying which.
* A node on the task node's latent way given a picture, a clip or a sound (a clip's tail kept as the start of the take,
  ExistingVideoMaskedContext; a soundtrack kept while the video is made to it, VRGDG's Audio Drive) puts them into the
  latent the sampler starts from: diffusers' pipeline starts from noise alone, so the take is held with one sentence
  naming that node and what it is given.
Plain data and stdlib: nothing of ComfyUI is imported or run."""
from __future__ import annotations

import json

from studio.convert.api import CNode, Task, in_type, node_type, out_types

FAMILY = "MiniMax H3"
FILES = ("IMAGE", "AUDIO", "VIDEO", "MASK")
WORDS = {"IMAGE": "pictures", "AUDIO": "sound", "VIDEO": "clip", "MASK": "mask"}
TAKES = ("a prompt, a picture at the first and the last frame (Image to Video's 'image' and 'last_image') and "
         "references (Reference to Video's)")
MAX_KEYS = 64  # pictures one node pins (the pack's own cap is 32)
STOPS = frozenset({"MODEL", "GUIDER", "NOISE", "SIGMAS"})  # a sampler's inputs: the way to the first sampler ends there


def _after(wf, up: list[CNode], node: CNode, slot: int, kind: str) -> list[CNode]:
    """The nodes of ``up`` given ``node``'s output ``slot`` (of type ``kind``), and those given what they make of the
    same type, before a sampler (a node taking a model, guider, noise or sigmas, which makes no more of the way:
    never a later pass's nodes), in ``up``'s order."""
    reached: set[str] = set()
    through: set[str] = set()  # (those the way goes on through)
    grew = True
    while grew:
        grew = False
        for n in up:
            if n.id in reached or n.id == node.id:
                continue
            if any((s == node.id and o == slot) or (s in through and _typed(wf, n, k) == kind)
                   for k, (s, o) in n.links.items()):
                reached.add(n.id)
                grew = True
                if kind in out_types(wf, n) and not {_typed(wf, n, k) for k in n.links} & STOPS:
                    through.add(n.id)
    return [n for n in up if n.id in reached]


def _gives(wf, up: list[CNode], n: CNode, kind: str) -> bool:
    """A node of ``up`` takes ``n``'s output as a ``kind``."""
    return any(s == n.id and _typed(wf, m, k) == kind for m in up for k, (s, _) in m.links.items())


def _typed(wf, n: CNode, k: str) -> str:
    """The type of ``n``'s input ``k``: declared (or by its name), else what its source declares at that output (a UI
    file's type of it), else what the source gives where that is one type ('' unknown)."""
    t = in_type(n, k)
    if t:
        return t
    sid, slot = n.links[k]
    src = wf.nodes.get(sid)
    if src is None:
        return ""
    if 0 <= slot < len(src.out_types) and src.out_types[slot]:
        return src.out_types[slot]
    declared = node_type(src.origin or src.cls)
    if declared is not None and 0 <= slot < len(declared.outputs):
        return declared.outputs[slot].type
    given = out_types(wf, src)
    return next(iter(given)) if len(given) == 1 else ""


def _files(wf, n: CNode) -> list[tuple[str, str]]:
    """(input, type) of each picture, clip, sound or mask wired into ``n``."""
    return [(k, t) for k in n.links if (t := _typed(wf, n, k)) in FILES]


def _adds_pictures(wf, n: CNode) -> bool:
    """``n`` takes the conditioning, a VAE and pictures (or none wired yet) and gives conditioning: it encodes pictures
    into the conditioning (keyframes, guides)."""
    kinds = {_typed(wf, n, k) for k in n.links}
    return "CONDITIONING" in kinds and "VAE" in kinds and "CONDITIONING" in out_types(wf, n)


def _state_positions(n: CNode) -> tuple[list[int], bool] | None:
    """(the frames its pictures are pinned at, in picture order; 1-based?) from a setting holding a JSON object with
    a 'positions' list (MiniMaxH3CustomKeyframes' keyframe_state: the form of that pack's UI state, which no declared
    type tells: read by its shape), its 'count' first of them; 'indexing' '0-based' counts from 0, else from 1 (the
    pack's default). None where no setting holds one."""
    values = list(n.widgets.values()) + (list(n.raw) if isinstance(n.raw, list) else [])
    for v in values:
        if not isinstance(v, str) or "positions" not in v:
            continue
        try:
            state = json.loads(v)
        except ValueError:
            continue
        pos = state.get("positions") if isinstance(state, dict) else None
        if not isinstance(pos, list) or not all(isinstance(p, int) and not isinstance(p, bool) for p in pos):
            continue
        count = state.get("count", len(pos))
        count = count if isinstance(count, int) and 0 < count <= MAX_KEYS else len(pos)
        one_based = not any(isinstance(x, str) and x.strip() == "0-based" for x in values)
        return pos[:count], one_based
    return None


def _frame_index(wf, n: CNode) -> tuple[str, int] | None:
    """(the setting, the frame) of a node pinning one picture at a whole-number setting named for a frame
    (MiniMaxH3AddGuide's frame_idx: from 0, negative from the end); None where it has none."""
    for k, v in n.widgets.items():
        if "frame" in k.lower() and isinstance(v, int) and not isinstance(v, bool):
            return k, v
    return None


def _number(k: str) -> int | None:
    digits = k[len(k.rstrip("0123456789")):]
    return int(digits) if digits else None


def _pins(wf, n: CNode, frames: int) -> tuple[list[tuple[int, str | None]], str, bool] | None:
    """([(the take's frame from 0, the picture input pinned there or None where none is wired)], the frames as the
    node counts them, in words, whether its pictures replace the conditioning's: a 'positions' list's node sets the
    whole list, MiniMaxH3CustomKeyframes' tooltip says so; a frame index's adds one); None where Studio cannot read
    where its pictures go."""
    pictures = [k for k, t in _files(wf, n) if t == "IMAGE"]
    state = _state_positions(n)
    if state is not None:
        pos, one_based = state
        by_number = {_number(k): k for k in pictures if _number(k) is not None}
        pins = [(p - 1 if one_based else p, by_number.get(i)) for i, p in enumerate(pos, start=1)]
        shown = ", ".join(str(p) for p in pos)
        return pins, f"{shown} ({'1' if one_based else '0'}-based, its {_state_key(n)})", True
    index = _frame_index(wf, n)
    if index is not None and len(pictures) <= 1:
        key, at = index
        shown = f"{at} (its {key}, counted from 0{', negative from the end' if at < 0 else ''})"
        return [(at if at >= 0 else frames + at, pictures[0] if pictures else None)], shown, False
    return None


def _clip_of(wf, n: CNode, key: str) -> str | None:
    """The node, in words, giving ``n``'s picture input ``key`` the frames of a clip (by its types: it takes a VIDEO,
    as GetVideoComponents does, or says a clip's frame count or video info beside its pictures, as VHS_LoadVideo
    does), else None: a guide of a clip's frames is no picture (heldout91 08: "the picture 'Ancora da continuacao'
    (MiniMaxH3AddGuide, #203) pins at frame 0", given a tail clip's frames)."""
    src = wf.nodes.get(n.links[key][0]) if key in n.links else None
    if src is None:
        return None
    takes_video = any(in_type(src, k) == "VIDEO" for k in src.links)
    counts = "frame_count" in src.out_names or any("VIDEOINFO" in t for t in src.out_types)
    return src.named() if takes_video or counts else None


def _state_key(n: CNode) -> str:
    return next((k for k, v in n.widgets.items() if isinstance(v, str) and "positions" in v), "settings")


def _held(what: str, cannot: str) -> Task:
    return Task(what, None, family=FAMILY, cannot=cannot)


def keyframes(b, node: CNode, up: list[CNode], inputs: dict, said: list[str]) -> Task | None:
    """A node pinning pictures at frames on ``node``'s conditioning: the first and last frame's read as Image to
    Video's 'image' and 'last_image' (None returned: the task stands), else the take held (its Task)."""
    wf = b.wf
    adder = next((n for n in _after(wf, up, node, 0, "CONDITIONING") if _adds_pictures(wf, n)
                  and _gives(wf, up, n, "CONDITIONING")), None)
    if adder is None:
        return None
    length = wf.value(node, "length")
    frames = length if isinstance(length, int) and length > 0 else None
    pins = _pins(wf, adder, frames or 0)
    if pins is None and not any(t == "IMAGE" for _, t in _files(wf, adder)):
        return None  # (no picture and no frame to put one at: not a node pinning pictures; left to the other rules)
    who = adder.named()
    if pins is None or frames is None:
        return _held(f"a video through the pictures {who} pins at frames of it",
                     f"tell at which frames {who} pins its pictures ({'its settings hold no frame Studio reads' if pins is None else 'the take has no length Studio reads'}), "
                     f"and diffusers' MiniMax H3 pipeline, which Studio runs, takes {TAKES} alone")
    pinned, shown, replaces = pins
    many = len(pinned) > 1
    clip = _clip_of(wf, adder, pinned[0][1]) if not many and pinned[0][1] is not None else None
    what = (f"a video through the frames of the clip {clip} gives, which {who} pins from frame {shown} of the "
            f"take's {frames}" if clip else
            f"a video through the {f'{len(pinned)} pictures' if many else 'picture'} {who} pins at "
            f"frame{'s' * many} {shown} of the take's {frames}")
    others = [(k, t) for k, t in _files(wf, adder) if t != "IMAGE"]
    if others:  # (MiniMaxH3AddGuide's sound at the frame)
        k, t = others[0]
        return _held(what, f"take the {WORDS[t]} on its '{k}' at a frame: diffusers' MiniMax H3 pipeline, which Studio "
                           f"runs, takes {TAKES} alone")
    clash = [at for at, _ in pinned if ("image" if at == 0 else "last_image") in inputs]
    if clash and not replaces:
        return _held(what, f"take two pictures at frame {clash[0] + 1} (the task node's own and the one {who} adds): "
                           f"diffusers' MiniMax H3 pipeline takes one at the first and one at the last frame")
    unwired = [i for i, (_, k) in enumerate(pinned, start=1) if k is None]
    between = [at for at, _ in pinned if at not in (0, frames - 1)]
    outside = [at for at, _ in pinned if not 0 <= at < frames]
    if outside:
        return _held(what, f"make it as ComfyUI would: a frame is outside the take's {frames} (ComfyUI stops at "
                           f"{who})")
    if between:
        none = (f"; none of its pictures is wired (ComfyUI stops at {who} as it is saved)" if len(unwired) == len(pinned)
                else f"; its picture {', '.join(map(str, unwired))} is not wired" if unwired else "")
        return _held(what, f"place a picture at frame {', '.join(str(a + 1) for a in between)} (counted from 1): "
                           f"diffusers' MiniMax H3 pipeline, which Studio runs, takes {TAKES}, no picture at a frame "
                           f"between{none}")
    if unwired:
        return _held(what, f"make it with no picture where {who} pins one (its picture "
                           f"{', '.join(map(str, unwired))} is not wired: ComfyUI stops at it)")
    b.used.add(adder.id)
    taken = []
    for at, k in sorted(pinned):
        into = "image" if at == 0 else "last_image"
        if into in inputs:  # the task node's own: the pinning node's pictures replace the conditioning's list
            own = inputs.pop(into)[0]
            said.append(f"{node.named()}'s own {'first' if into == 'image' else 'last'} frame (the image "
                        f"'{b.file_of(own)}') is not what ComfyUI samples with: {who} puts its own pictures in "
                        "place of the conditioning's, and the one it pins there is read instead")
        b.intent(adder, k, into, inputs, said)
        taken.append(f"'{k}' at frame {at + 1} as Image to Video's '{into}'")
    said.append(f"the pictures {who} pins on the conditioning are read: {', '.join(taken)} (counted from 1)")
    crop = adder.widgets.get("crop")
    if isinstance(crop, str) and crop.strip().lower() not in ("disabled", "none", ""):
        said.append(f"{who}'s crop '{crop}' (its pictures cut to the take's shape before they are encoded) is not "
                    "taken: diffusers' pipeline stretches the start picture onto the take's size and cuts the last "
                    "one to it about the middle")
    return None


def latent_given(b, node: CNode, up: list[CNode]) -> Task | None:
    """A node on ``node``'s latent way given a picture, clip or sound (not the task node's own): the take held."""
    wf = b.wf
    for n in _after(wf, up, node, 1, "LATENT"):
        given = [(k, t) for k, t in _files(wf, n)]
        if not given or not _gives(wf, up, n, "LATENT"):
            continue  # (given the latent, giving none on: a model patch; H3FaceRefine gives both, its latent sampled)
        what = " and ".join(f"the {WORDS[t]} on its '{k}'" for k, t in given[:3])
        return _held(f"a video from the latent {n.named()} gives the sampler, given {what}",
                     f"start the take from that latent: diffusers' MiniMax H3 pipeline, which Studio runs, starts "
                     f"from noise alone (the latents it takes are noise, every part of them denoised) and takes "
                     f"{TAKES}")
    return None
