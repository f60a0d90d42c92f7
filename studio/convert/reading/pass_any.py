"""A node passing anything on, read by its declared types (its pack's in the catalogue, else the ones the UI file
saves): the input it gives on an output of any type ('*'). Every socket and output of any type, as many of each
(Impact's execution order controller): by position; one socket of any type wired (KJNodes' VRAM_Debug, a cleanup
node): that one; several numbered ones (input_1, input_2: ControlAltAI's TwoWaySwitch) with one number widget
fixed in the file choosing among them: the one it names. A node with a number, text or pick among its settings
beside one socket of any type (an 'index anything' node) is not taken to pass it on. None where the choice is not
known. Plain stdlib."""
from __future__ import annotations

import re

from .. import catalogue
from .by_types import through_input

NUMBERED = re.compile(r"^(.*?)_?(\d+)$")
CHOOSING = ("INT", "FLOAT", "STRING", "COMBO")  # settings that may choose what a node gives (flags do not)


def declared_types(n) -> tuple[dict[str, str], list[str]]:
    """The node's inputs' and outputs' types: its pack's declared ones, else the file's own."""
    t = catalogue.node_type(n.origin or n.cls)
    if t is not None and t.inputs is not None and t.outputs:
        return {i.name: i.type for i in t.inputs}, list(t.output_types)
    return dict(n.in_types), list(n.out_types)


def _chosen(wf, n, anys: list[str], ins: dict[str, str]) -> tuple[bool, str | None]:
    """Of numbered sockets (input_1, input_2), the one a number widget (not wired) names: 'selection_setting' 2 ->
    'input_2'. (False, None) where the node is not such a switch; (True, None) where its choice is not known or the
    socket it names is not wired (ComfyUI gives nothing there)."""
    nums = {int(m.group(2)): k for k in anys if (m := NUMBERED.match(k))}
    stems = {NUMBERED.match(x).group(1) for x in nums.values()}
    knobs = [k for k, v in ins.items() if v == "INT" and k not in n.links]
    if len(anys) < 2 or len(nums) != len(anys) or len(stems) != 1 or len(knobs) != 1:
        return False, None
    k = wf.value(n, knobs[0])
    if (k is None or isinstance(k, bool)) and isinstance(n.raw, list) and len(n.raw) == 1:
        k = n.raw[0]  # the one value the file saves, unnamed
    if isinstance(k, bool) or not isinstance(k, int) or k not in nums:
        return True, None
    return True, nums[k] if nums[k] in n.links else None


def any_through(wf, n, slot: int = 0) -> str | None:
    """The input ``n`` passes on for output ``slot`` where it passes anything on (see the module), else None."""
    name = through_input(n, slot)
    if name is not None:
        return name
    ins, outs = declared_types(n)
    if not 0 <= slot < len(outs) or outs[slot] != "*":
        return None
    anys = [k for k, v in ins.items() if v == "*"]
    switch, chosen = _chosen(wf, n, anys, ins)
    if switch:
        return chosen
    wired = [k for k in anys if k in n.links]
    if any(t in CHOOSING for t in ins.values()):  # a number, text or pick among its settings: it may choose or
        return None  # index what it gives (an 'index anything' node), not pass its input on as it is
    return wired[0] if len(wired) == 1 else _beside_models(wf, n, wired)


MODEL_KINDS = ("MODEL", "CLIP", "VAE", "CLIP_VISION")  # what a cleanup node is given to unload, not to pass on


def _beside_models(wf, n, wired: list[str]) -> str | None:
    """Of several inputs of any type, the one wired from an output that is not a model's (a latent, pictures): the
    others all given models (a VAE, a text encoder) a cleanup node unloads - ComfyUI-Unload-Model's UnloadModel,
    'value' passed on and 'model' unloaded (heldout36 02: the three passes of a Wan 2.2 take joined through it).
    None where no such one input is, or a given type is not known."""
    kinds = {}
    for k in wired:
        src, slot = n.links[k]
        node = wf.nodes.get(src)
        outs = declared_types(node)[1] if node is not None else []
        kinds[k] = outs[slot] if 0 <= slot < len(outs) else ""
    models = [k for k, t in kinds.items() if t.upper().endswith(MODEL_KINDS)]
    rest = [k for k in wired if k not in models]
    return rest[0] if len(rest) == 1 and kinds[rest[0]] not in ("", "*") and len(models) == len(wired) - 1 else None


def passes_on(wf, n, src) -> bool:
    """Whether ``n`` passes what ``src`` gives it on as it is (on an output of any type, see ``any_through``): a
    file or conditioning through it is not stopped there (Impact's execution order controller, heldout9)."""
    fed = {k for k, (s, _) in n.links.items() if s == src.id}
    return bool(fed) and any(any_through(wf, n, slot) in fed for slot in range(len(declared_types(n)[1])))
