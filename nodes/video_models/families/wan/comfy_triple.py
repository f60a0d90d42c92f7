"""VraethrDalkr's ComfyUI-TripleKSampler (its TripleKSamplerWan22Lightning nodes, told by the pack the catalogue
files them under): Wan 2.2 A14B sampled in three stages, each ComfyUI's KSamplerAdvanced on a model shifted by
'sigma_shift': 1. 'base_high' (the high-noise expert without the lightning LoRA) at 'base_cfg' for the first
'lightning_start' / 'lightning_steps' of the denoising (its own step count worked out so the stages meet: a
whole number of steps at least the pack's quality threshold, 20 unless its config says otherwise), 2.
'lightning_high' from step 'lightning_start' to the switch of 'lightning_steps', 3. 'lightning_low' from the switch
to the end, both at 'lightning_cfg' (1 on the simple node). The switch: half the lightning steps rounded up, a
step given, or a noise level ('T2V' / 'I2V boundary', a given one) the pack turns into a step from the model's
schedule when the workflow runs.

Read as the passes Studio's Wan 2.2 makes: the lightning stages as its two experts (ComfyUI's KSamplerAdvanced per
model, the first keeping the node's id, the second 'ID~3'), over all 'lightning_steps' steps from the first; the
base stage is not made (Studio's generator samples with two experts), said with its step split. Plain data and
stdlib: nothing of the pack is imported or run."""
from __future__ import annotations

import math
from typing import Any

from studio.convert.api import CNode, node_type
from studio.core.shown import number

PACK = "VraethrDalkr/ComfyUI-TripleKSampler"  # the catalogue's name of the pack (catalogue/data/sources.tsv)
MODELS = ("base_high", "lightning_high", "lightning_low")
SOCKETS = (*MODELS, "positive", "negative", "latent_image")
THRESHOLD = 20  # the pack's base quality threshold when its config does not change it (config.example.toml)
BOUNDARIES = {"T2V boundary": 0.875, "I2V boundary": 0.9}  # the pack's default noise levels for its strategies
CONTROLS = ("fixed", "increment", "decrement", "randomize")
DEFAULTS = {"lightning_start": 1, "lightning_cfg": 1.0, "base_steps": -1, "switch_step": -1,
            "switch_strategy": "50% of steps", "base_quality_threshold": THRESHOLD}


def _settings(wf, n: CNode, t) -> dict[str, Any]:
    """Its settings by name: its named values (an API file), else its UI values in the places its pack declares
    them (the frontend's seed control after the seed); wired ones worked out (None where they cannot be)."""
    out = dict(n.widgets)
    names = [i.name for i in t.inputs if i.name not in SOCKETS]
    raw = n.raw if isinstance(n.raw, list) else []
    if raw and not out:
        at = next((k for k, v in enumerate(raw) if isinstance(v, str) and v in CONTROLS), None)
        values = raw[:at] + raw[at + 1:] if at is not None and at == names.index("seed") + 1 else raw
        if len(values) == len(names) + 1 and None in values:  # the button its page adds ('Run Dry Run', dry_run
            # moved after it): the frontend saves a button's null among the values (heldout45 08); the last null out
            cut = len(values) - 1 - values[::-1].index(None)
            values = values[:cut] + values[cut + 1:]
        out = dict(zip(names, values)) if len(values) == len(names) else {}
    for k in n.links:
        if k not in SOCKETS:
            out[k] = wf.value(n, k)
    return {**{k: v for k, v in DEFAULTS.items() if k not in out}, **out}


def _base_steps(s: dict) -> tuple[int, int] | None:
    """(the base stage's steps, its schedule's steps): given, or worked out so the base stage ends where the
    lightning stages begin (lightning_start / lightning_steps of the denoising); None where a value is not known."""
    start, steps, q, base = (s.get(k) for k in ("lightning_start", "lightning_steps", "base_quality_threshold",
                                                "base_steps"))
    if not all(isinstance(v, int) and not isinstance(v, bool) for v in (start, steps, q, base)) or steps < 1:
        return None
    if base != -1:
        return base, max(base, math.floor(base * steps / max(1, start)))
    if start == 1:
        return math.ceil(q / steps), math.ceil(q / steps) * steps
    total = next((c for c in range(q, q + steps) if c * start % steps == 0), None)
    if total is not None:
        return total * start // steps, total
    base = math.ceil(q * start / steps)
    return base, max(math.ceil(base * steps / start), q)


def _switch(s: dict) -> tuple[int | None, str]:
    """(the step the lightning stages switch experts at, None where the workflow works it out when it runs; how)."""
    steps, how = s.get("lightning_steps"), str(s.get("switch_strategy"))
    if s.get("switch_strategy") is None:  # wired from a node Studio cannot work out (never 'the None': heldout20 10)
        return None, "the strategy its 'switch_strategy' is given, worked out when the workflow runs"
    if not isinstance(steps, int):
        return None, f"its switch ({how}) not worked out"
    if how == "50% of steps":
        return math.ceil(steps / 2), f"half its {steps} steps rounded up"
    if how == "Manual switch step":
        given = s.get("switch_step")
        return (given, "the step given") if isinstance(given, int) and given >= 0 else (steps // 2, "half its steps")
    level = BOUNDARIES.get(how.replace(" (refined)", ""), s.get("switch_boundary"))
    return None, (f"the step the model's noise schedule reaches the {how} ({number(level)}) at when the workflow "
                  "runs" if level is not None else f"the {how} worked out when the workflow runs")


def _stage(n: CNode, nid: str, model: str, shift: Any, widgets: dict, latent: tuple) -> list[CNode]:
    made, src = [], n.links[model]
    if isinstance(shift, (int, float)) and not isinstance(shift, bool):
        m = CNode(f"{nid}:shift", "ModelSamplingSD3", n.title, n.mode, {"shift": shift}, {"model": src}, n.pos,
                  origin=n.shown_cls)
        made.append(m)
        src = (m.id, 0)
    made.append(CNode(nid, "KSamplerAdvanced", n.title, n.mode, {k: v for k, v in widgets.items() if v is not None},
                      {"model": src, "positive": n.links["positive"], "negative": n.links["negative"],
                       "latent_image": latent}, n.pos, origin=n.shown_cls, ports={"model": model}))
    return made


def _from(wf, n: CNode, k: str) -> str:
    src = wf.source(n, k)
    return f" (from '{src.title or src.shown_cls}', #{src.id})" if src is not None else ""


def translate(wf) -> list[str]:
    """Each TripleKSampler rewritten as its two lightning stages; one sentence each."""
    said = []
    for n in list(wf.nodes.values()):
        t = node_type(n.shown_cls) if not n.origin and n.enabled else None
        if t is None or t.pack != PACK or t.inputs is None or any(k not in n.links for k in SOCKETS[1:]):
            continue
        s = _settings(wf, n, t)
        steps, seed, shift = s.get("lightning_steps"), s.get("seed"), s.get("sigma_shift")
        if not isinstance(steps, int) or isinstance(steps, bool) or steps < 1:
            continue  # its values not read (saved otherwise than its pack declares): the generic reading's
        at, how = _switch(s)
        wf.taken |= {src for k, (src, _) in n.links.items() if k not in SOCKETS and s.get(k) is not None}  # (read)
        common = {"steps": steps, "sampler_name": s.get("lightning_sampler", s.get("sampler_name")),
                  "scheduler": s.get("lightning_scheduler", s.get("scheduler"))}  # (the advanced node's own names)
        high = {"add_noise": "enable", "noise_seed": seed, "cfg": s.get("lightning_cfg"), "start_at_step": 0,
                "end_at_step": at, "return_with_leftover_noise": "enable", **common}
        low = {"add_noise": "disable", "noise_seed": seed, "cfg": s.get("lightning_cfg"),
               "start_at_step": at, "end_at_step": steps, "return_with_leftover_noise": "disable", **common}
        users = [(m, k) for m in wf.nodes.values() for k, (src, _) in m.links.items() if src == n.id]
        for c in _stage(n, n.id, "lightning_high", shift, high, n.links["latent_image"]):
            wf.nodes[c.id] = c
        for c in _stage(n, f"{n.id}~3", "lightning_low", shift, low, (n.id, 0)):
            wf.nodes[c.id] = c
        for m, k in users:
            m.links[k] = (f"{n.id}~3", 0)
        start, base = s.get("lightning_start"), _base_steps(s)
        name = f"'{n.title or n.shown_cls}' ({n.shown_cls}, #{n.id})"
        first = ("no base stage ('lightning_start' 0)" if start == 0 else
                 f"1. 'base_high'{_from(wf, n, 'base_high')} steps 0-{base[0]} of {base[1]} at cfg "
                 f"{number(s.get('base_cfg'))} (the first {number(round(100 * base[0] / base[1], 1))} % of the "
                 "denoising)" if base is not None else
                 f"1. 'base_high'{_from(wf, n, 'base_high')} at cfg {number(s.get('base_cfg'))} (its steps not known)")
        tuned = (f" (its '{s.get('switch_strategy')}' strategy tunes the shift when the workflow runs so the boundary "
                 f"falls on a step: {number(shift)} used)") if "(refined)" in str(s.get("switch_strategy")) else ""
        two = (f"2. 'lightning_high'{_from(wf, n, 'lightning_high')} steps {number(start)}-{number(at)} of "
               f"{number(steps)}; 3. 'lightning_low'"
               f"{_from(wf, n, 'lightning_low')} steps {number(at)}-{number(steps)}" if at is not None else
               f"2. 'lightning_high'{_from(wf, n, 'lightning_high')} from step {number(start)} of {number(steps)} to "
               f"the switch; 3. 'lightning_low'"
               f"{_from(wf, n, 'lightning_low')} from the switch to step {number(steps)}")
        two += f", both at cfg {number(s.get('lightning_cfg'))}"
        line = (f"{name} samples Wan 2.2 in three stages of ComfyUI's KSamplerAdvanced, each model shifted by "
                f"{number(shift)}{tuned}: {first}; {two} (the switch: {how}). Read as Studio's two "
                f"experts: stages 2 and 3 over all {number(steps)} steps, the high-noise expert sampling from step 0 "
                f"(#{n.id}, #{n.id}~3)")
        if start != 0:
            line += "; stage 1 is not made (Studio's Wan 2.2 samples with two experts)"
        if at is None:
            line += "; Studio's generator switches experts at the model's own boundary"
        if s.get("dry_run") is True:
            line += ("; its dry_run is on: ComfyUI samples nothing there (the latent passes through), Studio makes "
                     "the take")
        said.append(line)
    return said
