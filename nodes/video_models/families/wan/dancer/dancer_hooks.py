"""Wan Dancer's additions hooked into diffusers' WanTransformer3DModel for one pass (dancer.py says what
each is, after DiffSynth-Studio@fed7b18): the music injection after the injected blocks, the reference
image's tokens before the context, each block's image cross-attention reading only those, and at a
frame rate other than 30 the global patch embedding, head and rotary time positions; :func:`skipping`
leaves out block 9 (the global model's negative call). Everything is put back however the pass ends."""
from __future__ import annotations

import contextlib

import torch
import torch.nn.functional as F

from ....base.hooks import module_hook
from . import dancer


class SplitImageProcessor:
    """A Wan cross-attention whose image branch reads the first ``n`` context tokens and whose text branch
    reads the rest (the release's CrossAttention: ``img = y[:, :257]``, ``ctx = y[:, 257:]``), where
    diffusers' WanAttnProcessor gives the text branch the last 512."""

    def __init__(self, n: int):
        self.n = n

    def __call__(self, attn, hidden_states, encoder_hidden_states=None, attention_mask=None, rotary_emb=None):
        has_image = attn.add_k_proj is not None
        img, ctx = (encoder_hidden_states[:, :self.n], encoder_hidden_states[:, self.n:]) if has_image \
            else (None, encoder_hidden_states)
        h = attn.heads

        def heads(t):
            return t.unflatten(2, (h, -1)).transpose(1, 2)
        q = heads(attn.norm_q(attn.to_q(hidden_states)))
        out = F.scaled_dot_product_attention(q, heads(attn.norm_k(attn.to_k(ctx))), heads(attn.to_v(ctx)))
        if img is not None:
            out = out + F.scaled_dot_product_attention(q, heads(attn.norm_added_k(attn.add_k_proj(img))),
                                                       heads(attn.add_v_proj(img)))
        out = out.transpose(1, 2).flatten(2).type_as(hidden_states)
        return attn.to_out[1](attn.to_out[0](out))


@contextlib.contextmanager
def skipping(transformer, block: int = dancer.SKIP_BLOCK):
    """The transformer without block ``block`` for the calls inside (model_fn_wan_video skip_9th_layer)."""
    blocks = transformer.blocks
    transformer.blocks = torch.nn.ModuleList([b for i, b in enumerate(blocks) if i != block])
    try:
        yield
    finally:
        transformer.blocks = blocks


@contextlib.contextmanager
def dancer_applied(transformer, parts: dancer.DancerParts, music: torch.Tensor | None, ref: torch.Tensor | None,
                   fps: float):
    """One pass of Wan Dancer on ``transformer``. ``music``: [1, T, 35] features (None: no injection);
    ``ref``: the reference image's CLIP tokens [1, 257, 1280]; ``fps``: the take's frame rate."""
    tr, handles, saved = transformer, [], {}
    dim = tr.config.num_attention_heads * tr.config.attention_head_dim
    state = {"tokens": None}
    glob = int(fps + 0.5) != dancer.BASE_FPS
    encoded = parts.music(music[0] if music.ndim == 3 else music) if music is not None else None

    def set_tokens(_mod, args, kwargs):
        x = args[0] if args else kwargs["hidden_states"]
        f = x.shape[2] // tr.config.patch_size[0]
        state["tokens"] = dancer.music_tokens(encoded, f, dim) if encoded is not None else None

    def after_block(j):
        def hook(_mod, _args, out):
            return dancer.inject(parts, j, out, state["tokens"]) if state["tokens"] is not None else out
        return hook

    def with_ref(_mod, _args, out):
        if ref is None:
            return out
        img = parts.img_emb_refimage(ref.to(out[2].device, parts.img_emb_refimage.proj[1].weight.dtype)).to(out[2])
        return (*out[:3], img if out[3] is None else torch.cat([img, out[3]], dim=1))

    try:
        # Hook: torch's own, not diffusers' registry: it reads the whole call's frames once, outside every
        # registry hook on the transformer whatever order they came in (context windows split the call)
        handles.append(tr.register_forward_pre_hook(set_tokens, with_kwargs=True))
        for j, i in enumerate(parts.inject_layers):
            handles.append(module_hook(tr.blocks[i], "studio_dancer_music", after=after_block(j)))
        handles.append(module_hook(tr.condition_embedder, "studio_dancer_ref", after=with_ref))
        if ref is not None:
            n = ref.shape[1]
            saved["processors"] = [b.attn2.processor for b in tr.blocks]
            for b in tr.blocks:
                b.attn2.set_processor(SplitImageProcessor(n))
        if glob:
            saved["global"] = (tr.patch_embedding, tr.proj_out, tr.scale_shift_table)
            tr.patch_embedding = parts.patch_embedding_global
            tr.proj_out = parts.head_global.head
            tr.scale_shift_table = parts.head_global.modulation
            handles.append(module_hook(tr.rope, "studio_dancer_rope",
                                       after=lambda m, args, _out: dancer.global_rope(m, args[0], fps)))
        yield tr
    finally:
        for h in handles:
            h.remove()
        for b, p in zip(tr.blocks, saved.get("processors", ())):
            b.attn2.set_processor(p)
        if "global" in saved:
            tr.patch_embedding, tr.proj_out, tr.scale_shift_table = saved["global"]
