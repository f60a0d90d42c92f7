"""InfiniteTalk's audio modules on diffusers' Wan 2.1 I2V denoiser: a voice drives a face (issue 58).

After the released code, MeiGen-AI/InfiniteTalk (Apache-2.0) at commit 0107cd9:
``wan/modules/multitalk_model.py`` (``AudioProjModel``; ``WanAttentionBlock.forward``: after the text
cross-attention ``x = x + audio_cross_attn(norm_x(x), audio_embedding)``, then the feed-forward;
``WanModel.forward``: the per-latent-frame audio windows), ``wan/modules/attention.py``
(``SingleStreamAttention``: each latent frame's tokens attend to that frame's 32 audio tokens, no
q/k norm) and ``wan/multitalk.py`` (``generate_infinitetalk``: the audio window of 5 video frames
centred on each frame, clamped at the ends; the first latent frame replaced by the start image's
clean latent before every model call and after every step; the unconditional call given the audio
features zeroed). The audio features are wav2vec2's hidden states after its embeddings (12 layers of
768 for the chinese-wav2vec2-base the model was trained on), one a video frame at 25 fps
(``generate_infinitetalk.py``, ``get_embedding``).

The patch file (ComfyUI's ``model_patches/wan2.1_infiniteTalk_*.safetensors``, the release's
``infinitetalk.safetensors``) holds ``audio_proj.*`` (proj1, proj1_vf, proj2, proj3, norm) and, per
block, ``blocks.N.audio_cross_attn.{q_linear,kv_linear,proj}`` and ``blocks.N.norm_x``; the module
names here are the file's, so it loads with ``load_state_dict(strict=True)`` (ComfyUI's
``comfy_extras/nodes_model_patch.py`` tells the file by the same names: read for them, not copied). diffusers'
``WanTransformer3DModel`` has no audio attention: Studio adds it around a call by hooks (the
residual before the text cross-attention taken at ``norm2``, the audio term added to ``attn2``'s
output, which the block then adds to the residual: the reference's two sums), all removed after.

Long takes as the reference makes them: windows of 81 frames, each later one starting 9 frames
before the last ended, those 9 frames' latents held clean at its start and its audio windows from
there (``window_starts``, ``padded_for``). Two speakers as ``SingleStreamMutiAttention`` (attention.py):
each token's share of attention to each speaker's face region in the first frame (the self-attention's
queries and keys, recomputed from its input) sets a 1-D rotary position of its audio query; each
speaker's 32 audio tokens turned to their own position (``wan/utils/multitalk_utils.py``
``get_attn_map_with_target``, ``RotaryPositionalEmbedding1D``)."""
from __future__ import annotations

import os

import numpy as np

from studio.core.errors import StudioError

from ....base.errors import ModelError
from ....base.hooks import module_hook
from ..cross_hooks import after_text_attention
from ..module_file import found_file
from ..rotary import rotated
from .talk_motion import current_sigma, noised

FOLDER = "model_patches"  # ComfyUI's folder of model patches
AUDIO_WINDOW, VAE_SCALE, CONTEXT_TOKENS = 5, 4, 32  # the reference's audio_window, vae_scale, context_tokens
PREFIXES = ("model.diffusion_model.", "diffusion_model.", "model.")
RENAMES = (("multitalk_audio_proj.", "audio_proj."),)  # WanVideoWrapper's name of the projection
HOOK = "studio_infinitetalk"


class TalkError(StudioError):
    pass


def find_patch(name: str, base_dir: str | None, node: str = "InfiniteTalk") -> str:
    """The patch file ``name`` resolves to: an absolute path, beside the graph, or a name in a models
    folder or its ``model_patches/``."""
    return found_file(name, base_dir, FOLDER, TalkError, node, "InfiniteTalk patch", "patch",
                      f"ComfyUI's {FOLDER}/wan2.1_infiniteTalk_single_fp16.safetensors")


def _key(k: str) -> str:
    for p in PREFIXES:
        if k.startswith(p):
            k = k[len(p):]
            break
    for a, b in RENAMES:
        if k.startswith(a):
            k = b + k[len(a):]
    return k


def is_patch(keys) -> bool:
    """The file's tensor names say InfiniteTalk (or MultiTalk): its audio projection and the blocks'
    audio cross-attention."""
    names = {_key(k) for k in keys}
    return "audio_proj.proj1.weight" in names and "blocks.0.audio_cross_attn.q_linear.weight" in names


def read_patch(path: str, node: str = "InfiniteTalk") -> dict:
    """The patch's tensors under the reference's names; a file that is not one refused in words."""
    from safetensors import safe_open
    try:
        with safe_open(path, "pt") as f:
            keys = list(f.keys())
            if not is_patch(keys):
                raise TalkError(f"{node}: '{os.path.basename(path)}' is not an InfiniteTalk patch: it has no "
                                "audio_proj.proj1 and blocks.N.audio_cross_attn tensors (give ComfyUI's "
                                f"{FOLDER}/wan2.1_infiniteTalk_single_fp16.safetensors or the release's "
                                "infinitetalk.safetensors)")
            return {_key(k): f.get_tensor(k) for k in keys if _key(k).startswith("audio_proj.")
                    or ".audio_cross_attn." in k or ".norm_x." in k}
    except (OSError, ValueError, RuntimeError) as e:  # safetensors' own errors on a broken header
        if isinstance(e, StudioError):
            raise
        raise TalkError(f"{node}: '{path}' cannot be read as safetensors: {str(e).splitlines()[0]}") from None


def _modules():
    import torch
    import torch.nn as nn
    import torch.nn.functional as F

    class AudioProj(nn.Module):
        """The reference's AudioProjModel: the first latent frame's window (5 frames) and each later
        latent frame's (8) flattened, projected to 32 tokens of ``out_dim`` each."""

        def __init__(self, per_frame, inter, out_dim, tokens, window, window_vf):
            super().__init__()
            self.tokens, self.out_dim = tokens, out_dim
            self.proj1 = nn.Linear(window * per_frame, inter)
            self.proj1_vf = nn.Linear(window_vf * per_frame, inter)
            self.proj2 = nn.Linear(inter, inter)
            self.proj3 = nn.Linear(inter, tokens * out_dim)
            self.norm = nn.LayerNorm(out_dim)

        def forward(self, first, later):
            """``first`` [B, 1, 5, L, D], ``later`` [B, n, 8, L, D] -> [B, 1 + n, tokens, out_dim]."""
            b = first.shape[0]
            a = torch.relu(self.proj1(first.reshape(b * first.shape[1], -1))).reshape(b, first.shape[1], -1)
            v = torch.relu(self.proj1_vf(later.reshape(b * later.shape[1], -1))).reshape(b, later.shape[1], -1)
            c = torch.cat([a, v], 1)
            n = c.shape[1]
            c = torch.relu(self.proj2(c.reshape(b * n, -1)))
            t = self.proj3(c).reshape(b * n, self.tokens, self.out_dim)
            return self.norm(t.float()).to(t.dtype).reshape(b, n, self.tokens, self.out_dim)

    class AudioCrossAttention(nn.Module):
        """The reference's SingleStreamAttention (qk_norm off, qkv_bias on): latent frame f's tokens
        attend to frame f's audio tokens."""

        def __init__(self, dim, audio_dim, heads):
            super().__init__()
            self.heads = heads
            self.q_linear = nn.Linear(dim, dim)
            self.kv_linear = nn.Linear(audio_dim, dim * 2)
            self.proj = nn.Linear(dim, dim)

        def forward(self, x, audio, frames: int):
            """``x`` [B, frames x S, C], ``audio`` [B x frames, M, audio_dim] -> [B, frames x S, C]."""
            b, n, c = x.shape
            s, h = n // frames, self.heads
            q = self.q_linear(x.reshape(b * frames, s, c)).view(b * frames, s, h, c // h).transpose(1, 2)
            kv = self.kv_linear(audio).view(audio.shape[0], audio.shape[1], 2, h, c // h)
            k, v = kv[:, :, 0].transpose(1, 2), kv[:, :, 1].transpose(1, 2)
            o = F.scaled_dot_product_attention(q, k, v).transpose(1, 2).reshape(b * frames, s, c)
            return self.proj(o).reshape(b, n, c)

    class AudioBlock(nn.Module):
        def __init__(self, dim, audio_dim, heads, eps):
            super().__init__()
            self.eps = eps
            self.audio_cross_attn = AudioCrossAttention(dim, audio_dim, heads)
            self.norm_x = nn.LayerNorm(dim, eps=eps)

        def forward(self, x, audio, frames: int, ref_map=None):
            nx = F.layer_norm(x.float(), self.norm_x.normalized_shape, self.norm_x.weight.float(),
                              self.norm_x.bias.float(), self.eps).to(x.dtype)  # WanLayerNorm: in float
            if ref_map is None:
                return self.audio_cross_attn(nx, audio, frames)
            return two_speakers(self.audio_cross_attn, nx, audio, frames, ref_map)

    class TalkPatch(nn.Module):
        def __init__(self, per_frame, inter, out_dim, dim, heads, layers, eps):
            super().__init__()
            self.audio_proj = AudioProj(per_frame, inter, out_dim, CONTEXT_TOKENS, AUDIO_WINDOW,
                                        AUDIO_WINDOW + VAE_SCALE - 1)
            self.blocks = nn.ModuleList([AudioBlock(dim, out_dim, heads, eps) for _ in range(layers)])
    return TalkPatch


# -- two speakers (SingleStreamMutiAttention; multitalk_utils.py get_attn_map_with_target) -------------
CLASS_RANGE, CLASS_INTERVAL = 24, 4  # the reference's class_range, class_interval
QUERY_CHUNK = 4096  # queries of the reference map at once (its attention to the first frame is S x S_ref x H)


def rope_1d(x, pos):
    """The reference's RotaryPositionalEmbedding1D: ``x`` [..., n, d] turned by positions ``pos`` [n]
    (frequencies repeated per pair, pairs (a, b) -> (-b, a)), in float32, back in x's dtype."""
    import torch
    d = x.shape[-1]
    freqs = 1.0 / (10000 ** (torch.arange(0, d, 2, device=x.device)[:d // 2].float() / d))
    f = (pos.float()[:, None] * freqs[None]).repeat_interleave(2, -1)
    xf = x.float()
    turned = torch.stack((-xf[..., 1::2], xf[..., 0::2]), -1).flatten(-2)
    return (xf * f.cos() + turned * f.sin()).type_as(x)


def ref_attention_map(q, k, masks, frame_tokens: int):
    """[C, S]: for each of the C token masks of the first latent frame ([C, frame_tokens]), how much each
    of the S query tokens attends to that region of the first frame (softmax over the first frame's
    keys, the mask's share over its size, the mean over heads). ``q``, ``k``: [1, S, H, D] after rotary.
    An empty region (faces covering the whole frame: no background) gives zeros where the reference
    divides by zero."""
    import torch
    scale = q.shape[-1] ** -0.5
    ref = k[:, :frame_tokens].transpose(1, 2).float()  # [1, H, r, D]
    m = masks.float()
    parts = []
    for a in range(0, q.shape[1], QUERY_CHUNK):
        att = ((q[:, a:a + QUERY_CHUNK].transpose(1, 2).float() * scale) @ ref.transpose(-1, -2)).softmax(-1)
        parts.append(torch.einsum("bhsr,cr->cbhs", att, m).mean(2)[:, 0] / m.sum(-1, keepdim=True).clamp_min(1))
    return torch.cat(parts, 1).to(q.dtype)


def speaker_positions(ref_map):
    """[S]: each token's 1-D position: speaker 1's map scaled into 0..4, speaker 2's into 20..24, the
    background 12, by which of the three it attends to most (SingleStreamMutiAttention.forward)."""
    import torch
    lo1, hi1 = ref_map[0].min(), ref_map[0].max()
    lo2, hi2 = ref_map[1].min(), ref_map[1].max()
    h1 = (ref_map[0] - lo1) / (hi1 - lo1 + 1e-8) * CLASS_INTERVAL
    h2 = (ref_map[1] - lo2) / (hi2 - lo2 + 1e-8) * CLASS_INTERVAL + (CLASS_RANGE - CLASS_INTERVAL)
    back = torch.full_like(h1, CLASS_RANGE // 2)
    table = torch.stack([h1, h2, back], 1)
    return table[torch.arange(table.shape[0], device=table.device), ref_map.argmax(0)]


def two_speakers(att, x, audio, frames: int, ref_map):
    """SingleStreamMutiAttention with two speakers: the queries turned by their speaker positions, the
    keys of speaker 1's tokens (the first half of ``audio``'s) by 2, speaker 2's by 22."""
    import torch
    import torch.nn.functional as F
    b, n, c = x.shape
    s, h = n // frames, att.heads
    q = att.q_linear(x).view(b, n, h, c // h).transpose(1, 2)  # [B, H, N_t S, d]
    q = rope_1d(q, speaker_positions(ref_map)).reshape(b, h, frames, s, c // h).transpose(1, 2)
    q = q.reshape(b * frames, h, s, c // h)
    kv = att.kv_linear(audio).view(audio.shape[0], audio.shape[1], 2, h, c // h)
    k, v = kv[:, :, 0].transpose(1, 2), kv[:, :, 1].transpose(1, 2)  # [B N_t, H, M, d]
    m = audio.shape[1]
    per = torch.full((m,), (CLASS_RANGE - CLASS_INTERVAL + CLASS_RANGE) / 2, device=x.device)
    per[:m // 2] = CLASS_INTERVAL / 2
    k = rope_1d(k, per)
    o = F.scaled_dot_product_attention(q, k, v).transpose(1, 2).reshape(b * frames, s, c)
    return att.proj(o).reshape(b, n, c)


def token_masks(masks, h: int, w: int, patch: tuple[int, int] = (2, 2), stride: int = 8):
    """[3, tokens] of the first latent frame: the two speakers' regions and the background (where
    neither is), from masks at the take's size [h, w] (resized nearest to the latent grid, then to
    the token grid, as the reference does)."""
    import torch
    import torch.nn.functional as F
    m = torch.stack([torch.as_tensor(np.asarray(a, np.float32)) for a in masks])  # [2, h, w]
    m = torch.cat([m, (m.sum(0, keepdim=True) <= 0).float()])
    lat = F.interpolate(m[None], size=(h // stride, w // stride), mode="nearest") > 0
    tok = F.interpolate(lat.float(), size=(h // stride // patch[0], w // stride // patch[1]), mode="nearest") > 0
    return tok[0].reshape(3, -1).float()


def build_patch(state: dict, dim: int, heads: int, layers: int, eps: float = 1e-6, node: str = "InfiniteTalk",
                path: str = ""):
    """The patch module from its tensors, its sizes read from their shapes and checked against the
    denoiser (``dim`` wide, ``heads`` heads, ``layers`` blocks). Every refusal names the file (``path``)."""
    the = f"the patch '{path}'" if path else "the patch"
    p1, p3, nw = (state.get(k) for k in ("audio_proj.proj1.weight", "audio_proj.proj3.weight", "audio_proj.norm.weight"))
    if p1 is None or p3 is None or nw is None or p1.ndim != 2:
        raise TalkError(f"{node}: {the} lacks audio_proj.proj1 / proj3 / norm: not an InfiniteTalk patch")
    inter, flat = int(p1.shape[0]), int(p1.shape[1])
    out_dim = int(nw.shape[0])
    blocks = len({k.split(".")[1] for k in state if k.startswith("blocks.")})
    q = state.get("blocks.0.audio_cross_attn.q_linear.weight")
    if flat % AUDIO_WINDOW or p3.shape[0] != CONTEXT_TOKENS * out_dim:
        raise TalkError(f"{node}: {the}: its audio projection is {tuple(p1.shape)} -> {tuple(p3.shape)}: not "
                        f"InfiniteTalk's windows of {AUDIO_WINDOW} frames into {CONTEXT_TOKENS} tokens")
    if blocks != layers or q is None or int(q.shape[0]) != dim:
        raise TalkError(f"{node}: {the} is for a denoiser of {blocks} blocks {0 if q is None else q.shape[0]} wide; "
                        f"this model's has {layers} blocks {dim} wide (InfiniteTalk patches Wan 2.1 I2V 14B)")
    mod = _modules()(flat // AUDIO_WINDOW, inter, out_dim, dim, heads, layers, eps)
    try:
        mod.load_state_dict(state, strict=True)
    except RuntimeError as e:
        raise TalkError(f"{node}: {the}: its tensors do not fit InfiniteTalk's modules: "
                        f"{str(e).splitlines()[0][:300]}") from None
    return mod.eval().requires_grad_(False)


# -- the audio conditioning ---------------------------------------------------------------------
def audio_windows(feats, start: int, n: int):
    """[1, n, 5, F]: for video frames start .. start + n - 1, the features of frames t - 2 .. t + 2,
    clamped to the features' ends (generate_infinitetalk's center_indices)."""
    import torch
    idx = torch.arange(start, start + n)[:, None] + (torch.arange(AUDIO_WINDOW) - AUDIO_WINDOW // 2)[None]
    return feats[idx.clamp(0, feats.shape[0] - 1)][None]


def latent_windows(emb):
    """The reference's split of [B, n, 5, ...] frame windows (n = 4k + 1) into the first latent
    frame's [B, 1, 5, ...] and each later latent frame's [B, k, 8, ...]: of its four frames, the
    first's window up to its centre, the middle two's centres, the last's from its centre on."""
    import torch
    b, n, w = emb.shape[:3]
    mid = w // 2
    later = emb[:, 1:].reshape(b, (n - 1) // VAE_SCALE, VAE_SCALE, w, *emb.shape[3:])
    parts = [later[:, :, 0, :mid + 1], later[:, :, 1:-1, mid], later[:, :, -1, mid:]]
    return emb[:, :1], torch.cat(parts, 2)


def audio_tokens(patch, feats, start: int, n: int):
    """[1, (n - 1) / 4 + 1, 32, out_dim]: the audio tokens of each latent frame of the take."""
    first, later = latent_windows(audio_windows(feats, start, n))
    w = patch.audio_proj.proj1.weight
    return patch.audio_proj(first.to(w.device, w.dtype), later.to(w.device, w.dtype))


def window_starts(n: int, window: int, motion: int) -> list[int]:
    """The first video frame of each window of a take of ``n`` frames (generate_infinitetalk's loop):
    each later window starts ``motion`` frames before the last one ends; the last is the first
    that reaches the take's end."""
    starts, step = [0], max(1, window - motion)
    while n > window and starts[-1] + window < n:
        starts.append(starts[-1] + step)
    return starts


def padded_for(feats, end: int):
    """The features with the reference's tail for a last window ending at ``end``: when it reaches
    their end, their last ``end - T + 3`` frames appended reversed."""
    import torch
    if end < feats.shape[0]:
        return feats
    miss = end - feats.shape[0] + 3
    return torch.cat([feats, torch.flip(feats[-miss:], dims=[0])], 0)


class talk_applied:
    """The audio attention in every block of ``pipe.transformer`` for a call, the first latent frames
    held clean (model input and every step): the start image's latent, or ``held`` (a continued
    window's motion frames' latents, [1, C, T_m, h, w]); the unconditional call given silence's
    tokens; all removed however it ends. ``cond`` / ``uncond``: audio_tokens."""

    def __init__(self, pipe, patch, cond, uncond, scale: float = 1.0, held=None, masks=None,
                 guidance: tuple[float, float] | None = None, motion=None, generator=None):
        self.pipe, self.patch, self.scale, self.held = pipe, patch, float(scale), held
        # MultiTalk's window (talk_motion): its condition channels (a later window), False (its first); the
        # generator of the noise its motion latents are given at each step
        self.motion, self.generator = motion, generator
        self.guidance = guidance  # (text, audio) scales apart: _guided; None: the pipeline's own CFG
        self.masks = masks  # two speakers: token_masks (their tokens are cond's 64, the first 32 speaker 1's)
        self.tokens = {"cond": cond, "uncond": uncond}
        self._handles: list = []
        self._stepped: list = []
        self.state: dict = {}

    def _before(self, module, args, kwargs):
        hs = kwargs.get("hidden_states", args[0] if args else None)
        ehs = kwargs.get("encoder_hidden_states")
        c = int(module.config.out_channels)
        if hs.shape[1] != c + 4 + c:
            raise ModelError(f"InfiniteTalk: the denoiser reads {hs.shape[1]} channels, not Wan 2.1 I2V's {2 * c + 4}")
        pt, ph, pw = module.config.patch_size
        frames = hs.shape[2] // pt
        if "cond_ehs" not in self.state:
            self.state["cond_ehs"] = ehs
        which = self.state.get("force") or ("cond" if ehs is self.state["cond_ehs"] else "uncond")
        self.state["which"] = which
        tok = self.tokens[which]
        if tok.shape[1] != frames:
            raise ModelError(f"InfiniteTalk: {tok.shape[1]} latent frames of audio for {frames} of video")
        tok = tok.to(hs.device, hs.dtype)
        two = self.masks is not None and tok.shape[2] == 2 * CONTEXT_TOKENS
        if two and hs.shape[0] != 1:
            raise ModelError("InfiniteTalk: two speakers are made one video a call")
        self.state.update(frames=frames, audio=tok[0].repeat(hs.shape[0], 1, 1),  # [(B N_t), M, D]
                          two=two, frame_tokens=(hs.shape[3] // ph) * (hs.shape[4] // pw))
        if self.motion is not None:
            return self._motion_pinned(hs, c, args, kwargs)
        clean = hs[:, c + 4:2 * c + 4, :1] if self.held is None else \
            self.held.to(hs.device, hs.dtype).expand(hs.shape[0], -1, -1, -1, -1)
        self.state["clean"] = clean
        self._hold_steps()
        pinned = hs.clone()
        pinned[:, :c, :clean.shape[2]] = clean
        if "hidden_states" in kwargs:
            return args, {**kwargs, "hidden_states": pinned}
        return (pinned,) + tuple(args[1:]), kwargs

    def _motion_pinned(self, hs, c: int, args, kwargs):
        """MultiTalk (talk_motion): its first window pins nothing; a later one its condition channels (the mask and
        the motion frames' encode) and its first latent frames the motion latents noised to this step's level."""
        self.state["clean"] = self.held
        self._hold_steps()
        if self.held is None:
            return args, kwargs
        pinned = hs.clone()
        pinned[:, c:] = self.motion.to(hs.device, hs.dtype).expand(hs.shape[0], -1, -1, -1, -1)
        pinned[:, :c, :self.held.shape[2]] = self._motion_latents(current_sigma(self.pipe.scheduler)).to(hs)
        if "hidden_states" in kwargs:
            return args, {**kwargs, "hidden_states": pinned}
        return (pinned,) + tuple(args[1:]), kwargs

    def _motion_latents(self, sigma: float | None):
        """The motion latents at noise level ``sigma`` (clean where None or 0), one draw a level: the calls of a step
        (its guidance's) and the scheduler's write after the step before see the same."""
        import torch
        if not sigma:
            return self.held
        got = self.state.get("noised")
        if got is None or got[0] != sigma:
            held = self.held.float()
            got = (sigma, noised(held, torch.randn(held.shape, generator=self.generator).to(held.device), sigma))
            self.state["noised"] = got
        return got[1]

    def _hold_steps(self):
        """The scheduler of this call (swapped in by the run, maybe) puts the clean latent back after each step
        (MultiTalk's: the motion latents noised to the next step's level, clean after the last)."""
        sch = self.pipe.scheduler
        if any(s is sch for s, _ in self._stepped):
            return
        own, had = sch.step, "step" in vars(sch)

        def step(*a, **k):
            out = own(*a, **k)
            prev = out[0] if isinstance(out, tuple) else out.prev_sample
            clean = self.state.get("clean")
            if clean is not None and self.motion is not None:
                clean = self._motion_latents(current_sigma(sch))
            if clean is not None:
                prev[:, :, :clean.shape[2]] = clean.to(prev.dtype)
            return out
        sch.step = step
        self._stepped.append((sch, had))

    def _guided(self, module, args, kwargs, output):
        """The reference's guidance with text and audio scales apart (multitalk.py, vanilla CFG), given
        through the pipeline's two-call CFG: with text scale t > 1 the unconditional call returns
        u' = (want - t c) / (1 - t), so that u' + t (c - u') = u + t (c - d) + a (d - u) (d: the negative
        prompt with the voice, one more call); with t = 1 the call returns d + a (c - d) (d: the prompt
        with silence)."""
        if self.guidance is None or self.state.get("force"):
            return None
        t, a = self.guidance
        out = output[0] if isinstance(output, tuple) else output.sample
        which = self.state["which"]
        if t > 1 and which == "cond":
            self.state["c"] = out.float()
            return None
        self.state["force"] = "uncond" if which == "cond" else "cond"  # the one more call's voice
        try:
            other = module(*args, **kwargs)
        finally:
            self.state.pop("force", None)
        d = (other[0] if isinstance(other, tuple) else other.sample).float()
        if which == "cond":  # t = 1: d has the prompt and silence
            new = d + a * (out.float() - d)
        else:  # d: the negative prompt with the voice; out: with silence
            c = self.state.pop("c")
            want = out.float() + t * (c - d) + a * (d - out.float())
            new = (want - t * c) / (1 - t)
        new = new.to(out.dtype)
        return (new,) + tuple(output[1:]) if isinstance(output, tuple) else type(output)(sample=new)

    def _ref_map(self, i):
        """Two speakers: the self-attention's queries and keys (after rotary), recomputed from its input,
        give the map of where each token looks in the first frame (get_attn_map_with_target)."""
        def keep(attn, args):
            if not self.state.get("two"):
                return
            x, rotary = args[0], args[3] if len(args) > 3 else None
            q = attn.norm_q(attn.to_q(x)).unflatten(2, (attn.heads, -1))
            k = attn.norm_k(attn.to_k(x)).unflatten(2, (attn.heads, -1))
            if rotary is not None:
                q, k = rotated(q, *rotary), rotated(k, *rotary)
            self.state[("map", i)] = ref_attention_map(q, k, self.masks.to(x.device), self.state["frame_tokens"])
        return keep

    def _audio(self, i: int, x, out):
        """``out`` of block ``i``'s text cross-attention with the patch's audio attention added (``x``:
        the block's residual after that cross-attention)."""
        blk = self.patch.blocks[i]
        away = blk.norm_x.weight.device != out.device  # the denoiser's blocks offloaded: this one visits
        if away:
            blk.to(out.device)
        a = blk(x, self.state["audio"].to(x.device, x.dtype), self.state["frames"],
                self.state.pop(("map", i), None))
        if away:
            blk.to("cpu")
        return out + a * self.scale if self.scale != 1.0 else out + a

    def __enter__(self):
        tr = self.pipe.transformer
        dev = next(tr.parameters()).device
        if dev.type != "cpu":  # resident on the card: the patch too (offloaded: each block visits, hook by hook)
            self.patch.to(dev)
        # Hook: torch's own, not diffusers' registry: once per denoiser call, outside every registry hook on
        # the transformer whatever order they came in (context windows split the call, kept steps skip it)
        self._handles.append(tr.register_forward_pre_hook(self._before, with_kwargs=True))
        if self.guidance is not None:
            # Hook: torch's own, not diffusers' registry: it calls the whole denoiser once more, every
            # registry hook included, so it must sit outside them all (torch's hooks run in __call__)
            self._handles.append(tr.register_forward_hook(self._guided, with_kwargs=True))
        for i, block in enumerate(tr.blocks):
            self._handles.extend(after_text_attention(i, block, self._audio))
            if self.masks is not None:
                self._handles.append(module_hook(block.attn1, "studio_talk_ref_map", before=self._ref_map(i)))
        return self

    def __exit__(self, *exc):
        for h in self._handles:
            h.remove()
        self._handles.clear()
        for sch, had in self._stepped:
            if not had:
                del sch.step
        self._stepped.clear()
        self.state.clear()
        self.patch.to("cpu")
        return False
