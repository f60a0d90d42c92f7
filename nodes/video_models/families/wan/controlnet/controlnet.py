"""TheDenk's Wan ControlNet, written after the release, on diffusers' Wan parts.

The facts, read (nothing copied) from TheDenk/wan2.2-controlnet (Apache-2.0) at c8b3b70d27048882140dc419b7491c4d63e283f6
(``wan_controlnet.py`` ``WanControlnet``; ``wan_transformer.py`` ``CustomWanTransformer3DModel.forward``;
``wan_t2v_controlnet_pipeline.py``: ``prepare_frames`` and the denoising loop), the same as TheDenk/wan2.1-dilated-
controlnet at e08125a5607ca8ed20f0d80a32a764f2bf6b8882, and kijai's ComfyUI-WanVideoWrapper (Apache-2.0;
``controlnet/nodes.py`` WanVideoControlnetLoader / WanVideoControlnet, ``nodes_sampler.py``, ``wanvideo/modules/
model.py``: the same reading):

- the control clip's pixels in [-1, 1], [1, 3, F, H, W] at the take's size, go through a control encoder of three
  Conv3d -> GELU (tanh) -> GroupNorm(2) stages: the first 3 -> 3 d^2 channels, kernel (3, d + 1, d + 1), stride
  (1, d, d), padding (1, d // 2, d // 2) (d, the ``downscale_coef``: 8 for Wan 2.1 / A14B's VAE, 16 for TI2V-5B's);
  the second and third halve the channels each, kernel 3, stride (2, 1, 1), padding 1 (4x fewer frames: the latent
  grid);
- that is concatenated on the channels after the noisy latents (``vae_channels``: 16 or 48) and read by its own
  patch embedding (Conv3d, the patch size), rotary positions, time / text embedding and N of diffusers'
  ``WanTransformerBlock`` (6 or 8; 12 heads of 128 in the released files, ffn 8960); after each block a zero-
  initialised Linear (``controlnet_blocks.i``) to the denoiser's width gives one output per block;
- the denoiser adds output ``i // stride`` x strength after its block ``i`` where ``i % stride == 0`` and
  ``i // stride`` is below the outputs' count (the stride: the wrapper's ``control_stride``, default 3);
- the ControlNet runs once per step, on the step's latents and timestep (per token for TI2V) with the positive
  prompt's embeddings, and its outputs go to both guidance calls; only at the steps with
  ``start <= step / steps < end`` (outside, the denoiser's own forward).

The file's keys are the release's module names (diffusers' Wan layout: ``control_encoder.0.0.weight``,
``blocks.N.attn1.to_q.weight``, ``controlnet_blocks.N.weight`` ...), read as they are; its configuration is read
from the header's shapes (the wrapper reads it the same way: ``out_proj_dim`` from ``controlnet_blocks.0.bias``).

Why not diffusers alone: diffusers (0.42) has no Wan ControlNet class and ``WanTransformer3DModel.forward`` takes no
per-block residuals, so Studio builds the module from diffusers' own Wan parts (``WanRotaryPosEmbed``,
``WanTimeTextImageEmbedding``, ``WanTransformerBlock``) and adds its outputs by hooks after the denoiser's blocks,
removed after the call; the rest is diffusers' own forward."""
from __future__ import annotations

import contextlib
import os
import re

from studio.core.errors import StudioError

from ..module_file import found_file

FOLDER = "controlnet"  # the wrapper's loader lists ComfyUI/models/controlnet
HOOK = "studio_wan_controlnet"
MARK = "control_encoder.0.0.weight"  # the wrapper's own test of a Wan ControlNet file
PREFIXES = ("model.diffusion_model.", "diffusion_model.", "controlnet.")
HEAD_DIM = 128  # the released files' attention head width (12 heads of 128); not in the shapes


class ControlNetError(StudioError):
    pass


def find_file(name: str, base_dir: str | None, node: str = "Wan ControlNet") -> str:
    """The ControlNet file ``name`` resolves to: an absolute path, beside the graph, or in a models folder or its
    ``controlnet/``; not a .safetensors file refused (never unpickled)."""
    return found_file(name, base_dir, FOLDER, ControlNetError, node, "ControlNet file", "controlnet",
                      "TheDenk's wan2.2-ti2v-5b-controlnet-depth-v1 as one .safetensors file")


def _key(k: str) -> str:
    for p in PREFIXES:
        if k.startswith(p):
            return k[len(p):]
    return k


def config_of(shapes: dict, head_dim: int = HEAD_DIM) -> dict:
    """The ControlNet's configuration from its tensors' shapes (name -> shape, the release's names)."""
    enc0 = shapes["control_encoder.0.0.weight"]  # [3 d^2, in, 3, d + 1, d + 1]
    enc2 = shapes["control_encoder.2.0.weight"]
    patch = shapes["patch_embedding.weight"]  # [dim, vae + enc2_out, pt, ph, pw]
    dim = patch[0]
    layers = 1 + max(int(m.group(1)) for k in shapes if (m := re.match(r"^blocks\.(\d+)\.", k)))
    return {"in_channels": enc0[1], "downscale": enc0[3] - 1, "vae_channels": patch[1] - enc2[0],
            "patch_size": tuple(patch[2:]), "dim": dim, "heads": dim // head_dim, "head_dim": head_dim,
            "ffn_dim": shapes["blocks.0.ffn.net.0.proj.weight"][0],
            "text_dim": shapes["condition_embedder.text_embedder.linear_1.weight"][1],
            "freq_dim": shapes["condition_embedder.time_embedder.linear_1.weight"][1],
            "layers": layers, "out_dim": shapes["controlnet_blocks.0.weight"][0],
            "cross_attn_norm": "blocks.0.norm2.weight" in shapes}


def read_file(path: str, transformer, node: str = "Wan ControlNet", head_dim: int = HEAD_DIM) -> tuple[dict, dict]:
    """(config, state) of the ControlNet file at ``path``, checked against the denoiser ``transformer`` from the
    header before any tensor is read: a file that is not a Wan ControlNet, or one for another model (its outputs'
    width, the latents it reads, the text width), refused in words."""
    from safetensors import SafetensorError, safe_open
    name = os.path.basename(path)
    cfg = transformer.config
    width = int(cfg.num_attention_heads) * int(cfg.attention_head_dim)
    try:
        with safe_open(path, "pt") as f:
            keys = {_key(k): k for k in f.keys()}
            if MARK not in keys or "controlnet_blocks.0.weight" not in keys:
                raise ControlNetError(f"{node}: '{name}' is not a Wan ControlNet file: it has no control_encoder / "
                                      "controlnet_blocks tensors (give one of TheDenk's Wan ControlNets, e.g. "
                                      "wan2.2-ti2v-5b-controlnet-depth-v1)")
            shapes = {k: tuple(f.get_slice(v).get_shape()) for k, v in keys.items()}
            need = ("control_encoder.2.0.weight", "patch_embedding.weight", "blocks.0.ffn.net.0.proj.weight",
                    "condition_embedder.text_embedder.linear_1.weight",
                    "condition_embedder.time_embedder.linear_1.weight")
            missing = [k for k in need if k not in shapes]
            if missing:
                raise ControlNetError(f"{node}: '{name}' lacks '{missing[0]}': it is not a whole Wan ControlNet")
            c = config_of(shapes, head_dim)
            if c["out_dim"] != width:
                raise ControlNetError(
                    f"{node}: '{name}' gives outputs {c['out_dim']} wide, this Wan denoiser is {width} wide: the file "
                    "is for another model (3072: Wan 2.2 TI2V-5B; 5120: Wan 2.1 14B / 2.2 A14B; 1536: Wan 2.1 1.3B)")
            if c["vae_channels"] != int(cfg.out_channels):
                raise ControlNetError(f"{node}: '{name}' reads {c['vae_channels']}-channel latents, this model's are "
                                      f"{cfg.out_channels}: the file is for another model")
            if c["text_dim"] != int(cfg.text_dim):
                raise ControlNetError(f"{node}: '{name}' reads {c['text_dim']}-wide text embeddings, this model's "
                                      f"are {cfg.text_dim}: the file is for another model")
            if c["dim"] % head_dim:
                raise ControlNetError(f"{node}: '{name}' is {c['dim']} wide, not a whole number of {head_dim}-wide "
                                      "heads")
            return c, {k: f.get_tensor(v) for k, v in keys.items()}
    except (OSError, ValueError, RuntimeError, SafetensorError) as e:  # a broken header
        if isinstance(e, StudioError):
            raise
        raise ControlNetError(f"{node}: '{path}' cannot be read as safetensors: {str(e).splitlines()[0]}") from None


def build(config: dict, state: dict | None = None):
    """The ControlNet module of ``config`` (:func:`config_of`), holding ``state`` where given (strictly: every tensor
    the module has, none more)."""
    import torch
    import torch.nn as nn
    from diffusers.models.transformers.transformer_wan import (WanRotaryPosEmbed, WanTimeTextImageEmbedding,
                                                               WanTransformerBlock)

    c = config
    d, cin = int(c["downscale"]), int(c["in_channels"])
    chans = [cin * d * d, cin * d * d // 2, cin * d * d // 4]

    def stage(a, b, kernel, stride, pad):
        return nn.Sequential(nn.Conv3d(a, b, kernel_size=kernel, stride=stride, padding=pad),
                             nn.GELU(approximate="tanh"), nn.GroupNorm(2, b))

    class WanControlNet(nn.Module):
        def __init__(self):
            super().__init__()
            self.control_encoder = nn.ModuleList([
                stage(cin, chans[0], (3, d + 1, d + 1), (1, d, d), (1, d // 2, d // 2)),
                stage(chans[0], chans[1], 3, (2, 1, 1), 1),
                stage(chans[1], chans[2], 3, (2, 1, 1), 1)])
            dim = int(c["dim"])
            self.rope = WanRotaryPosEmbed(int(c["head_dim"]), tuple(c["patch_size"]), 1024)
            self.patch_embedding = nn.Conv3d(int(c["vae_channels"]) + chans[2], dim, kernel_size=c["patch_size"],
                                             stride=c["patch_size"])
            self.condition_embedder = WanTimeTextImageEmbedding(dim=dim, time_freq_dim=int(c["freq_dim"]),
                                                                time_proj_dim=dim * 6,
                                                                text_embed_dim=int(c["text_dim"]))
            self.blocks = nn.ModuleList([WanTransformerBlock(dim, int(c["ffn_dim"]), int(c["heads"]),
                                                             "rms_norm_across_heads", bool(c["cross_attn_norm"]),
                                                             1e-6, None) for _ in range(int(c["layers"]))])
            self.controlnet_blocks = nn.ModuleList([nn.Linear(dim, int(c["out_dim"]))
                                                    for _ in range(int(c["layers"]))])

        def forward(self, hidden_states, timestep, encoder_hidden_states, control):
            """One output per block ([B, tokens, out_dim]) for the latents ``hidden_states`` at ``timestep``
            ([B] or [B, tokens]) and the control pixels ``control`` ([B, 3, F, H, W] in [-1, 1])."""
            rotary = self.rope(hidden_states)
            for enc in self.control_encoder:
                control = enc(control)
            x = self.patch_embedding(torch.cat([hidden_states, control], dim=1)).flatten(2).transpose(1, 2)
            seq = None
            if timestep.ndim == 2:  # per token (Wan 2.2 TI2V)
                seq, timestep = timestep.shape[1], timestep.flatten()
            _temb, proj, text, _img = self.condition_embedder(timestep, encoder_hidden_states, None,
                                                              timestep_seq_len=seq)
            proj = proj.unflatten(2, (6, -1)) if seq is not None else proj.unflatten(1, (6, -1))
            outs = []
            for block, out in zip(self.blocks, self.controlnet_blocks):
                x = block(x, text, proj, rotary)
                outs.append(out(x))
            return outs

    net = WanControlNet()
    if state is not None:
        net.load_state_dict(state, strict=True)
    return net.eval()


def steering(step: int, steps: int, start: float, end: float) -> bool:
    """Whether the ControlNet steers at ``step`` of ``steps``: the release's and the wrapper's
    ``start <= step / steps < end``."""
    return start <= step / max(1, steps) < end


def step_of(scheduler, t) -> tuple[int, int]:
    """(the step, the steps) of the call's timestep ``t`` among the scheduler's (the nearest; a per-token timestep
    read by its largest value, as TI2V's start frame is at 0)."""
    import torch
    ts = getattr(scheduler, "timesteps", None)
    if ts is None or len(ts) == 0:
        return 0, 1
    v = float(torch.as_tensor(t).float().max())
    return int(torch.argmin((ts.float().cpu() - v).abs())), len(ts)


class State:
    """What one application saw: the steps steered and not, the ControlNet's runs; ``current``: the outputs added
    in the call under way (None outside start .. end)."""

    def __init__(self, net, control, strength, stride, start, end):
        self.net, self.control = net, control
        self.strength, self.stride, self.start, self.end = float(strength), int(stride), float(start), float(end)
        self.steps_on: set[int] = set()
        self.steps_off: set[int] = set()
        self.runs = 0
        self.current = None
        self._step = None
        self._outs = None

    def outputs_for(self, step: int, hidden_states, timestep, text):
        """The ControlNet's outputs at ``step``: run once per step, on its first call (the pipeline's conditional
        one: the positive prompt's embeddings, as the release), kept for the step's other calls."""
        import torch
        if self._step != step or self._outs is None:
            p = next(self.net.parameters())
            if (p.device, p.dtype) != (hidden_states.device, hidden_states.dtype):  # (kept on the CPU until used; in
                self.net.to(hidden_states.device, hidden_states.dtype)  # the denoiser's compute dtype, as the release)
                p = next(self.net.parameters())
            with torch.no_grad():
                outs = self.net(hidden_states.to(p.device, p.dtype), timestep.to(p.device),
                                text.to(p.device, p.dtype),
                                self.control.to(p.device, p.dtype).expand(hidden_states.shape[0], -1, -1, -1, -1))
            self._step, self._outs, self.runs = step, outs, self.runs + 1
        return self._outs


def _after_block(state: State, i: int):
    def after(module, args, out):
        outs = state.current
        if outs is None or state.strength == 0.0 or i % state.stride or i // state.stride >= len(outs):
            return None
        return out + outs[i // state.stride].to(out.device, out.dtype) * state.strength
    return after


@contextlib.contextmanager
def controlnet_applied(pipe, net, control, strength: float = 1.0, stride: int = 3, start: float = 0.0,
                       end: float = 1.0):
    """``net`` (:func:`build`) steering ``pipe``'s denoisers (the transformer and a second expert) with the control
    pixels ``control`` ([1, 3, F, H, W] in [-1, 1]): at the steps inside ``start`` .. ``end`` its outputs x
    ``strength`` added after every ``stride``-th block; the denoiser's own forward at the others. Yields the
    :class:`State`; every hook removed after."""
    from diffusers.hooks import ModelHook

    from ....base.hooks import DENOISERS, denoiser_hooks, hidden_states_of, module_hook
    if int(stride) < 1:
        raise ControlNetError(f"the stride is {stride}: it must be 1 or more")
    state = State(net, control, strength, stride, start, end)
    hooks = []

    def make(mod):
        class _Steps(ModelHook):
            def new_forward(self, module, *args, **kwargs):
                import torch
                t = kwargs.get("timestep", args[1] if len(args) > 1 else None)
                i, n = step_of(pipe.scheduler, t)
                on = steering(i, n, state.start, state.end)
                (state.steps_on if on else state.steps_off).add(i)
                if on:
                    text = kwargs.get("encoder_hidden_states", args[2] if len(args) > 2 else None)
                    state.current = state.outputs_for(i, hidden_states_of(args, kwargs),
                                                      torch.as_tensor(t), text)
                try:
                    return self.fn_ref.original_forward(*args, **kwargs)
                finally:
                    state.current = None
        return _Steps()
    try:
        for attr in DENOISERS:
            tr = getattr(pipe, attr, None)
            if tr is None:
                continue
            for i, block in enumerate(tr.blocks):
                if i % int(stride) == 0:
                    hooks.append(module_hook(block, HOOK, after=_after_block(state, i)))
        with denoiser_hooks(pipe, HOOK, make):
            yield state
    finally:
        for h in reversed(hooks):
            h.remove()


def control_pixels(frames):
    """[F, H, W, 3] frames in [0, 1] as the ControlNet's input [1, 3, F, H, W] in [-1, 1] (the wrapper's
    ``control_images * 2 - 1``; the release's ``/ 127.5 - 1``)."""
    import numpy as np
    import torch
    x = torch.as_tensor(np.ascontiguousarray(frames), dtype=torch.float32)
    return x.permute(3, 0, 1, 2)[None] * 2 - 1
