"""What a generator node can tell before a run from the model wired into it (the family Load Video
Model foresees from the files' headers: loading/foresee.py) and the clips wired into it (their
frame counts): a task the model cannot do (an error: it cannot run), keyframes it cannot take (an
error), a long take it will make otherwise than asked, source frames it will drop or not have (a
warning: it runs, differently). Said at validation and at a run's start, not after minutes of
sampling (studio.engine.foresight). Plain Python: no torch."""
from __future__ import annotations

from ..base.capabilities import declared_nodes
from ..base.family import valid_frames
from ..base.registry import FAMILIES, family_of
from ..base.tasks import TASKS, own_nodes

NODES = {"t2v": "Text to Video", "i2v": "Image to Video", "v2v": "Video to Video", "vace": "Wan VACE",
         "animate": "Wan Animate"}  # the node that does each task field of a Family


def family_wired(inputs: dict):
    """The Family of the model foreseen on the 'model' port (its diffusion-forcing twin for such a
    folder), and the model's title; (None, '') when nothing is known."""
    facts = inputs.get("model") or {}
    key = facts.get("family")
    if key not in FAMILIES:
        return None, ""
    return family_of(key, facts.get("pipeline") or ""), str(facts.get("title") or FAMILIES[key].title)


def task_problem(fam, title: str, task: str) -> str | None:
    """A model that cannot do the node's task: what it makes, and the node that makes it."""
    if not task or getattr(fam, task, None):
        return None
    does = [f for f in NODES if getattr(fam, f, None)]
    if not does:  # a family run by a node of its own only (Wan Animate 2)
        from ..base.capabilities import Modular
        modular = fam.capability(Modular)
        own = modular.own_node if modular is not None else " or ".join(own_nodes(fam))
        return f"this model ({title}) is run by its own node: use {own}" if own else None
    made = " and ".join(TASKS[f] for f in does)
    use = " or ".join(NODES[f] for f in does)
    return f"this model ({title}) makes {made}, not {TASKS[task]}: use {use}, or load a model that makes {TASKS[task]}"


def keyframe_problem(fam, params: dict, inputs: dict, node_title: str, n: int, win: int) -> str | None:
    """Keyframe inputs (or the 'keyframes' setting) on a model that cannot take them, or a clip made in
    several calls: the words the run would say (keyframes_at.py)."""
    from ..takes.keyframes_at import KEY_NAMES, refusal
    if not any(k in inputs for k in KEY_NAMES) and not str(params.get("keyframes") or "").strip():
        return None
    if not fam.cond:
        return str(refusal(fam, node_title))
    if n > win:
        return (f"keyframes at any frame are given to one model call of the whole clip, but {n} frames in windows "
                f"of {win} are asked: set 'window' to 0 or at least {n}")
    return None


def native_frames(inputs: dict) -> int | None:
    """The frames the model wired in was trained on, where its config says (Load Video Model's foresight)."""
    n = (inputs.get("model") or {}).get("native_frames")
    return int(n) if isinstance(n, int) and not isinstance(n, bool) and n > 0 else None


def clip_and_window(fam, params: dict, native: int | None = None) -> tuple[int, int]:
    """(frames to make, frames per call) as the run will find them (sampler.frames_and_window, with the
    model's own length where its config says it, ``native``: the tiny SVD's 4, SVD-XT's 25; else the family's
    fixed length)."""
    native = native or fam.fixed_frames
    n = int(params.get("frames") or 0) or native or fam.frames
    win = int(params.get("window") or 0) or (min(n, native) if native else n)
    return n, max(1, valid_frames(fam, win))


def take_warning(fam, task: str, params: dict, inputs: dict, n: int, win: int) -> str | None:
    """The long take made otherwise than 'long take' asks (long_take.choose_take's words)."""
    asked = params.get("long_take") or "auto"
    if asked == "auto" or n <= win:
        return None
    from ..takes.long_take import choose_take
    _, why = choose_take(fam, task, asked, "schedule" in inputs)
    return why


def source_frames(params: dict, inputs: dict, ports: tuple[str, ...], task: str) -> list[tuple[str, str]]:
    """A source clip longer or shorter than the frames the node makes: what is used, what is dropped."""
    out = []
    frames = int(params.get("frames") or 0)
    for port in ports:
        m = int((inputs.get(port) or {}).get("frames") or 0)
        if not m or not frames or frames == m:
            continue
        if frames < m:
            out.append(("warning", f"'frames' is {frames} but the '{port}' clip has {m}: the first {frames} are used, "
                                   f"the last {m - frames} dropped (set 'frames' to 0 to use them all)"))
        elif task == "v2v":  # the run makes the clip's frames (generators.VideoToVideo)
            out.append(("warning", f"'frames' is {frames} but the '{port}' clip has {m}: making {m}"))
    return out


def setting_problems(fam, title: str, params: dict, inputs: dict) -> list[tuple[str, str]]:
    """A setting the model wired in cannot take (base/setting_needs.py SETTING_NEEDS: 'guidance_2' on a model with one
    expert), a warning each: the run does not pass it (sampling/call_args.py)."""
    from ..base.setting_needs import SETTING_NEEDS
    facts = inputs.get("model") or {}
    out = []
    for need in SETTING_NEEDS:
        if need.setting in params:
            why = need.problem(fam, title, params[need.setting], facts)
            if why:
                out.append(("warning", why))
    return out


def sampler_problem(fam, task: str, params: dict, inputs: dict) -> str | None:
    """The generator's 'sampler' that the pipeline of its task cannot run (base/sampler_fit.py: a pipeline handing its
    scheduler a schedule of sigmas, a scheduler taking none): the run's refusal, said before it."""
    sampler = params.get("sampler") or "auto"
    if sampler == "auto":
        return None
    from ..base.sampler_fit import refusal
    from ..base.schedulers import CLASSES
    own = getattr(fam, task, None) if task else None
    pipeline = own if isinstance(own, str) and own else str((inputs.get("model") or {}).get("pipeline") or "")
    return refusal(pipeline, sampler, CLASSES)


def advise(node_cls, params: dict, inputs: dict) -> list[tuple[str, str]]:
    """Everything a generator node can say before its run from what is wired into it."""
    said = source_frames(params, inputs, node_cls.source_ports, node_cls.task)
    fam, title = family_wired(inputs)
    if fam is None:
        return said
    own = getattr(node_cls, "id", "") in {m.node for m in declared_nodes(fam).makers}  # the family's own node
    why = None if own else task_problem(fam, title, node_cls.task)
    if why:
        return said + [("error", why)]
    said = said + setting_problems(fam, title, params, inputs)
    why = sampler_problem(fam, node_cls.task, params, inputs)
    said = said + ([("error", why)] if why else [])  # (diffusers' refusal after the model's load, said before F5)
    from .reach_before import size_problem
    why = size_problem(fam, params, inputs) if node_cls.task in ("t2v", "i2v", "vace") else None
    said = said + ([("error", why)] if why else [])  # the run's refusal, said before it (a size past the positions)
    n, win = clip_and_window(fam, params, native_frames(inputs))
    m = next((int(inputs[p]["frames"]) for p in node_cls.source_ports if (inputs.get(p) or {}).get("frames")), 0)
    if m:  # a source clip's frames (at most 'frames' for Video to Video)
        frames = int(params.get("frames") or 0)
        n = min(frames, m) if frames and node_cls.task == "v2v" else (frames or m)
        win = max(1, valid_frames(fam, int(params.get("window") or 0) or n))
    elif node_cls.task == "v2v":
        return said
    if node_cls.task in ("t2v", "i2v") and "keyframes" in params:
        why = keyframe_problem(fam, params, inputs, node_cls.title, n, win)
        if why:
            return said + [("error", why)]
    why = take_warning(fam, node_cls.task, params, inputs, n, win)
    said = said + ([("warning", why)] if why else [])
    if params.get("quality") == "draft" and node_cls.task:
        from .draft import foreseen_draft
        facts = inputs.get("model") or {}
        why = foreseen_draft(fam, node_cls.task, int(facts.get("experts") or 1), str(facts.get("variant") or ""), title,
                             str(facts.get("path") or ""))
        said += [("warning", why)] if why else []
    return said
