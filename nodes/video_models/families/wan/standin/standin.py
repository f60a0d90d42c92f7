"""Stand-In's changes to diffusers' Wan 2.1 T2V denoiser: a face picture's latent tokens beside the video's.

After the released code, WeChatCV/Stand-In (Apache-2.0) at commit cceec58ec1c65a86995176afa6056da59de32918:
``models/wan_video_dit.py`` (``LoRALinearLayer``; ``SelfAttention.forward``; ``DiTBlock.forward``;
``WanModel.forward``: the reference's patches and rotary positions), ``models/set_condition_branch.py`` (the
weights: ``blocks.N.self_attn.{q,k,v}_loras.{down,up}.weight``, rank 128) and ``pipelines/wan_video.py``
(``encode_ip_image``: the picture in [-1, 1] VAE-encoded as one frame; the reference given to the first model
call only, its keys and values kept by every block for the later calls, the unconditional ones included).
kijai's WanVideoWrapper (Apache-2.0) at 8e2b509a of ken2190's fork reads the same file as a LoRA
(``nodes_model_loading.py`` ``patch_stand_in_lora``: the names under ``diffusion_model.``, scaled by the LoRA's
strength) and the reference latent from ``WanVideoAddStandInLatent`` (``freq_offset``, default 1).

What the release does, in diffusers' names:

- the reference latent [B, 16, 1, h, w] goes through the patch embedding (its own tokens, after the video's);
- its tokens are at timestep 0 (their own modulation from the time embedding of 0);
- in every block's self-attention its queries, keys and values gain a low-rank term
  (``to_q(x) + up(down(x))``, before the q/k norms); the video's projections are the model's own;
- its rotary positions: frame -1 (the video's frames are 0 .. F-1), rows H .. H + h - 1 and columns
  W .. W + w - 1 (past the video's H x W grid);
- the video's tokens attend to their own keys and the reference's; the reference's attend to their own alone;
- the reference's tokens have no cross-attention (no text) and then the block's feed-forward (its norm,
  its shift, scale and gate of timestep 0);
- the output is the video's tokens alone.

The reference's tokens never read the video's or the text: their keys and values in each block are the same at
every step and in both guidance calls. Studio computes them in the first model call, block by block as its blocks
run (``Reference``: the release's first call, its ``kv_cache``), and adds them to each block's self-attention by an
attention processor (``standin_applied``), removed after; the rest is diffusers' own forward. The wrapper's ``freq_offset`` moves the reference's frame
position to -offset (1: the release's -1)."""
from __future__ import annotations

import contextlib
import os

from studio.core.errors import StudioError

from ..module_file import found_file
from ..rotary import rotated

FOLDER = "loras"  # the wrapper loads the file as a LoRA (WanVideoLoraSelect)
PREFIXES = ("model.diffusion_model.", "diffusion_model.")
MARK = "blocks.0.self_attn.q_loras.down.weight"
PROJECTIONS = ("q", "k", "v")


class StandInError(StudioError):
    pass


def find_file(name: str, base_dir: str | None, node: str = "Stand-In") -> str:
    """The Stand-In file ``name`` resolves to: an absolute path, beside the graph, or a name in a models folder or
    its ``loras/``; a pickled checkpoint refused (never unpickled)."""
    return found_file(name, base_dir, FOLDER, StandInError, node, "Stand-In file", "standin",
                      "Kijai's Stand-In_wan2.1_T2V_14B_ver1.0.safetensors",
                      " (the release's .ckpt is a pickle, which Studio never loads: give Kijai's .safetensors of it)")


def _key(k: str) -> str:
    for p in PREFIXES:
        if k.startswith(p):
            return k[len(p):]
    return k


def read_file(path: str, dim: int, layers: int, node: str = "Stand-In") -> dict:
    """The file's low-rank weights under the release's names (``blocks.N.self_attn.q_loras.down.weight`` ...),
    checked against a denoiser ``dim`` wide with ``layers`` blocks from its header before any tensor is read;
    a file that is not Stand-In's, or of another size, refused in words."""
    from safetensors import SafetensorError, safe_open
    name = os.path.basename(path)
    try:
        with safe_open(path, "pt") as f:
            keys = {_key(k): k for k in f.keys()}
            if MARK not in keys:
                raise StandInError(f"{node}: '{name}' is not a Stand-In file: it has no "
                                   "blocks.N.self_attn.q_loras / k_loras / v_loras tensors (give Kijai's "
                                   "Stand-In_wan2.1_T2V_14B_ver1.0.safetensors)")
            want = [f"blocks.{i}.self_attn.{p}_loras.{s}.weight" for i in range(layers) for p in PROJECTIONS
                    for s in ("down", "up")]
            missing = [k for k in want if k not in keys]
            if missing:
                raise StandInError(f"{node}: '{name}' lacks {len(missing)} of the {len(want)} tensors a {layers}-block "
                                   f"denoiser needs (first '{missing[0]}'): it is not for this model")
            extra = sorted(k for k in keys if ".self_attn." in k and "_loras." in k and k not in set(want))
            if extra:
                raise StandInError(f"{node}: '{name}' has weights for more blocks than the model's {layers} "
                                   f"(first '{extra[0]}'): it is for a larger model")
            rank = None
            for k in want:
                shape = tuple(f.get_slice(keys[k]).get_shape())
                rank = rank or (shape[0] if k.endswith("down.weight") else shape[1])
                good = (rank, dim) if k.endswith("down.weight") else (dim, rank)
                if shape != good:
                    raise StandInError(f"{node}: '{name}': '{k}' is {list(shape)}, a {dim}-wide model's is "
                                       f"{list(good)}: the file is for another model (Stand-In is for Wan 2.1 "
                                       "T2V 14B, 5120 wide)")
            return {k: f.get_tensor(keys[k]) for k in want}
    except (OSError, ValueError, RuntimeError, SafetensorError) as e:  # a broken header
        if isinstance(e, StudioError):
            raise
        raise StandInError(f"{node}: '{path}' cannot be read as safetensors: {str(e).splitlines()[0]}") from None


def build_module(state: dict, layers: int, strength: float = 1.0):
    """A module of the low-rank pairs (``blocks[i].{q,k,v}_loras.{down,up}``, float32 as the release keeps them)
    holding ``state``; ``strength`` scales their output (the wrapper's LoRA strength; 1: the release)."""
    import torch.nn as nn

    class Pair(nn.Module):
        def __init__(self, down, up):
            super().__init__()
            self.down = nn.Linear(down.shape[1], down.shape[0], bias=False)
            self.up = nn.Linear(up.shape[1], up.shape[0], bias=False)

        def forward(self, x):
            return self.up(self.down(x.float())).to(x.dtype)

    blocks = nn.ModuleList()
    for i in range(layers):
        b = nn.Module()
        for p in PROJECTIONS:
            key = f"blocks.{i}.self_attn.{p}_loras."
            setattr(b, f"{p}_loras", Pair(state[key + "down.weight"], state[key + "up.weight"]))
        blocks.append(b)
    mod = nn.Module()
    mod.blocks = blocks
    mod.load_state_dict({k.replace(".self_attn.", "."): v.float() for k, v in state.items()}, strict=True)
    mod.strength = float(strength)
    return mod.float().eval()


def reference_rotary(rope, grid: tuple[int, int], ref: tuple[int, int, int], offset: int = 1):
    """(cos, sin) [1, f x h x w, 1, head_dim] of the reference's tokens (``ref``: f, h, w patches) beside a video
    of ``grid`` (H, W patches): frame -``offset``, rows H .., columns W .. (the release's positions, read from
    diffusers' own tables: a negative position's cosine is its positive's, its sine negated)."""
    import torch
    (gh, gw), (f, h, w) = grid, ref
    sizes = [rope.t_dim, rope.h_dim, rope.w_dim]
    cos_t, cos_h, cos_w = rope.freqs_cos.split(sizes, dim=1)
    sin_t, sin_h, sin_w = rope.freqs_sin.split(sizes, dim=1)
    if gh + h > cos_h.shape[0] or gw + w > cos_w.shape[0] or offset >= cos_t.shape[0]:
        raise StandInError(f"Stand-In: the video ({gh}x{gw} patches) and the reference ({h}x{w}) exceed the model's "
                           f"rotary table ({cos_h.shape[0]} positions)")

    def grid_of(t, hh, ww):
        return torch.cat([t.view(1, 1, 1, -1).expand(f, h, w, -1), hh.view(1, h, 1, -1).expand(f, h, w, -1),
                          ww.view(1, 1, w, -1).expand(f, h, w, -1)], dim=-1).reshape(1, f * h * w, 1, -1)
    cos = grid_of(cos_t[offset], cos_h[gh:gh + h], cos_w[gw:gw + w])
    sin = grid_of(-sin_t[offset], sin_h[gh:gh + h], sin_w[gw:gw + w])
    return cos, sin


def _attend(q, k, v):
    import torch.nn.functional as F
    return F.scaled_dot_product_attention(q.transpose(1, 2), k.transpose(1, 2), v.transpose(1, 2)).transpose(1, 2)


def reference_start(transformer, latent, device):
    """(tokens [1, N, D], (f, h, w) patches, the modulation of timestep 0 [1, 6, D]) of the reference latent
    [1, C, 1, h, w] (normalised, as the video's): the patch embedding and the time embedding of 0."""
    import torch
    tr = transformer
    pe = tr.patch_embedding.weight
    x = tr.patch_embedding(latent.to(device, pe.dtype if pe.dtype.is_floating_point and pe.element_size() > 1
                                     else tr.dtype))
    grid = tuple(x.shape[2:])
    x = x.flatten(2).transpose(1, 2).contiguous()
    ce = tr.condition_embedder
    t = ce.timesteps_proj(torch.zeros(1, device=device))
    t = t.to(next(iter(ce.time_embedder.parameters())).dtype)
    temb = ce.time_embedder(t).to(x.dtype)
    return x, grid, ce.time_proj(ce.act_fn(temb)).unflatten(1, (6, -1))


def reference_block(block, lora, x, proj, cos, sin, strength: float):
    """(the reference's tokens after ``block``, its keys, its values [1, N, heads, d]): its own self-attention with
    the low-rank terms, no cross-attention, the feed-forward, at the modulation ``proj`` of timestep 0 (the
    release's DiTBlock.forward on ``x_ip``)."""
    shift, scale, gate, c_shift, c_scale, c_gate = (block.scale_shift_table + proj.float()).chunk(6, dim=1)
    a = block.attn1
    n = (block.norm1(x.float()) * (1 + scale) + shift).type_as(x)
    q = a.norm_q(a.to_q(n) + strength * lora.q_loras(n)).unflatten(2, (a.heads, -1))
    k = a.norm_k(a.to_k(n) + strength * lora.k_loras(n)).unflatten(2, (a.heads, -1))
    v = (a.to_v(n) + strength * lora.v_loras(n)).unflatten(2, (a.heads, -1))
    q, k = rotated(q, cos, sin), rotated(k, cos, sin)
    out = a.to_out[1](a.to_out[0](_attend(q, k, v).flatten(2, 3).type_as(q)))
    x = (x.float() + out * gate).type_as(x)
    n = (block.norm3(x.float()) * (1 + c_scale) + c_shift).type_as(x)
    return (x.float() + block.ffn(n).float() * c_gate).type_as(x), k, v


class Reference:
    """The reference's keys and values, block by block, made in the first model call as its blocks run (where
    their weights are: the release's first call) and kept for the later ones (its ``kv_cache``)."""

    def __init__(self, transformer, module, latent, grid: tuple[int, int], offset: int = 1):
        self.tr, self.module, self.latent, self.grid, self.offset = transformer, module, latent, grid, offset
        self.kv: list = [None] * len(transformer.blocks)
        self.x = self.proj = self.rotary = None
        self.made = 0  # blocks whose keys were computed (each once)

    def of(self, i: int, device):
        if self.kv[i] is None:
            if i and self.kv[i - 1] is None:
                raise StandInError(f"Stand-In: block {i} ran before block {i - 1}: the reference is made in order")
            if i == 0:
                self.x, (f, h, w), self.proj = reference_start(self.tr, self.latent, device)
                self.rotary = tuple(r.to(device) for r in reference_rotary(self.tr.rope, self.grid, (f, h, w),
                                                                            self.offset))
            lora = self.module.blocks[i]
            home = next(lora.parameters()).device
            lora.to(device)
            self.x, k, v = reference_block(self.tr.blocks[i], lora, self.x.to(device), self.proj.to(device),
                                           *self.rotary, self.module.strength)
            lora.to(home)
            self.kv[i] = (k.detach(), v.detach())
            self.made += 1
            if i == len(self.kv) - 1:
                self.x = None  # the last block's tokens are not read (the output is the video's)
        return self.kv[i]


class StandInProcessor:
    """A block's self-attention with the reference's keys and values after the video's (the release's
    ``SelfAttention.forward`` on the video's tokens: ``main_out = attn(q_main, [k_main, k_ip], [v_main, v_ip])``);
    otherwise diffusers' WanAttnProcessor's self-attention."""

    _parallel_config = None

    def __init__(self, reference: Reference, index: int, backend=None):
        self.reference, self.index = reference, index
        self._attention_backend = backend  # the kernel set on diffusers' processor (Studio's 'attention')

    def __call__(self, attn, hidden_states, encoder_hidden_states=None, attention_mask=None, rotary_emb=None):
        import torch
        q = attn.norm_q(attn.to_q(hidden_states)).unflatten(2, (attn.heads, -1))
        k = attn.norm_k(attn.to_k(hidden_states)).unflatten(2, (attn.heads, -1))
        v = attn.to_v(hidden_states).unflatten(2, (attn.heads, -1))
        if rotary_emb is not None:
            q, k = rotated(q, *rotary_emb), rotated(k, *rotary_emb)
        rk, rv = self.reference.of(self.index, hidden_states.device)
        b = q.shape[0]
        k = torch.cat([k, rk.to(k).expand(b, -1, -1, -1)], dim=1)
        v = torch.cat([v, rv.to(v).expand(b, -1, -1, -1)], dim=1)
        from diffusers.models.attention_dispatch import dispatch_attention_fn
        out = dispatch_attention_fn(q, k, v, attn_mask=None, dropout_p=0.0, is_causal=False,
                                    backend=self._attention_backend).flatten(2, 3).type_as(q)
        return attn.to_out[1](attn.to_out[0](out))


@contextlib.contextmanager
def standin_applied(transformer, module, latent, grid: tuple[int, int], offset: int = 1):
    """Every block's self-attention given the reference latent's keys and values (:class:`Reference`, made in the
    first call) for the calls inside; ``grid`` the video's (rows, columns) of patches. Yields the Reference;
    diffusers' processors back after."""
    blocks = list(transformer.blocks)
    if len(module.blocks) != len(blocks):
        raise StandInError(f"Stand-In: the file has {len(module.blocks)} blocks, the model {len(blocks)}")
    if any(getattr(b.attn1, "fused_projections", False) for b in blocks):
        raise StandInError("Stand-In: the model's self-attention projections are fused; Stand-In reads them apart")
    ref = Reference(transformer, module, latent, grid, offset)
    before = [b.attn1.processor for b in blocks]
    try:
        for i, b in enumerate(blocks):
            b.attn1.set_processor(StandInProcessor(ref, i, getattr(before[i], "_attention_backend", None)))
        yield ref
    finally:
        for b, p in zip(blocks, before):
            b.attn1.set_processor(p)
