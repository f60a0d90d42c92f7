"""ComfyUI's prompt weights ``(word:1.3)`` in a sampler's prompts (read by studio/core/prompt_weights.py), said once
the family it samples with is known. The prompt is kept as written, weights and all: where the family's generators
weigh its tokens (its 'prompt_weights' hook 'weighs': Stable Diffusion 1.5, SDXL, AnimateDiff, Wan, SkyReels-V2,
LTX-Video, CogVideoX; nodes' sampling/prompt_weighting.py) nothing is said, nor where ComfyUI's own text encoder for
that model reads no weights ('literal': Qwen-Image, Z-Image, FLUX.2, LTX-2, HunyuanVideo 1.5, Kandinsky 5, which
get the syntax as text in ComfyUI and in Studio alike); on any other family one sentence names the prompt's node
and its weights, not applied (the run encodes the words without the syntax and says so too). Plain stdlib."""
from __future__ import annotations

from typing import Any

from studio.core.prompt_weights import plain, shown

from ..families import registry as families
from ..tracing.prompts import encoder_prompt, prompt_encoder
from ..tracing.stills import read_as
from ..tracing.tasks import family
from ..tracing.walks import model_file, upstream


def _line(enc, which: str, text: str, fam: str) -> str:
    return (f"{enc.named()}'s {which} prompt holds ComfyUI's prompt weights ({shown(text)}): Studio weighs no token "
            f"for {fam}'s text encoder, so the words are encoded without the weight syntax, unweighted")


def say(b: Any, s: Any, loader, said: list[str]) -> None:
    """The sentence about the weights sampler ``s``'s positive and negative prompts hold, where its family
    weighs none."""
    wf = b.wf
    node = s.inputs(wf)
    found = []
    for key, which in (("positive", "positive"), ("negative", "negative"), ("conditioning", "positive")):
        enc = prompt_encoder(wf, wf.source(node, key), which) if key in node.links else None  # (a BasicGuider's)
        text = encoder_prompt(wf, enc) if enc is not None else None
        if isinstance(text, str) and not plain(text) and shown(text):  # (escapes, x1 groups: nothing lost)
            found.append((enc, which, text))
    if not found or loader is None:  # (no model read: the generator's run says it)
        return
    fam = read_as(family(model_file(wf, loader), None, upstream(wf, s.node)), b.still_as)
    m = families.titled(fam)  # (by its title or a model file's: 'Wan 2.1' is Wan's)
    if m is None or families.hook(m, "prompt_weights") in ("weighs", "literal"):  # (none known: the run says)
        return
    for enc, which, text in found:
        line = _line(enc, which, text, fam)
        if line not in said:
            said.append(line)
