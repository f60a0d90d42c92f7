"""A node pack's sampler of two or three stages, one model each (Wan 2.2's two experts: a high-noise model, then a
low-noise one; a three-stage pack adds a base stage first), read by the shape of its declared types (issue 112):
two or three MODEL sockets, a positive and a negative CONDITIONING and one LATENT in, one LATENT out and nothing
else wired. It is rewritten, in place, as ComfyUI's KSamplerAdvanced per model, each sampling on from the one
before (the stage of its first model keeps the node's id; the later ones are 'ID~2', 'ID~3'; what read the node
reads the last stage), so the converter reads it as the core two-expert sampling it does: the models as the
family's experts, the seed, steps, cfg, sampler and scheduler by their names (a stage's own cfg or steps where a
setting names its model's words, 'cfg_low_noise' for 'model_low_noise'), a switch step as the stage's end. What is
not read is said in one sentence: a boundary or strategy that switches models at run time (Studio's generator
switches at the model's own boundary), a shift (ModelSamplingSD3 made before each stage where one number is named
'shift'), any other setting, and values its file saves by place without naming them. Plain data and stdlib."""
from __future__ import annotations

import re
from typing import Any

from .. import catalogue
from ..reading.subgraphs import CONTROL, SEED_CONTROLS
from ..reading.workflow import CNode, Workflow
from ..tracing.roles import consumers
from ..tracing.sampling import NEAREST, SIGMAS
from .expert_vae import idle, passed_vae, rewire
from .shapes import declared_of, placed, settings_of, shown

COMMON = {"seed": ("seed", "noise_seed"), "steps": ("steps",), "cfg": ("cfg",),
          "sampler_name": ("sampler_name", "sampler"), "scheduler": ("scheduler",)}
SWITCH_STEP = re.compile(r"(switch|split|change)_?(at_)?step")
RUN_TIME = ("boundary", "strategy", "threshold")  # settings that decide the switch when it runs


def _words(name: str) -> set[str]:
    return set(re.split(r"[_\W]+", name.lower())) - {"", "model", "noise", "in"}


def _stage_of(setting: str, models: list[str]) -> int | None:
    """The stage whose model's name words ``setting`` holds ('base_cfg' -> 'base_high'; 'cfg_low_noise' ->
    'model_low_noise'); None where it holds none or several's alike."""
    mine = _words(setting)
    hits = [i for i, m in enumerate(models) if _words(m) & mine]
    return hits[0] if len(hits) == 1 else None


def _unnamed(n: CNode) -> dict[str, Any]:
    """From values its file saves by place only: the seed (the value before the frontend's control word), the
    sampler and the scheduler (values among ComfyUI's sampler and sigma-spacing names Studio knows)."""
    raw = n.raw if isinstance(n.raw, list) else []
    out: dict[str, Any] = {}
    at = next((k for k, v in enumerate(raw) if isinstance(v, str) and v in SEED_CONTROLS), None)
    if at and isinstance(raw[at - 1], int) and not isinstance(raw[at - 1], bool):
        out["seed"] = raw[at - 1]
    for key, known in (("sampler_name", {k for k, _ in NEAREST}), ("scheduler", set(SIGMAS))):
        found = [v for v in raw if isinstance(v, str) and v in known]
        if len(found) == 1:
            out[key] = found[0]
    return out


def _stage_steps(staged: list[tuple[str, int, Any]], stages: list[dict], other: list[str]) -> None:
    """A setting naming one stage's model and 'steps' ('high_steps', 'steps_low'): that stage's own schedule where the
    node sets no steps of its own; beside the node's steps (one schedule for all its stages) the steps that stage
    takes of it, so the switch: the first stage's count is the step it ends at, the second (and last) stage's count
    ends the schedule (it starts that many steps before the end); a count not below the node's steps (DigbyWan's
    'high_steps' 99: "switch at the boundary") or of a middle stage switches nothing Studio reads: said, not applied."""
    for k, i, v in staged:
        total = stages[i].get("steps")
        if total is None:
            stages[i]["steps"] = v
            continue
        count = isinstance(v, int) and not isinstance(v, bool) and isinstance(total, int) and 0 <= v < total
        if count and i == 0 and "end_at_step" not in stages[0]:
            stages[0]["end_at_step"] = v
        elif count and len(stages) == 2 and i == 1 and v and "end_at_step" not in stages[0]:
            stages[0]["end_at_step"] = total - v
        else:
            other.append(f"{k} {shown(v)}")


def given_type(wf: Workflow, n: CNode, k: str) -> str:
    """The type of what feeds ``n``'s input ``k`` (an API file names no socket's type): its source's declared
    output there ('' unknown)."""
    src = wf.source(n, k)
    if src is None:
        return ""
    slot = n.links[k][1]
    t = catalogue.node_type(src.cls)
    if t is not None and t.outputs and slot < len(t.outputs):
        return t.outputs[slot].type
    return src.out_types[slot] if slot < len(src.out_types) else ""


def _read(wf: Workflow, n: CNode) -> tuple[list[str], dict, list[dict], list[str], bool] | None:
    ins, outs = declared_of(wf, n)
    sockets = [(k, t or given_type(wf, n, k)) for k, t, w in ins if not w]
    if (vae := passed_vae(sockets, outs, n.links)) is None and outs != ["LATENT"]:  # (a VAE given back: expert_vae)
        return None
    models = [k for k, t in sockets if t == "MODEL"]
    latents = [k for k, t in sockets if t == "LATENT"]
    conds = sorted(k for k, t in sockets if t == "CONDITIONING")
    if not 2 <= len(models) <= 3 or len(latents) != 1 or conds != ["negative", "positive"]:
        return None
    if any(k not in models + latents + conds + [vae] for k, t in sockets if k in n.links):
        return None  # another wired socket (a guide, sigmas, an image): what it carries would be lost
    if any(k not in n.links for k in models + conds + latents):
        return None
    settings, by_place = settings_of(n, ins)
    unnamed = not any(w for _, _, w in ins) and not settings and isinstance(n.raw, list) and bool(n.raw)
    if unnamed:
        settings = _unnamed(n)
    stages: list[dict] = [{} for _ in models]
    other: list[str] = []
    shifts: list[Any] = []
    wired = [k for k in n.links if k not in models + latents + conds + [vae] and k not in settings]
    unknown: list[str] = []
    staged: list[tuple[str, int, Any]] = []  # (a setting naming a stage's model and 'steps', the stage, its value)
    for k, v in list(settings.items()) + [(k, None) for k in wired]:
        if k == CONTROL:
            continue
        if k in n.links:
            v = wf.value(n, k)
            if v is None:  # wired to a node whose value is made when the workflow runs
                unknown.append(k)
                continue
        mine = next((c for c, names in COMMON.items() if k in names), None)
        if mine is not None:
            for s in stages:
                s.setdefault(mine, v)
            continue
        if "shift" in k.lower() and isinstance(v, (int, float)) and not isinstance(v, bool):
            shifts.append(v)
            continue
        stage = _stage_of(k, models)
        low = k.lower()
        base = next((c for c in ("steps", "cfg", "sampler", "scheduler", "seed") if c in low), None)
        if SWITCH_STEP.search(low) and isinstance(v, int) and v >= 0:
            stages[0]["end_at_step"] = v
            continue
        if stage is not None and base == "steps" and not any(w in low for w in RUN_TIME):
            staged.append((k, stage, v))  # (read once the node's own steps are known: _stage_steps)
            continue
        if stage is not None and base is not None and not any(w in low for w in RUN_TIME):
            stages[stage][{"sampler": "sampler_name"}.get(base, base)] = v
            continue
        if not idle(k, v, stages[0].get("steps")):
            other.append(f"{k} {shown(v)}")
    _stage_steps(staged, stages, other)
    if unnamed:
        used = set(map(repr, settings.values())) | set(SEED_CONTROLS)
        other.append("its values saved by place without their names (" + ", ".join(
            shown(v) for v in n.raw if repr(v) not in used and v not in SEED_CONTROLS) + "): not read")
    return models, {"latent": latents[0], "shifts": shifts, "unknown": unknown, "vae": vae}, stages, other, by_place


def _stage(n: CNode, nid: str, model: str, prev: tuple[str, int], w: dict, i: int, last: bool,
           shift: Any) -> list[CNode]:
    widgets = {"add_noise": "enable" if i == 0 else "disable", "noise_seed": w.get("seed"), "steps": w.get("steps"),
               "cfg": w.get("cfg"), "sampler_name": w.get("sampler_name"), "scheduler": w.get("scheduler"),
               "return_with_leftover_noise": "disable" if last else "enable"}
    if "end_at_step" in w and not last:
        widgets["end_at_step"] = w["end_at_step"]
    made = []
    src = n.links[model]
    if shift is not None:
        m = CNode(f"{nid}:shift", "ModelSamplingSD3", n.title, n.mode, {"shift": shift}, {"model": src}, n.pos,
                  origin=n.shown_cls)
        made.append(m)
        src = (m.id, 0)
    links = {"model": src, "positive": n.links["positive"], "negative": n.links["negative"], "latent_image": prev}
    made.append(CNode(nid, "KSamplerAdvanced", n.title, n.mode, {k: v for k, v in widgets.items() if v is not None},
                      links, n.pos, origin=n.shown_cls, ports={"model": model}))
    return made


def translate(wf: Workflow) -> list[str]:
    """Each pack sampler of two or three models rewritten as KSamplerAdvanced stages; one sentence each."""
    said = []
    for n in list(wf.nodes.values()):
        if n.origin or not n.enabled or catalogue.is_primitive(catalogue.node_type(n.cls)):
            continue
        found = _read(wf, n)
        if found is None:
            continue
        models, extra, stages, other, by_place = found
        users = list(consumers(wf).get(n.id, ()))
        shift = extra["shifts"][0] if len(set(extra["shifts"])) == 1 else None
        prev, ids = n.links[extra["latent"]], []
        for i, (model, w) in enumerate(zip(models, stages)):
            if i and "end_at_step" in stages[0] and i == 1:
                w["start_at_step"] = stages[0]["end_at_step"]
            nid = n.id if i == 0 else f"{n.id}~{i + 1}"
            for c in _stage(n, nid, model, prev, w, i, i == len(models) - 1, shift):
                wf.nodes[c.id] = c
            if i and "start_at_step" in w:
                wf.nodes[nid].widgets["start_at_step"] = w["start_at_step"]
            prev, ids = (nid, 0), ids + [nid]
        rewire(wf, n, users, ids[-1], extra["vae"])
        line = _sentence(n, models, stages, other, extra["shifts"], shift, by_place)
        if extra["vae"]:
            line += f"; its VAE output read as the VAE its '{extra['vae']}' is given (passed through)"
        if extra["unknown"]:
            line += (f"; its {', '.join(extra['unknown'])} {'are' if len(extra['unknown']) > 1 else 'is'} wired to "
                     "nodes whose values Studio cannot work out when converting: not read (the generator's own stand)")
        said.append(line)
    return said


def _sentence(n: CNode, models, stages, other, shifts, shift, by_place) -> str:
    name = f"'{n.title or n.shown_cls}' ({n.shown_cls}, #{n.id})"
    parts = ", then ".join(f"its '{m}'" for m in models)  # (the inputs: each stage is said by the file's id)
    line = (f"{name} samples with {len(models)} models one after another: read by its declared types (a model per "
            f"stage, a positive and a negative prompt and a latent in, a latent out) as ComfyUI's KSamplerAdvanced "
            f"per model, each sampling on from the one before ({parts}): the family's experts, high noise first")
    read = {k: v for k, v in stages[0].items() if k != "end_at_step"}
    if read:
        line += f"; its {', '.join(f'{k} {shown(v)}' for k, v in read.items())} read"
    if "end_at_step" in stages[0]:
        line += f"; the switch at step {stages[0]['end_at_step']} read"
    if shift is not None:
        line += f"; its shift {shown(shift)} read as ModelSamplingSD3's before each stage"
    elif shifts:
        line += f"; its shifts {', '.join(shown(s) for s in shifts)} not applied (more than one)"
    if by_place:
        line += placed(True, n)
    unread = [o for o in other if o.startswith("its values saved by place")]
    other = [o for o in other if o not in unread]
    if other:
        line += (f"; its {', '.join(other)} {'are' if len(other) > 1 else 'is'} not applied (Studio's generator "
                 "switches models at the model's own boundary and has no such setting)")
    if unread:
        line += "; " + unread[0] + " (the generator's own steps and cfg are used: set them from the workflow)"
    return line
