"""Normalized Attention Guidance (NAG) on LTX-2's video text cross-attention, for one pipeline call: in each block's
``attn2`` (video queries, the prompt's keys and values) the attention output is computed attending the prompt (z+) and
the NAG negative (z-), and mixed by the rule of ``wan/nag.py`` (the NAG paper's released reference,
ChenDarYen/Normalized-Attention-Guidance@69159ca, MIT licence) before the output projection ``to_out``.

Written for diffusers 0.42.1's LTX2VideoTransformer3DModel: its processor (LTX2AudioVideoAttnProcessor) is run as it
is for both contexts, a pre-hook on ``to_out[0]`` reading z- and replacing z+. The negative is the NAG negative
encoded by the pipeline's text encoder and passed through its ``connectors`` (as the pipeline does the prompt), then
the transformer's own ``caption_projection`` (where it has one) and, in a block with prompt modulation
(``cross_attn_adaln``), the block's own prompt scale and shift, as the block does the prompt; its attention mask
made a bias as the transformer makes the prompt's. The transformer's and blocks' keyword arguments are read by torch's own
forward pre-hooks (with_kwargs), removed after. A batch row whose text is the negative itself (classifier-free
guidance's unconditional half, batched with the prompt's) is left unguided, as the reference guides the conditional prediction only. The
sound's text cross-attention (``audio_attn2``) is not guided. torch and diffusers are imported only when a guided
call is made."""
from __future__ import annotations

from contextlib import ExitStack, contextmanager

from ...base.hooks import module_hook
from ..wan.nag import NAME, guided


class _State:
    """The negative's connector output and mask; per transformer pass, the projected negative (None: unguided)."""

    def __init__(self, negative, mask, scale: float, tau: float, alpha: float):
        self.negative, self.mask, self.scale, self.tau, self.alpha = negative, mask, scale, tau, alpha
        self.projected = self.bias = self.rows = None
        self.block_kwargs: dict = {}

    def entered(self, module, args, kwargs):
        """Before the transformer: the negative projected for this pass, and which rows of its batch are guided (a
        row whose text is the negative itself, classifier-free guidance's unconditional half, is not)."""
        import torch
        text = kwargs.get("encoder_hidden_states", args[1] if len(args) > 1 else None)
        neg = self.negative.to(text.device, text.dtype)
        same = [t.shape == neg.shape[1:] and bool(torch.allclose(t, neg[0], rtol=1e-3, atol=1e-4)) for t in text]
        self.rows = torch.tensor([not x for x in same], device=text.device)
        if not self.rows.any():
            self.projected = None
            return None
        use = getattr(getattr(module, "config", None), "use_prompt_embeddings", True)  # LTX-2.0's (2.3: connectors')
        p = module.caption_projection(neg) if use and getattr(module, "caption_projection", None) is not None else neg
        self.projected = p.view(1, -1, p.shape[-1])
        m = self.mask.to(text.device)
        self.bias = ((1 - m.to(text.dtype)) * -10000.0).unsqueeze(1) if m.ndim == 2 else m
        return None

    def block_entered(self, _module, _args, kwargs):
        self.block_kwargs = kwargs
        return None

    def context(self, block, enc):
        """The negative context as ``block``'s attn2 takes it (the prompt modulation the block gives its text)."""
        p = self.projected
        if p is None or enc is None:
            return None
        p = p.to(enc.dtype).expand(enc.shape[0], -1, -1)
        if getattr(block, "cross_attn_adaln", False):
            temb = self.block_kwargs.get("temb_prompt")
            if temb is not None:
                shift, scale = block.get_mod_params(block.prompt_scale_shift_table, temb, enc.shape[0])
            else:
                shift, scale = block.prompt_scale_shift_table[None, None].to(enc.device, enc.dtype).unbind(dim=2)
            p = p * (1 + scale) + shift
        return p


class LtxNagProcessor:
    """``block``'s attn2 processor guiding ``inner`` (its own) by NAG."""

    def __init__(self, inner, state: _State, block):
        self.inner, self.state, self.block = inner, state, block

    def __call__(self, attn, hidden_states, encoder_hidden_states=None, attention_mask=None, query_rotary_emb=None,
                 key_rotary_emb=None):
        import torch
        s = self.state
        neg_ctx = s.context(self.block, encoder_hidden_states)
        if neg_ctx is None:
            return self.inner(attn, hidden_states, encoder_hidden_states, attention_mask, query_rotary_emb,
                              key_rotary_emb)
        bias = None if attention_mask is None or s.bias is None else \
            s.bias.to(attention_mask.device, attention_mask.dtype).expand(hidden_states.shape[0], -1, -1)
        held = []
        out0 = attn.to_out[0]
        h = module_hook(out0, NAME, before=lambda _m, args: held.append(args[0]))
        try:
            self.inner(attn, hidden_states, neg_ctx, bias, query_rotary_emb, key_rotary_emb)
        finally:
            h.remove()
        z_neg = held.pop()
        rows = s.rows.view(-1, 1, 1)

        def mixed(_m, args):
            return (torch.where(rows, guided(args[0], z_neg, s.scale, s.tau, s.alpha), args[0]),) + args[1:]
        h = module_hook(out0, NAME, before=mixed)
        try:
            return self.inner(attn, hidden_states, encoder_hidden_states, attention_mask, query_rotary_emb,
                              key_rotary_emb)
        finally:
            h.remove()


def negative_context(pipe, call: dict, negative: str):
    """The NAG negative through the pipeline's connectors: (video context [1, T, C], its mask [1, T]); the call's own
    negative embeds where it holds them (the prompt cache's), else ``negative`` encoded by the text encoder."""
    from ...base.errors import ModelError
    emb, mask = call.get("negative_prompt_embeds"), call.get("negative_prompt_attention_mask")
    if emb is None or mask is None:
        if getattr(pipe, "text_encoder", None) is None:
            raise ModelError("Normalized Attention Guidance needs the negative prompt encoded, and this LTX-2 model's "
                             "text encoder is not loaded")
        emb, mask, _n, _m = pipe.encode_prompt(prompt=negative, do_classifier_free_guidance=False,
                                               num_videos_per_prompt=1, device=pipe.text_encoder.device,
                                               max_sequence_length=int(call.get("max_sequence_length") or 1024))
    side = getattr(getattr(pipe, "tokenizer", None), "padding_side", "left")
    video, _audio, cmask = pipe.connectors(emb[:1], mask[:1], padding_side=side)
    return video[:1], cmask[:1]


@contextmanager
def nag_installed(pipe, call: dict, negative: str, scale: float, tau: float, alpha: float):
    """NAG on the LTX-2 transformer's video text cross-attention (every block's ``attn2``) for the call; each
    module's own processor and no hook left after."""
    if scale <= 1.0:  # off (the reference guides above a scale of 1)
        yield 0
        return
    import torch
    with torch.no_grad():
        ctx, mask = negative_context(pipe, call, negative)
    state = _State(ctx, mask, scale, tau, alpha)
    den = pipe.transformer
    with ExitStack() as stack:
        # Hook: torch's own, not diffusers' registry: it reads the call's keyword arguments (module_hook's see positional ones)
        stack.callback(den.register_forward_pre_hook(state.entered, with_kwargs=True).remove)
        n = 0
        for block in den.transformer_blocks:
            # Hook: torch's own, not diffusers' registry: it reads the block's keyword arguments (temb_prompt)
            stack.callback(block.register_forward_pre_hook(state.block_entered, with_kwargs=True).remove)
            attn = block.attn2
            own = attn.processor
            attn.set_processor(LtxNagProcessor(own, state, block))
            stack.callback(attn.set_processor, own)
            n += 1
        yield n
