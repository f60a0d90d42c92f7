"""A Wan 2.1 control LoRA on diffusers' WanTransformer3DModel: a control clip's VAE latents read beside the noise.

The facts, read (nothing copied) from spacepxl/WanTraining (its inference script and its LoRA converter to ComfyUI's
layout) and kijai's ComfyUI-WanVideoWrapper (Apache-2.0: ``nodes_model_loading.py`` ``patch_control_lora``;
``nodes_sampler.py`` / ``wanvideo/modules/model.py``: ``control_lora_enabled``):

- the file is a LoRA (``lora_A`` / ``lora_B`` pairs, under ``diffusion_model.`` in ComfyUI's layout, Wan's own module
  names: ``blocks.N.self_attn.q`` ...) with one pair on the patch embedding: ``patch_embedding.lora_A.weight``
  [rank, 32, 1, 2, 2] and ``lora_B.weight`` [dim, rank, 1, 1, 1] (ComfyUI's layout adds ``patch_embedding.reshape_weight``,
  the widened weight's shape [dim, 32, 1, 2, 2], and may add ``.alpha`` per pair);
- the patch embedding is widened from 16 to 32 input channels, the new 16 zero, and the LoRA's delta (B @ A) added on
  the whole; the denoiser then reads ``cat([noise latents, control latents])`` on its channels (the control clip VAE-
  encoded as every Wan latent: spacepxl's script blurs a tile control first; the wrapper's example blurs the clip with
  an ImageBlur node before its WanVideoEncode);
- in the wrapper the control steers only while ``start_percent <= step / steps <= end_percent``: inside, the LoRA is
  patched and the widened embedding reads the control; outside, the LoRA is unpatched and the model's own 16-channel
  patch embedding reads the noise alone. Both guidance calls read the control.

Studio adds every pair as its low-rank term after the module's own output (``out + s * B(A(x))``, s = strength x
alpha / rank, alpha the rank where the file gives none), which is the widened, patched model exactly: the zero half of
the widened embedding adds nothing, so the embedding's own output plus ``B(A(cat([x, control])))`` is its output. The
terms are on (and the control read) only at the steps inside start .. end, found from the call's timestep among the
scheduler's. The rest is diffusers' own forward; the hooks are removed after."""
from __future__ import annotations

import contextlib
import os
import re

from studio.core.errors import StudioError

from ..module_file import found_file

FOLDER = "loras"  # the wrapper loads the file as a LoRA (WanVideoLoraSelect)
PREFIXES = ("model.diffusion_model.", "diffusion_model.", "transformer.")
EMBED = "patch_embedding"
HOOK = "studio_wan_control_lora"
# Wan's own module names -> diffusers' (WanTransformer3DModel)
_ATTN = {"q": "to_q", "k": "to_k", "v": "to_v", "o": "to_out.0", "k_img": "add_k_proj", "v_img": "add_v_proj"}
_WHOLE = {"text_embedding.0": "condition_embedder.text_embedder.linear_1",
          "text_embedding.2": "condition_embedder.text_embedder.linear_2",
          "time_embedding.0": "condition_embedder.time_embedder.linear_1",
          "time_embedding.2": "condition_embedder.time_embedder.linear_2",
          "time_projection.1": "condition_embedder.time_proj", "head.head": "proj_out", EMBED: EMBED}
_PAIR = re.compile(r"^(?P<mod>.+)\.(?P<part>lora_A|lora_B|lora_down|lora_up)\.weight$")


class ControlLoraError(StudioError):
    pass


def find_file(name: str, base_dir: str | None, node: str = "Wan Control LoRA") -> str:
    """The control LoRA file ``name`` resolves to: an absolute path, beside the graph, or a name in a models folder or
    its ``loras/`` (a name without its extension, as LoraManager saves it, too); not a .safetensors file refused
    (never unpickled)."""
    return found_file(name, base_dir, FOLDER, ControlLoraError, node, "control LoRA", "control_lora",
                      "spacepxl's wan2.1-1.3b-control-lora-tile-v0.1_comfy.safetensors, or the depth one", bare=True)


def _stripped(k: str) -> str:
    for p in PREFIXES:
        if k.startswith(p):
            return k[len(p):]
    return k


def diffusers_name(mod: str) -> str:
    """A LoRA pair's module in diffusers' names (Wan's own names mapped; diffusers' own kept)."""
    if mod in _WHOLE:
        return _WHOLE[mod]
    m = re.match(r"^blocks\.(\d+)\.(self_attn|cross_attn)\.(\w+)$", mod)
    if m and m.group(3) in _ATTN:
        return f"blocks.{m.group(1)}.{'attn1' if m.group(2) == 'self_attn' else 'attn2'}.{_ATTN[m.group(3)]}"
    m = re.match(r"^blocks\.(\d+)\.ffn\.(0|2)$", mod)
    if m:
        return f"blocks.{m.group(1)}.ffn.{'net.0.proj' if m.group(2) == '0' else 'net.2'}"
    return mod


def read_file(path: str, transformer, node: str = "Wan Control LoRA") -> dict:
    """The file's pairs as {diffusers module name: (A, B, alpha / rank)} (A, B float32), checked against
    ``transformer`` from the header before any tensor is read: a LoRA without the patch embedding's pair (not a
    control LoRA), one for another model's width or channels, or one whose pairs name modules the model has not, is
    refused in words."""
    import torch
    from safetensors import SafetensorError, safe_open
    name = os.path.basename(path)
    cfg = transformer.config
    dim = int(cfg.num_attention_heads) * int(cfg.attention_head_dim)
    wide = 2 * int(cfg.in_channels)
    try:
        with safe_open(path, "pt") as f:
            pairs: dict[str, dict[str, str]] = {}
            alphas: dict[str, str] = {}
            for k in f.keys():
                s = _stripped(k)
                m = _PAIR.match(s)
                if m:
                    part = "A" if m.group("part") in ("lora_A", "lora_down") else "B"
                    pairs.setdefault(m.group("mod"), {})[part] = k
                elif s.endswith(".alpha"):
                    alphas[s[:-len(".alpha")]] = k
                # (ComfyUI's '<module>.reshape_weight' holds the widened weight's shape: the widening is read from
                # the pair's own shapes here; diff / bias keys of other LoRA kinds are refused below by the pairs)
            if EMBED not in pairs:
                raise ControlLoraError(f"{node}: '{name}' has no patch-embedding LoRA weights (patch_embedding.lora_A "
                                       "/ lora_B): it is not a control LoRA (an ordinary LoRA goes on the model "
                                       "through a LoRA node)")
            out = {}
            for mod, ab in sorted(pairs.items(), key=lambda kv: (kv[0] != EMBED, kv[0])):  # the embedding first
                if set(ab) != {"A", "B"}:
                    raise ControlLoraError(f"{node}: '{name}': '{mod}' has lora_{'A' if 'A' in ab else 'B'} without "
                                           f"its lora_{'B' if 'A' in ab else 'A'}")
                target = diffusers_name(mod)
                try:
                    layer = transformer.get_submodule(target)
                except AttributeError:
                    raise ControlLoraError(f"{node}: '{name}': '{mod}' names a module this Wan model has not: the file "
                                           "is for another model") from None
                a, b = (tuple(f.get_slice(ab[x]).get_shape()) for x in ("A", "B"))
                if mod == EMBED:
                    pt, ph, pw = (int(v) for v in cfg.patch_size)
                    good_a, good_b = (a[0], wide, pt, ph, pw), (dim, a[0], 1, 1, 1)
                    if a != good_a or b != good_b:
                        raise ControlLoraError(
                            f"{node}: '{name}': its patch-embedding pair is {list(a)} / {list(b)}; this model's "
                            f"widened embedding needs {list(good_a)} / {list(good_b)} ({wide} channels: the noise's "
                            f"{cfg.in_channels} and the control's, {dim} wide): the file is for another model "
                            "(spacepxl's control LoRAs are Wan 2.1 T2V 1.3B's, 1536 wide)")
                elif not isinstance(getattr(layer, "base_layer", layer), torch.nn.Linear) or len(a) != 2 \
                        or len(b) != 2 or a[1] != layer.in_features or b[0] != layer.out_features or a[0] != b[1]:
                    # (a layer wrapped by peft for the user's ordinary LoRAs keeps its Linear as base_layer)
                    raise ControlLoraError(f"{node}: '{name}': '{mod}' is {list(a)} / {list(b)}, which does not fit "
                                           f"this model's {target}: the file is for another model")
                rank = a[0]
                alpha = float(f.get_tensor(alphas[mod]).flatten()[0]) if mod in alphas else float(rank)
                out[target] = (f.get_tensor(ab["A"]).float(), f.get_tensor(ab["B"]).float(), alpha / rank)
            return out
    except (OSError, ValueError, RuntimeError, SafetensorError) as e:  # a broken header
        if isinstance(e, StudioError):
            raise
        raise ControlLoraError(f"{node}: '{path}' cannot be read as safetensors: {str(e).splitlines()[0]}") from None


def steering(step: int, steps: int, start: float, end: float) -> bool:
    """Whether the control (and the LoRA) is on at ``step`` of ``steps``: the wrapper's start <= step / steps <= end."""
    return start <= step / max(1, steps) <= end


def step_of(scheduler, t) -> tuple[int, int]:
    """(the step, the steps) of timestep ``t`` among the scheduler's (the nearest)."""
    import torch
    ts = getattr(scheduler, "timesteps", None)
    if ts is None or len(ts) == 0:
        return 0, 1
    v = float(torch.as_tensor(t).flatten()[0])
    return int(torch.argmin((ts.float().cpu() - v).abs())), len(ts)


class _State:
    def __init__(self, pairs, control, strength, start, end):
        self.pairs, self.control, self.strength, self.start, self.end = pairs, control, strength, start, end
        self.on = False
        self.steps_on: set[int] = set()
        self.steps_off: set[int] = set()
        self._dev: dict = {}

    def of(self, name, device):
        key = (name, device)
        if key not in self._dev:
            a, b, s = self.pairs[name]
            self._dev[key] = (a.to(device), b.to(device), s)
        return self._dev[key]


def _layer_term(state: _State, name: str, conv_stride=None):
    import torch.nn.functional as F

    def after(module, args, out):
        if not state.on or not args:
            return None
        x = args[0]
        a, b, s = state.of(name, x.device)
        if conv_stride is not None:  # the patch embedding: the noise and the control on the channels
            c = state.control.to(x.device, x.dtype).expand(x.shape[0], -1, -1, -1, -1)
            d = F.conv3d(F.conv3d(torch_cat(x, c).float(), a, stride=conv_stride), b)
        else:
            d = F.linear(F.linear(x.float(), a), b)
        return out + (d * (s * state.strength)).to(out.dtype)
    return after


def torch_cat(x, c):
    import torch
    return torch.cat([x, c], dim=1)


@contextlib.contextmanager
def control_lora_applied(pipe, pairs: dict, control, strength: float = 1.0, start: float = 0.0, end: float = 1.0):
    """The control LoRA ``pairs`` (:func:`read_file`) on ``pipe``'s denoiser, with the control latents ``control``
    [1, 16, F', h, w] read by its patch embedding, at the steps inside ``start`` .. ``end`` (fractions of the steps);
    the model's own forward at the others. Yields the state (``steps_on`` / ``steps_off``: the steps seen each way);
    every hook removed after."""
    from ....base.hooks import denoiser_hooks, module_hook
    tr = pipe.transformer
    if control.shape[1] != int(tr.config.in_channels):
        raise ControlLoraError(f"the control latents have {control.shape[1]} channels, the model's noise "
                               f"{tr.config.in_channels}")
    state = _State(pairs, control, float(strength), float(start), float(end))
    stride = tuple(int(v) for v in tr.config.patch_size)
    hooks = []

    def make(mod):
        from diffusers.hooks import ModelHook

        class _Steps(ModelHook):
            def new_forward(self, module, *args, **kwargs):
                t = kwargs.get("timestep", args[1] if len(args) > 1 else None)
                i, n = step_of(pipe.scheduler, t)
                state.on = steering(i, n, state.start, state.end)
                (state.steps_on if state.on else state.steps_off).add(i)
                try:
                    return self.fn_ref.original_forward(*args, **kwargs)
                finally:
                    state.on = False
        return _Steps()
    try:
        for name in pairs:
            hooks.append(module_hook(tr.get_submodule(name), HOOK,
                                     after=_layer_term(state, name, stride if name == EMBED else None)))
        with denoiser_hooks(pipe, HOOK, make, attrs=("transformer",)):
            yield state
    finally:
        for h in reversed(hooks):
            h.remove()
