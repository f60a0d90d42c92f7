"""FantasyTalking's audio attention on diffusers' Wan 2.1 I2V denoiser: a voice drives a face (issue 112).

After the released code, Fantasy-AMAP/fantasy-talking (Apache-2.0) at commit 8c2d0c9: ``model.py``
(``AudioProjModel``: wav2vec2's last hidden state, 768 a frame at its own 50 a second, through one
linear without bias to 2048 and a LayerNorm; ``WanCrossAttentionProcessor``: in every block's image
cross-attention the text query, after its q norm, also attends to its latent frame's audio tokens
through the processor's own ``k_proj`` / ``v_proj`` (no bias, no norm), that output scaled by
``audio_scale`` and added before the cross-attention's output projection:
``o(x_text + x_image + audio_scale x_audio)``; ``split_audio_sequence`` and
``split_tensor_with_padding``: each latent frame's slice of the projected sequence, centred on its
four video frames and widened by 4 on each side, zero-padded at its end, the padding masked out by
``audio_context_lens``) and ``diffsynth/pipelines/wan_video.py`` (``WanVideoPipeline.__call__``: with
an audio guidance scale, three calls a step: the prompt with the voice, the prompt with
``audio_scale`` 0, and the negative prompt with ``audio_scale`` 0,
``u + cfg (c_silent - u) + audio_cfg (c - c_silent)``; without one, two calls, both with the voice).

The release's weights: ``fantasytalking_model.ckpt`` (a pickle: Studio never unpickles) or its
safetensors form with ``proj_model.{proj.weight,norm.weight,norm.bias}`` and
``audio_processor.blocks.N.cross_attn.processor.{k,v}_proj.weight`` (``load_audio_processor``);
kijai's converted ``fantasytalking_fp16.safetensors`` (the WanVideoWrapper's FantasyTalking Model
Loader) holds the same under ``proj_model.*`` and ``blocks.N.cross_attn.{k,v}_proj.weight`` (read
for the names only). Both read here.

diffusers' ``WanTransformer3DModel`` has no audio in its cross-attention and its attention processor
does not hand out the query: Studio adds the audio term by a hook after each block's ``attn2`` (the
query recomputed from the same input through ``to_q`` and ``norm_q``, the audio attention's output
through ``to_out`` less its bias, which the linear output projection makes the same sum as the
reference's), all removed after the call."""
from __future__ import annotations

import os

from studio.core.errors import StudioError

from ....base.errors import ModelError
from ....base.hooks import module_hook
from ..module_file import found_file

FOLDER = "diffusion_models"  # where the wrapper's FantasyTalking Model Loader lists the file
EXPAND = 4  # the release's expand_length: tokens added on each side of a latent frame's slice
VAE_SCALE = 4
HOOK = "studio_fantasytalking"
EXAMPLE = f"{FOLDER}/fantasytalking_fp16.safetensors"


class FantasyError(StudioError):
    pass


def find_weights(name: str, base_dir: str | None, node: str = "FantasyTalking") -> str:
    """The FantasyTalking file ``name`` resolves to: absolute, beside the graph, or in a models folder or its
    ``diffusion_models/``."""
    return found_file(name, base_dir, FOLDER, FantasyError, node, "FantasyTalking file", "weights", EXAMPLE)


def _key(k: str) -> str:
    """A tensor's name as kijai's file has it: the release's ``audio_processor.`` prefix and ``.processor``
    dropped (ComfyUI-style model prefixes too)."""
    for p in ("model.diffusion_model.", "diffusion_model.", "audio_processor."):
        if k.startswith(p):
            k = k[len(p):]
    return k.replace(".cross_attn.processor.", ".cross_attn.")


def is_fantasytalking(keys) -> bool:
    names = {_key(k) for k in keys}
    return "proj_model.proj.weight" in names and "blocks.0.cross_attn.k_proj.weight" in names


def read_weights(path: str, node: str = "FantasyTalking") -> dict:
    """The file's tensors under kijai's names; a file that is not FantasyTalking's refused in words."""
    if path.lower().endswith((".ckpt", ".pt", ".pth", ".bin")):
        raise FantasyError(f"{node}: '{os.path.basename(path)}' is a pickle (the release's .ckpt): Studio never "
                           f"unpickles; give the safetensors form ({EXAMPLE})")
    from safetensors import safe_open
    try:
        with safe_open(path, "pt") as f:
            keys = list(f.keys())
            if not is_fantasytalking(keys):
                raise FantasyError(f"{node}: '{os.path.basename(path)}' is not a FantasyTalking file: it has no "
                                   f"proj_model.proj and blocks.N.cross_attn.k_proj tensors (give {EXAMPLE})")
            return {_key(k): f.get_tensor(k) for k in keys if _key(k).startswith("proj_model.")
                    or _key(k).endswith((".cross_attn.k_proj.weight", ".cross_attn.v_proj.weight"))}
    except (OSError, ValueError, RuntimeError) as e:  # safetensors' own errors on a broken header
        if isinstance(e, StudioError):
            raise
        raise FantasyError(f"{node}: '{path}' cannot be read as safetensors: {str(e).splitlines()[0]}") from None


def _modules():
    import torch.nn as nn

    class AudioProj(nn.Module):
        """The release's AudioProjModel: features -> LayerNorm(Linear(features)) ([B, L, proj_dim])."""

        def __init__(self, in_dim, dim):
            super().__init__()
            self.proj = nn.Linear(in_dim, dim, bias=False)
            self.norm = nn.LayerNorm(dim)

        def forward(self, x):
            return self.norm(self.proj(x))

    class AudioKV(nn.Module):
        def __init__(self, ctx_dim, dim):
            super().__init__()
            self.k_proj = nn.Linear(ctx_dim, dim, bias=False)
            self.v_proj = nn.Linear(ctx_dim, dim, bias=False)

    class Block(nn.Module):
        def __init__(self, ctx_dim, dim):
            super().__init__()
            self.cross_attn = AudioKV(ctx_dim, dim)

    class FantasyTalking(nn.Module):
        def __init__(self, in_dim, ctx_dim, dim, layers):
            super().__init__()
            self.proj_model = AudioProj(in_dim, ctx_dim)
            self.blocks = nn.ModuleList([Block(ctx_dim, dim) for _ in range(layers)])
    return FantasyTalking


def build_weights(state: dict, dim: int, layers: int, node: str = "FantasyTalking", path: str = ""):
    """The module from the file's tensors, its sizes read from their shapes and checked against the denoiser
    (``dim`` wide, ``layers`` blocks). Every refusal names the node and the file."""
    the = f"the FantasyTalking file '{path}'" if path else "the FantasyTalking file"
    p = state.get("proj_model.proj.weight")
    nw = state.get("proj_model.norm.weight")
    k0 = state.get("blocks.0.cross_attn.k_proj.weight")
    if p is None or nw is None or k0 is None or p.ndim != 2 or k0.ndim != 2:
        raise FantasyError(f"{node}: {the} lacks proj_model.proj / norm or blocks.0.cross_attn.k_proj")
    blocks = len({k.split(".")[1] for k in state if k.startswith("blocks.")})
    if blocks != layers or int(k0.shape[0]) != dim:
        raise FantasyError(f"{node}: {the} is for a denoiser of {blocks} blocks {int(k0.shape[0])} wide; this "
                           f"model's has {layers} blocks {dim} wide (FantasyTalking is for Wan 2.1 I2V 14B)")
    mod = _modules()(int(p.shape[1]), int(p.shape[0]), dim, layers)
    try:
        mod.load_state_dict(state, strict=True)
    except RuntimeError as e:
        raise FantasyError(f"{node}: {the}: its tensors do not fit FantasyTalking's modules: "
                           f"{str(e).splitlines()[0][:300]}") from None
    return mod.eval().requires_grad_(False)


# -- the audio conditioning (model.py split_audio_sequence, split_tensor_with_padding) -----------------
def latent_ranges(length: int, frames: int) -> list[tuple[int, int]]:
    """Each latent frame's [start, end] (both included) in a sequence of ``length`` audio features for a take of
    ``frames`` video frames (4k + 1): centred on its four frames, half a latent frame's features each side, the
    first latent frame's ending where the second's starts; then widened by EXPAND each side."""
    per = length / frames
    half = int(per * VAE_SCALE / 2)
    centres = [0] + [int((per * ((i - 1) * VAE_SCALE + 1) + per * (i * VAE_SCALE + 1)) / 2) - 1
                     for i in range(1, (frames - 1) // VAE_SCALE + 1)]
    ranges = [[c - half, c + half] for c in centres]
    ranges[0] = [ranges[1][0] - 2 * half, ranges[1][0]]
    return [(a - EXPAND, b + EXPAND) for a, b in ranges]


def sliced(seq, ranges):
    """([B, F, M, C] the slices, each zero-padded at its end to M = its span; [F] the real lengths)."""
    import torch
    n = seq.shape[1]
    parts, lens = [], []
    for a, b in ranges:
        lo, hi = max(a, 0), min(b, n - 1)
        got = seq[:, lo:hi + 1] if lo <= hi else seq[:, :0]
        parts.append(torch.cat([got, seq.new_zeros(seq.shape[0], b - a + 1 - got.shape[1], seq.shape[2])], 1))
        lens.append(int(got.shape[1]))
    return torch.stack(parts, 1), torch.tensor(lens)


def audio_tokens(weights, feats, frames: int):
    """(tokens [1, F, M, ctx], lengths [F]) for a take of ``frames`` from ``feats`` [L, in_dim] (the voice over
    the take's seconds)."""
    w = weights.proj_model.proj.weight
    proj = weights.proj_model(feats[None].to(w.device, w.dtype))
    return sliced(proj, latent_ranges(int(feats.shape[0]), frames))


def audio_attention(attn, kv, x, tokens, lens, frames: int):
    """The release's audio term before the output projection: ``x`` [B, frames x S, C] (attn2's input),
    ``tokens`` [F, M, ctx] -> [B, frames x S, C]; each latent frame's query tokens attend to its own audio
    tokens, the padding masked out."""
    import torch
    import torch.nn.functional as F
    b, n, c = x.shape
    h = attn.heads
    s = n // frames
    q = attn.norm_q(attn.to_q(x)).view(b * frames, s, h, c // h).transpose(1, 2)
    tok = tokens.to(x.device, x.dtype)
    k = kv.k_proj(tok).view(frames, -1, h, c // h).transpose(1, 2).repeat(b, 1, 1, 1)
    v = kv.v_proj(tok).view(frames, -1, h, c // h).transpose(1, 2).repeat(b, 1, 1, 1)
    keep = (torch.arange(tok.shape[1], device=x.device)[None] < lens.to(x.device)[:, None]).repeat(b, 1)
    o = F.scaled_dot_product_attention(q, k, v, attn_mask=keep[:, None, None, :])
    o = torch.where(keep.any(-1)[:, None, None, None], o, torch.zeros_like(o))  # a frame with no audio: nothing
    return o.transpose(1, 2).reshape(b, n, c)


class fantasy_applied:
    """The audio attention in every block of ``pipe.transformer`` for a call, removed however it ends.
    ``tokens``, ``lens``: audio_tokens'. ``audio_guidance`` None: both calls hear the voice (the release
    without an audio cfg); a scale a: the unconditional call silent, and where a differs from the pipeline's
    guidance t, one more call a step (the prompt in silence) so that the step's prediction is the release's
    ``u + t (c_silent - u) + a (c - c_silent)`` through the pipeline's ``u' + t (c - u')``."""

    def __init__(self, pipe, weights, tokens, lens, scale: float = 1.0, audio_guidance: float | None = None,
                 guidance: float = 1.0):
        self.pipe, self.weights, self.tokens, self.lens = pipe, weights, tokens, lens
        self.scale, self.a, self.t = float(scale), audio_guidance, float(guidance)
        self._handles: list = []
        self.state: dict = {}

    def _before(self, module, args, kwargs):
        hs = kwargs.get("hidden_states", args[0] if args else None)
        ehs = kwargs.get("encoder_hidden_states")
        c = int(module.config.out_channels)
        if hs.shape[1] != 2 * c + 4:
            raise ModelError(f"FantasyTalking: the denoiser reads {hs.shape[1]} channels, not Wan 2.1 I2V's {2 * c + 4}")
        frames = hs.shape[2] // module.config.patch_size[0]
        if self.tokens.shape[1] != frames:
            raise ModelError(f"FantasyTalking: {self.tokens.shape[1]} latent frames of audio for {frames} of video")
        if "cond_ehs" not in self.state:
            self.state["cond_ehs"] = ehs
        which = self.state.get("force") or ("cond" if ehs is self.state["cond_ehs"] else "uncond")
        self.state.update(which=which, frames=frames)
        return None

    def _heard(self) -> bool:
        if self.state.get("silent"):
            return False
        return self.a is None or self.state["which"] == "cond"

    def _audio(self, i: int):
        def after(attn, args, out):
            if not self._heard() or not self.scale:
                return None
            kv = self.weights.blocks[i].cross_attn
            away = kv.k_proj.weight.device != out.device
            if away:
                kv.to(out.device)
            x = args[0]
            o = audio_attention(attn, kv, x, self.tokens[0], self.lens, self.state["frames"])
            if away:
                kv.to("cpu")
            proj = attn.to_out[0]  # the module called (its LoRA and casting hooks kept), its bias taken back off
            y = proj(o.to(out.dtype))
            return out + self.scale * (y - proj.bias.to(y.dtype) if proj.bias is not None else y)
        return after

    def _again(self, module, args, kwargs, silent: bool):
        self.state["silent"] = silent
        self.state["force"] = "cond"
        try:
            got = module(*args, **kwargs)
        finally:
            self.state.pop("silent", None)
            self.state.pop("force", None)
        return (got[0] if isinstance(got, tuple) else got.sample).float()

    def _guided(self, module, args, kwargs, output):
        """The release's three-term guidance through the pipeline's two calls (as talk_applied._guided)."""
        if self.a is None or self.state.get("force"):
            return None
        out = output[0] if isinstance(output, tuple) else output.sample
        t, a, which = self.t, float(self.a), self.state["which"]
        if t > 1 and abs(a - t) < 1e-9:  # u + t (c - u) with u silent: the pipeline's own
            return None
        if which == "cond":
            c0 = self._again(module, args, kwargs, silent=True)
            if t <= 1:  # no unconditional call: c_silent + a (c - c_silent)
                new = c0 + a * (out.float() - c0)
            else:
                self.state["c"], self.state["c0"] = out.float(), c0
                return None
        else:
            c, c0 = self.state.pop("c"), self.state.pop("c0")
            u = out.float()
            want = u + t * (c0 - u) + a * (c - c0)
            new = (want - t * c) / (1 - t)
        new = new.to(out.dtype)
        return (new,) + tuple(output[1:]) if isinstance(output, tuple) else type(output)(sample=new)

    def __enter__(self):
        tr = self.pipe.transformer
        if len(tr.blocks) != len(self.weights.blocks):
            raise ModelError(f"FantasyTalking: {len(self.weights.blocks)} blocks of audio attention for "
                             f"{len(tr.blocks)} denoiser blocks")
        dev = next(tr.parameters()).device
        if dev.type != "cpu":
            self.weights.to(dev)
        # Hook: torch's own, not diffusers' registry: once per denoiser call, outside every registry hook
        self._handles.append(tr.register_forward_pre_hook(self._before, with_kwargs=True))
        if self.a is not None:
            # Hook: torch's own, not diffusers' registry: it calls the whole denoiser once more, so it sits
            # outside every registry hook
            self._handles.append(tr.register_forward_hook(self._guided, with_kwargs=True))
        for i, block in enumerate(tr.blocks):
            self._handles.append(module_hook(block.attn2, HOOK, after=self._audio(i)))
        return self

    def __exit__(self, *exc):
        for h in self._handles:
            h.remove()
        self._handles.clear()
        self.state.clear()
        self.weights.to("cpu")
        return False
