"""The shift of a VideoX-Fun sampler whose file saves none: the pack's samplers before 'shift' was a setting (early
2025: WanFunV2VSampler and its kin, read for meaning in aigc-apps/VideoX-Fun's comfyui/wan2_1_fun/nodes.py) build
their FlowMatchEulerDiscreteScheduler from the scheduler_kwargs of the model config their loader names, whose shift
is the pack's config file's (CONFIG_SHIFTS, read for meaning in its config/ folder). Before, no ModelSamplingSD3 was
made for it and the note said ComfyUI samples at the model config's shift, giving ComfyUI's Wan 8 (heldout61 09: a
false sentence, the shift 5 changed to 8). That the older sampler's schedule is its config's is the pack's code,
not its declaration: keyed on the config's name, said; a config not known here: said, no shift set. Plain stdlib."""
from __future__ import annotations

from studio.convert.api import finite

# the shift in scheduler_kwargs of the pack's own configs (config/<name>)
CONFIG_SHIFTS = {"wan2.1/wan_civitai.yaml": 5.0, "wan2.2/wan_civitai_i2v.yaml": 5.0, "wan2.2/wan_civitai_5b.yaml": 5.0,
                 "wan2.2/wan_civitai_t2v.yaml": 12.0, "wan2.2/wan_civitai_s2v.yaml": 3.0,
                 "wan2.2/wan_civitai_animate.yaml": 5.0}


def unsaved_shift(t, n) -> float | None:
    """The shift sampler ``n`` samples at where its file's version saves none (the translation ``t`` found 'shift'
    unsaved): its loader's config's, said; None (said) where the config is not one known, or the file saves it."""
    if "shift" not in t.unsaved.get(n.id, ()):
        return None
    config = t.model_links(n)[0].get("config")  # (the loader's settings as saved, kept when it was read)
    shift = CONFIG_SHIFTS.get(str(config).replace("\\", "/")) if isinstance(config, str) else None
    where = f"'{n.title or n.shown_cls}' (#{n.id}, {n.shown_cls}) saves no 'shift' (a version of VideoX-Fun before it " \
            f"was a setting: it samples at the scheduler shift of its model config" + \
            (f" '{config}'" if isinstance(config, str) else "") + ")"
    line = (f"{where}: {shift:g}, Studio's shift" if finite(shift) else
            f"{where}, which Studio does not know: the generator's own shift stands; set that config's")
    if line not in t.said:
        t.said.append(line)
    return shift
