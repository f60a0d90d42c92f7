"""Normalized Attention Guidance (NAG) on Wan's text cross-attention, for one pipeline call: in each block's ``attn2``
the attention output is computed twice, attending the prompt (z+) and the NAG negative (z-); the guided output
z~ = scale * z+ - (scale - 1) * z- is scaled down where its L2 norm over the channels, per token, exceeds ``tau``
times z+'s, and the output is ``alpha`` z~ + (1 - alpha) z+, before the output projection ``to_out``.

The rule is the NAG paper's released reference (ChenDarYen/Normalized-Attention-Guidance@69159ca, MIT licence:
src/attention_flux_nag.py, NAGFluxAttnProcessor2_0: off at a scale of 1 or below, as there); written here for
diffusers' WanAttnProcessor, which is run as it is for both contexts (its I2V image tokens attended alike in both),
with a pre-hook on ``to_out[0]`` reading z- and replacing z+. The negative text is projected by the transformer's
own ``condition_embedder.text_embedder``; a pass whose text is the negative itself (classifier-free guidance's
unconditional pass) is left unguided, as the reference guides the conditional prediction only.
torch and diffusers are imported only when a guided call is made."""
from __future__ import annotations

from contextlib import ExitStack, contextmanager

from ...base.hooks import module_hook

NAME = "studio_nag"  # its hooks' name in diffusers' HookRegistry
EPS = 1e-12  # (our own guard: a zero z+ norm would divide by zero; the reference has none)


def guided(pos, neg, scale: float, tau: float, alpha: float):
    """NAG's mix of ``pos`` (z+) and ``neg`` (z-), both [..., tokens, channels]."""
    import torch
    g = pos * scale - neg * (scale - 1.0)
    ratio = g.norm(p=2, dim=-1, keepdim=True) / pos.norm(p=2, dim=-1, keepdim=True).clamp_min(EPS)
    g = g * (torch.minimum(ratio, ratio.new_full((), tau)) / ratio.clamp_min(EPS))
    return g * alpha + pos * (1.0 - alpha)


class NagProcessor:
    """A cross-attention processor guiding ``inner`` (the module's own processor) by NAG; ``state.context(enc)``
    gives the negative context for this pass (None: the pass is not guided)."""

    def __init__(self, inner, state):
        self.inner, self.state = inner, state

    def __call__(self, attn, hidden_states, encoder_hidden_states=None, attention_mask=None, rotary_emb=None):
        neg_ctx = self.state.context(encoder_hidden_states)
        if neg_ctx is None:
            return self.inner(attn, hidden_states, encoder_hidden_states, attention_mask, rotary_emb)
        held = []
        out0 = attn.to_out[0]
        h = module_hook(out0, NAME, before=lambda _m, args: held.append(args[0]))
        try:
            self.inner(attn, hidden_states, neg_ctx, attention_mask, rotary_emb)
        finally:
            h.remove()
        z_neg = held.pop()
        s = self.state
        h = module_hook(out0, NAME, before=lambda _m, args: (guided(args[0], z_neg, s.scale, s.tau, s.alpha),) + args[1:])
        try:
            return self.inner(attn, hidden_states, encoder_hidden_states, attention_mask, rotary_emb)
        finally:
            h.remove()


class _State:
    """The negative text embeds and the settings; the projected negative of the transformer's current pass."""

    def __init__(self, negative, scale: float, tau: float, alpha: float):
        self.negative, self.scale, self.tau, self.alpha = negative, scale, tau, alpha
        self.projected = None  # None: the current pass is unguided

    def embedded(self, module, args, _out) -> None:
        """After ``condition_embedder``: the negative projected, unless this pass's text is the negative (diffusers
        0.42's WanTransformer3DModel passes it second, by position)."""
        import torch
        text = args[1]
        neg = self.negative.to(text.device, text.dtype)
        if neg.shape[1:] == text.shape[1:] and all(torch.equal(t, neg[0]) for t in text):
            self.projected = None  # classifier-free guidance's unconditional pass
        else:
            self.projected = module.text_embedder(neg)

    def context(self, enc):
        """The negative context matching ``enc`` (image tokens first, as Wan's I2V concatenates them)."""
        p = self.projected
        if p is None or enc is None:
            return None
        p = p.to(enc.dtype).expand(enc.shape[0], -1, -1)
        lead = enc.shape[1] - p.shape[1]
        return p if lead == 0 else __import__("torch").cat([enc[:, :lead], p], dim=1)


def denoisers(pipe) -> list:
    """The pipeline's Wan transformers (a Wan 2.2 A14B's two experts)."""
    return [t for t in (getattr(pipe, "transformer", None), getattr(pipe, "transformer_2", None))
            if t is not None and hasattr(t, "condition_embedder") and hasattr(t, "blocks")]


def negative_embeds(pipe, call: dict, negative: str):
    """The NAG negative's text embeds: the call's own negative embeds where it holds them (the prompt cache's),
    else ``negative`` encoded by the pipeline's text encoder."""
    from ...base.errors import ModelError
    given = call.get("negative_prompt_embeds")
    if given is not None:
        return given
    if getattr(pipe, "text_encoder", None) is None:
        raise ModelError("Normalized Attention Guidance needs the negative prompt encoded, and this Wan model's "
                         "text encoder is not loaded")
    emb, _ = pipe.encode_prompt(prompt=negative, do_classifier_free_guidance=False, num_videos_per_prompt=1,
                                max_sequence_length=int(call.get("max_sequence_length") or 512),
                                device=pipe.text_encoder.device)
    return emb


@contextmanager
def nag_installed(pipe, call: dict, negative: str, scale: float, tau: float, alpha: float):
    """NAG on every Wan transformer's ``attn2`` for the call; each module's own processor and no hook left after."""
    if scale <= 1.0:  # off (the reference guides above a scale of 1)
        yield 0
        return
    state = _State(negative_embeds(pipe, call, negative)[:1], scale, tau, alpha)
    with ExitStack() as stack:
        n = 0
        for den in denoisers(pipe):
            stack.callback(module_hook(den.condition_embedder, NAME, after=state.embedded).remove)
            for block in den.blocks:
                attn = block.attn2
                own = attn.processor
                attn.set_processor(NagProcessor(own, state))
                stack.callback(attn.set_processor, own)
                n += 1
        yield n
