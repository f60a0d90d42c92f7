"""A sampler's negative conditioning that is its positive's own: one text encoder gives both (LTX-2's templates at
cfg 1 wire one CLIPTextEncode to LTXVConditioning's 'positive' and 'negative'), its text written when the graph runs
by a family's prompt enhancer that Studio makes (Enhance Prompt: ``b.enhancer``, on). The negative is then the
enhanced text too, which Studio's generator cannot be given before the graph runs: its negative prompt is left empty,
said so - not "written by ComfyUI's enhancer, which Studio does not run" (found by the forty-fourth held-out set: 14,
Lightricks' LTX-2 I2V example). Plain stdlib."""
from __future__ import annotations

from .prompts import prompt_encoder


def shared_negative(b, pos_start, neg_start, said: list[str]) -> str | None:
    """'' (said in ``said``) where the negative's encoder is the positive's and a made enhancer writes its text;
    None otherwise (the negative is read as usual)."""
    e = getattr(b, "enhancer", None)
    if e is None or not getattr(e, "on", False) or neg_start is None or pos_start is None:
        return None
    enc = prompt_encoder(b.wf, pos_start, "positive")
    if enc is None or prompt_encoder(b.wf, neg_start, "negative") is not enc:
        return None
    writer = e.node
    said.append(f"the negative prompt is the positive's own: '{enc.title or enc.shown_cls}' ({enc.shown_cls}, "
                f"#{enc.id}) encodes one text for both, written by Enhance Prompt (ComfyUI's {writer.shown_cls}, "
                f"#{writer.id}) when the graph runs; the generator's 'negative_prompt' is left empty")
    return ""
