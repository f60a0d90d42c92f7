"""LTX-2.5's diffusion video decoder (Lightricks' ``NADiffusionDecoder``; the templates'
``ltx-2.5-video-vae-bf16``) read into diffusers' ``LTX2VideoDiffusionDecoderModel``.

Followed: Lightricks/LTX-2 400fd31, ``ltx_core/model/video_vae/model_configurator.py``
(``_build_diffusion_vae_decoder_sd_ops``: ``vae.decoder.`` / bare ``decoder.`` stripped,
``t_embedder.mlp.0/2`` -> ``t_embedder.timestep_embedder.linear_1/2``, ``coarse_*`` dropped, the fused
``attn.qkv`` split in three, the legacy static gates ``gate_msa`` / ``gate_mlp`` / ``gate_ctx`` folded
into ``attn.proj`` / ``mlp.w_down`` / ``context_proj`` as W <- g*W, b <- g*b, then dropped) and
``diffusion_video_decoder.py`` / ``transformer/*.py`` for the module names; diffusers 0.42.1's
``models/autoencoders/ltx2_diffusion_decoder.py`` (its port, with ``to_q/to_k/to_v``, ``to_out.0``,
``norm_q/norm_k``) and ``pipelines/ltx2/pipeline_ltx2_diffusion_decode.py`` for how it decodes
(denormalised latents in, its own noise drawn from a generator, the configured steps).

The config comes from the shapes (widths, depths, head width, patch, timestep width) and, for what
shapes cannot say (kernels, up-sampling strides, timestep scale, output type, steps), from the file's
``config`` metadata where it has one (what it leaves out at Lightricks' class defaults, as its loader
does), else diffusers' defaults (its port of the LTX-2.5 release, said in the Log). What diffusers' class cannot hold is refused in words before anything is read: a stage-5 width other
than the context's, an MLP other than 4x, a RoPE split other than the default. Its neighbourhood
attention runs windowed, tile by tile (WindowedNeighborhoodAttention), not through diffusers' default
FlexAttention block mask (a mask over every query-key pair: unusable at the release's sizes)."""
from __future__ import annotations

import json

from ...base.errors import ModelError

CLASS = "LTX2VideoDiffusionDecoderModel"
# a diffusion decoder's tensors in Lightricks' names (a convolutional decoder has none of these)
MARKS = ("t_embedder.", ".qkv.", ".context_proj.", ".gate_msa", "diff_blocks.")
_GATES = {".attn.proj.": ".gate_msa", ".mlp.w_down.": ".gate_mlp", ".context_proj.": ".gate_ctx"}
_RENAMES = ((".attn.proj.", ".attn.to_out.0."), (".attn.q_norm.", ".attn.norm_q."), (".attn.k_norm.", ".attn.norm_k."),
            ("t_embedder.mlp.0.", "t_embedder.timestep_embedder.linear_1."),
            ("t_embedder.mlp.2.", "t_embedder.timestep_embedder.linear_2."))


def is_diffusion_decoder(names) -> bool:
    return any(m in k for k in names if "decoder." in k for m in MARKS)


def _bare(name: str) -> str | None:
    for p in ("vae.decoder.", "decoder."):
        if name.startswith(p):
            return name[len(p):]
    return None


def _new_name(bare: str) -> str:
    for a, b in _RENAMES:
        bare = bare.replace(a, b) if a.startswith(".") else (b + bare[len(a):] if bare.startswith(a) else bare)
    return "decoder." + bare


def diffusers_shapes(shapes: dict) -> dict:
    """The decoder's shapes under diffusers' names (the fused QKV as its three parts, gates dropped)."""
    out = {}
    for k, s in shapes.items():
        bare = _bare(k)
        if bare is None or bare.startswith("coarse_") or bare.endswith(tuple(_GATES.values())):
            continue
        if ".attn.qkv." in bare:
            for q in ("to_q", "to_k", "to_v"):
                out[_new_name(bare.replace(".qkv.", f".{q}."))] = (int(s[0]) // 3, *s[1:])
            continue
        out[_new_name(bare)] = tuple(s)
    return out


def _count(shapes: dict, prefix: str) -> int:
    return len({k[len(prefix):].split(".")[0] for k in shapes if k.startswith(prefix)})


# Lightricks' DiffusionVideoDecoder defaults (LTX-2 400fd31 diffusion_video_decoder.py), which its loader
# (model_configurator.py's _build_diffusion_video_decoder) keeps for what a file's config leaves out
LIGHTRICKS_DEFAULTS = {"decoder_stage_kernels": ((3, 7, 7), (3, 7, 7), (3, 5, 5), (3, 5, 5)),
                       "decoder_upsample_strides": ((1, 2, 2), (2, 1, 1), (2, 2, 2), (2, 2, 2)),
                       "decoder_stage5_kernel": (3, 7, 7), "decoder_num_inference_steps": 2,
                       "decoder_timestep_scale_multiplier": 1.0, "decoder_model_output_type": "v"}


def _meta_config(meta: dict | None) -> tuple[dict, dict]:
    """(the file's ``config.vae``, its ``decoder``) as Lightricks' loader reads them; ({}, {}) if none."""
    try:
        cfg = json.loads((meta or {}).get("config") or "{}")
    except ValueError:
        return {}, {}
    vae = cfg.get("vae", cfg) if isinstance(cfg, dict) else {}
    if not isinstance(vae, dict):
        return {}, {}
    dec = vae.get("decoder", vae)
    return vae, dec if isinstance(dec, dict) else {}


def _from_meta(meta: dict | None, cfg: dict, path: str) -> list[str]:
    """Kernels, strides, timestep scale, output type and steps from Lightricks' metadata config: what it
    leaves out at Lightricks' class defaults, as its loader builds it (no config: diffusers' defaults)."""
    vae, dec = _meta_config(meta)
    if not dec:
        return []
    cfg.update(LIGHTRICKS_DEFAULTS)
    got = []
    if "stage_kernels" in dec:
        cfg["decoder_stage_kernels"] = tuple(tuple(k) for k in dec["stage_kernels"])
        got.append("kernels")
    cfg["decoder_stage_kernels"] = tuple(cfg["decoder_stage_kernels"][:len(cfg["decoder_stage_depths"]) - 1])
    if "upsamples" in dec:
        cfg["decoder_upsample_strides"] = tuple(tuple(s) for s, _ in dec["upsamples"])
        got.append("strides")
    kind = vae.get("model_output_type", dec.get("model_output_type"))  # Lightricks reads it beside 'decoder'
    for src, dst, v in (("stage5_kernel", "decoder_stage5_kernel", dec.get("stage5_kernel")),
                        ("timestep_scale_multiplier", "decoder_timestep_scale_multiplier",
                         dec.get("timestep_scale_multiplier")), ("model_output_type", "decoder_model_output_type", kind),
                        ("default_num_inference_steps", "decoder_num_inference_steps",
                         dec.get("default_num_inference_steps"))):
        if v is not None:
            cfg[dst] = tuple(v) if isinstance(v, list) else v
            got.append(src)
    split, head = dec.get("rope_dim_split"), cfg["decoder_head_dim"]
    if split is not None:
        from diffusers.models.autoencoders.ltx2_diffusion_decoder import LTX2VideoVaeRotaryPosEmbed3D
        if tuple(split) != LTX2VideoVaeRotaryPosEmbed3D(head).rope_dim_split:
            raise ModelError(f"'{path}': LTX-2.5's diffusion decoder splits its RoPE {tuple(split)}, which diffusers' "
                             f"{CLASS} cannot hold (it splits head width {head} its own way)")
    return got or ["none of its own (Lightricks' defaults)"]


def config(shapes: dict, path: str, meta: dict | None = None) -> tuple[dict, str]:
    """(diffusers config, where its unshaped parts came from) of the decoder in ``shapes`` (diffusers' names)."""
    def dim(name, i, what):
        if name not in shapes:
            raise ModelError(f"'{path}': LTX-2.5's diffusion decoder lacks {name} ({what})")
        return int(shapes[name][i])
    stages = _count(shapes, "decoder.det_stages.")
    if not stages or _count(shapes, "decoder.upsamples.") != stages:
        raise ModelError(f"'{path}': LTX-2.5's diffusion decoder holds {stages} stages and "
                         f"{_count(shapes, 'decoder.upsamples.')} up-samplers; they go in pairs")
    widths = [dim(f"decoder.det_stages.{i}.0.norm1.weight", 0, f"stage {i}'s width") for i in range(stages)]
    c5 = dim("decoder.conv_in_x_t.weight", 0, "stage 5's width")
    ctx = dim("decoder.diff_blocks.0.context_proj.weight", 1, "the context's width")
    if c5 != ctx:
        raise ModelError(f"'{path}': LTX-2.5's diffusion decoder runs stage 5 {c5} wide on a context {ctx} wide; "
                         f"diffusers' {CLASS} makes them one width, so it cannot hold this file")
    widths.append(c5)
    depths = [_count(shapes, f"decoder.det_stages.{i}.") for i in range(stages)] + \
        [_count(shapes, "decoder.diff_blocks.")]
    pixels = dim("decoder.conv_out.weight", 0, "pixel channels")
    patch = round((pixels / 3) ** 0.5)
    cfg = {"out_channels": 3, "latent_channels": dim("decoder.conv_in.weight", 1, "latent channels"),
           "patch_size": patch, "decoder_head_dim": dim("decoder.det_stages.0.0.attn.norm_q.weight", 0, "head width"),
           "decoder_stage_channels": tuple(widths), "decoder_stage_depths": tuple(depths),
           "decoder_upsample_channel_reductions": tuple(max(1, widths[i] // widths[i + 1]) for i in range(stages)),
           "decoder_t_emb_dim": dim("decoder.t_embedder.timestep_embedder.linear_1.weight", 0, "timestep width")}
    if 3 * patch * patch != pixels:
        raise ModelError(f"'{path}': LTX-2.5's diffusion decoder puts out {pixels} values a patch, not 3 colours "
                         "of a square patch")
    got = _from_meta(meta, cfg, path)
    _check(shapes, cfg, path)
    return cfg, ("the file's config: " + ", ".join(got)) if got else \
        "kernels, strides and steps: diffusers' LTX-2.5 defaults (the file has no config)"


def _check(shapes: dict, cfg: dict, path: str) -> None:
    """Every tensor of the file against the class built from ``cfg`` on the meta device."""
    import inspect

    from accelerate import init_empty_weights
    from diffusers import LTX2VideoDiffusionDecoderModel
    w0 = cfg["decoder_stage_channels"][0]
    up, hidden = shapes.get("decoder.det_stages.0.0.mlp.w_up.weight"), (w0 * 4 + 15) // 16 * 16  # blocks.py's 4x
    if up is not None and int(up[0]) != hidden:
        raise ModelError(f"'{path}': LTX-2.5's diffusion decoder's MLP is {int(up[0])} wide on {w0}; diffusers' "
                         f"{CLASS} makes it {hidden} (4x), so it cannot hold this file")
    strides = cfg.get("decoder_upsample_strides") or inspect.signature(
        LTX2VideoDiffusionDecoderModel.__init__).parameters["decoder_upsample_strides"].default
    if len(strides) != len(cfg["decoder_upsample_channel_reductions"]):
        raise ModelError(f"'{path}': LTX-2.5's diffusion decoder has {len(cfg['decoder_upsample_channel_reductions'])}"
                         f" up-samplers, which diffusers' LTX-2.5 strides ({len(strides)}) do not cover, and the "
                         "file has no config to say its own")
    try:
        with init_empty_weights():
            model = LTX2VideoDiffusionDecoderModel.from_config(cfg)
    except ValueError as e:
        raise ModelError(f"'{path}': LTX-2.5's diffusion decoder: diffusers' {CLASS} refuses its config ({e})") from e
    want = {k: tuple(v.shape) for k, v in model.state_dict().items()}
    bad = [f"{k} {list(shapes[k])} (expected {list(want[k])})" for k in want if k in shapes and tuple(shapes[k]) !=
           want[k] and not k.startswith("latents_")]
    missing = [k for k in want if k not in shapes and not k.startswith("latents_")]
    extra = [k for k in shapes if k not in want]
    if bad or missing or extra:
        raise ModelError(f"'{path}': LTX-2.5's diffusion decoder does not fit diffusers' {CLASS} read from its "
                         f"shapes: {'; '.join((bad + [f'missing {m}' for m in missing] + [f'extra {x}' for x in extra])[:4])}")


def state(tensors: dict) -> dict:
    """Lightricks' decoder tensors (read) under diffusers' names: the QKV split, the gates folded."""
    import torch
    gates = {b: t for k, t in tensors.items() if (b := _bare(k)) is not None and b.endswith(tuple(_GATES.values()))}
    out = {}
    for k, t in tensors.items():
        bare = _bare(k)
        if bare is None:
            if "per_channel_statistics." in k:
                out["latents_mean" if k.endswith("mean-of-means") else "latents_std" if k.endswith("std-of-means")
                    else k] = t
            continue
        if bare.startswith("coarse_") or bare in gates:
            continue
        for leaf, gate in _GATES.items():
            if leaf in bare and (g := gates.get(bare.split(leaf)[0] + gate)) is not None:
                g = g.float()
                t = ((g[:, None] if t.ndim == 2 else g) * t.float()).to(t.dtype)
        if ".attn.qkv." in bare:
            for q, part in zip(("to_q", "to_k", "to_v"), torch.chunk(t, 3, dim=0)):
                out[_new_name(bare.replace(".qkv.", f".{q}."))] = part.contiguous()
            continue
        out[_new_name(bare)] = t
    return {k: v for k, v in out.items() if not k.startswith("per_channel_statistics.")}


def read(path: str, names) -> dict:
    """The decoder's tensors (and the latent statistics) of ``path``, in diffusers' names."""
    from safetensors import safe_open
    with safe_open(path, framework="pt", device="cpu") as f:
        got = {k: f.get_tensor(k) for k in names if _bare(k) is not None or "per_channel_statistics." in k}
    return state(got)


def load(wf, torch_dtype, meta: dict | None = None):
    """(diffusers' LTX2VideoDiffusionDecoderModel with the file's weights, words on its config)."""
    from diffusers import LTX2VideoDiffusionDecoderModel

    from ...files.single_file import lean_load
    shapes = {k: tuple(v.shape) for k, v in wf.tensors.items()}
    cfg, said = config(diffusers_shapes(shapes), wf.path, meta)
    return lean_load(LTX2VideoDiffusionDecoderModel, cfg, wf, torch_dtype, state=read(wf.path, wf.tensors)), said


def _vae_class():
    """diffusers' LTX-2 video VAE with its convolutional decoder left out and LTX-2.5's diffusion decoder
    decoding (built once, on first use: diffusers is imported late)."""
    global _VAE
    if _VAE is not None:
        return _VAE
    from diffusers import AutoencoderKLLTX2Video
    from diffusers.models.autoencoders.vae import DecoderOutput

    class DiffusionDecodedLTX2Video(AutoencoderKLLTX2Video):
        """Encodes as diffusers' AutoencoderKLLTX2Video; decodes (denormalised latents, as the pipeline hands
        them) with ``diffusion_decoder`` as diffusers' LTX2VideoDiffusionDecodePipeline does: its own noise
        drawn from a generator seeded with ``decode_seed`` at each decode (so a render repeats), its
        configured steps. ``temb`` is unused: the config says no timestep conditioning."""

        decode_seed = 0

        @classmethod
        def from_config(cls, config=None, **kwargs):
            model = super().from_config(config, **kwargs)  # the stand-in decoder: built (on meta) and dropped
            model.decoder = None
            model.diffusion_decoder = None
            return model

        def decode(self, z, temb=None, causal=None, return_dict: bool = True):
            import torch
            dd = self.diffusion_decoder
            video = decode_fitted(dd, z.to(dd.dtype), torch.Generator(z.device).manual_seed(self.decode_seed))
            return DecoderOutput(sample=video) if return_dict else (video,)

    _VAE = DiffusionDecodedLTX2Video
    return _VAE


_VAE = None


def fits(cfg, axis: int, n: int) -> bool:
    """Whether a latent ``n`` long on ``axis`` (0 time, 1 height, 2 width) gives every stage of the
    decoder a grid at least its window (diffusers' class raises otherwise)."""
    kernels, strides = cfg["decoder_stage_kernels"], cfg["decoder_upsample_strides"]
    pad = (kernels[0][0] // 2) * 2 if axis == 0 else 0  # the decoder's trailing ghost frames
    n += pad
    for k, s in zip(kernels, strides):
        if n < k[axis]:
            return False
        n = n * s[axis] - (1 if axis == 0 and s[axis] == 2 else 0)  # the causal first frame dropped
    return n - pad * cfg["temporal_compression_ratio"] >= cfg["decoder_stage5_kernel"][axis]


def decode_fitted(dd, z, generator):
    """``dd.decode(z)``, a latent too small for the decoder's windows first edge-padded (its last frame,
    row and column repeated) and the pixels of the padding cropped after, as Lightricks' decoder does
    (LTX-2 400fd31 diffusion_video_decoder.py: latents below ``stage_min_tile_sizes`` edge-padded, the
    pad cropped from the final pixels)."""
    import torch.nn.functional as F
    cfg = dd.config
    size = list(z.shape[2:])
    fit = list(size)
    for axis in range(3):
        while not fits(cfg, axis, fit[axis]):
            fit[axis] += 1
    if fit != size:
        z = F.pad(z, (0, fit[2] - size[2], 0, fit[1] - size[1], 0, fit[0] - size[0]), mode="replicate")
    video = dd.decode(z, generator=generator, return_dict=False)[0]
    ratio_t, ratio_s = cfg["temporal_compression_ratio"], cfg["spatial_compression_ratio"]
    return video[:, :, :(size[0] - 1) * ratio_t + 1, :size[1] * ratio_s, :size[2] * ratio_s]


def encoder_config(shapes: dict, path: str) -> dict:
    """AutoencoderKLLTX2Video's config from the encoder's shapes (diffusers' names), with a one-block
    stand-in for the convolutional decoder the class builds (left out: the diffusion decoder decodes)."""
    from . import part_configs as pc2
    # LTX's encoder puts out the latent's means and one log-variance
    latent = int(shapes["encoder.conv_out.conv.weight"][0]) - 1 if "encoder.conv_out.conv.weight" in shapes else 0
    if not latent:
        raise ModelError(f"'{path}': LTX-2.5's video VAE with the diffusion decoder holds no encoder "
                         "(encoder.conv_out): its pipeline encodes pictures with it")
    stand_in = {"decoder.conv_in.conv.weight": (32, latent, 3, 3, 3),
                "decoder.mid_block.resnets.0.conv1.conv.weight": (32, 32, 3, 3, 3),
                "decoder.up_blocks.0.resnets.0.conv1.conv.weight": (32, 32, 3, 3, 3)}
    _, cfg = pc2.video_vae({**shapes, **stand_in}, path)
    cfg["latent_channels"] = latent
    cfg["timestep_conditioning"] = False
    return cfg


def vae_part(diffusers, wf, path: str):
    """The VAE part of a file with the diffusion decoder: its encoder (renamed by diffusers' converter,
    as the convolutional file's) configured, the decoder's config read and every tensor checked, headers
    only; ``part.diffusion``: (the file, the decoder's config, words on it)."""
    from accelerate import init_empty_weights

    from ...files.headers import safetensors_header
    from ...files.parts import Part
    from ...files.weight_formats import WeightFile
    from . import parts as p2
    enc = WeightFile(wf.path, wf.kind, {k: v for k, v in wf.tensors.items() if _bare(k) is None}, {}, wf.data_start,
                     wf.aside)
    named = p2.vae_file(diffusers, enc, "LTX-2.5 video VAE", "ltx2", path, "").wf if \
        any("encoder." in k for k in enc.tensors) else enc
    shapes = {k: tuple(v.shape) for k, v in named.tensors.items()}
    cfg = encoder_config(shapes, path)
    meta = safetensors_header(path).get("__metadata__") if wf.kind == "safetensors" else None
    dcfg, said = config(diffusers_shapes({k: tuple(v.shape) for k, v in wf.tensors.items()}), path, meta)
    if dcfg["latent_channels"] != cfg["latent_channels"]:
        raise ModelError(f"'{path}': LTX-2.5's diffusion decoder reads latents of {dcfg['latent_channels']} channels, "
                         f"but the file's encoder makes {cfg['latent_channels']}: its file is not one model's")
    with init_empty_weights():
        own = {k: tuple(v.shape) for k, v in _vae_class().from_config(cfg).state_dict().items()}
    bad = [k for k in own if shapes.get(k, own[k]) != own[k] or (k not in shapes and k.startswith("encoder."))]
    if bad:
        raise ModelError(f"'{path}': LTX-2.5's video VAE encoder does not make one AutoencoderKLLTX2Video encoder: "
                         f"'{bad[0]}' is {list(shapes.get(bad[0], ()))} there, its other tensors make it "
                         f"{list(own[bad[0]])}")
    part = Part("vae", named, "LTX-2.5 video VAE, diffusion decoder (diffusers' LTX2VideoDiffusionDecoderModel)",
                "DiffusionDecodedLTX2Video", cfg)
    part.diffusion = (wf, dcfg, said)
    return part


def load_vae(part, torch_dtype):
    """The part checked by vae_part, lean: the encoder, then the diffusion decoder with its tensors
    converted (QKV split, gates folded), its neighbourhood attention windowed (no block mask)."""
    from diffusers import LTX2VideoDiffusionDecoderModel

    from ...files.single_file import lean_load
    wf, dcfg, _ = part.diffusion
    vae = lean_load(_vae_class(), part.cfg, part.wf, torch_dtype)
    vae.diffusion_decoder = windowed(lean_load(LTX2VideoDiffusionDecoderModel, dcfg, wf, torch_dtype,
                                               state=read(wf.path, wf.tensors)))
    return vae


class WindowedNeighborhoodAttention:
    """Diffusers' neighborhood attention for LTX-2.5's diffusion decoder (its window: ``kernel_size``
    positions about each query, shifted inward at the grid's borders, as NATTEN's na3d and diffusers'
    ``_neighborhood_block_mask``) computed tile by tile with no block mask: each tile of queries
    attends, through torch's scaled_dot_product_attention, to the slab of keys its windows cover,
    masked to each query's own window. Diffusers' default (FlexAttention) builds a mask over every
    query-key pair (its own note: 167 GiB at a 69x64x96 stage) and, uncompiled, the full score matrix;
    its NATTEN processor fetches kernels from the Hub. Here memory is bounded by the tile."""

    def __init__(self, tile: tuple[int, int, int] = (4, 16, 16)):
        self.tile = tile

    @staticmethod
    def _axis(q0: int, q1: int, n: int, k: int, device=None):
        """(the key slab [s0, s1), the window matrix (queries q0..q1-1 x slab keys)) along one axis,
        made on ``device`` (the slab's bounds worked out in Python: no device round trip)."""
        import torch
        s0, s1 = min(max(q0 - k // 2, 0), n - k), min(max(q1 - 1 - k // 2, 0), n - k) + k
        starts = (torch.arange(q0, q1, device=device) - k // 2).clamp(0, n - k)
        keys = torch.arange(s0, s1, device=device)
        return s0, s1, (keys[None, :] >= starts[:, None]) & (keys[None, :] < starts[:, None] + k)

    def __call__(self, attn, hidden_states, block_mask=None):
        import torch
        import torch.nn.functional as F
        b, n_t, n_h, n_w, c = hidden_states.shape
        query, key, value = attn.project_qkv(hidden_states)  # (B, T, H, W, heads, head_dim), query scaled
        kt, kh, kw = (min(k, n) for k, n in zip(attn.kernel_size, (n_t, n_h, n_w)))
        out = torch.empty_like(query)
        for t0 in range(0, n_t, self.tile[0]):
            at = self._axis(t0, min(t0 + self.tile[0], n_t), n_t, kt, query.device)
            for h0 in range(0, n_h, self.tile[1]):
                ah = self._axis(h0, min(h0 + self.tile[1], n_h), n_h, kh, query.device)
                for w0 in range(0, n_w, self.tile[2]):
                    aw = self._axis(w0, min(w0 + self.tile[2], n_w), n_w, kw, query.device)
                    t1, h1, w1 = t0 + at[2].shape[0], h0 + ah[2].shape[0], w0 + aw[2].shape[0]
                    mask = (at[2][:, None, None, :, None, None] & ah[2][None, :, None, None, :, None]
                            & aw[2][None, None, :, None, None, :])
                    mask = mask.reshape(mask.shape[0] * mask.shape[1] * mask.shape[2], -1)

                    def flat(x, lo_t, hi_t, lo_h, hi_h, lo_w, hi_w):
                        x = x[:, lo_t:hi_t, lo_h:hi_h, lo_w:hi_w]
                        return x.reshape(b, -1, attn.heads, attn.head_dim).transpose(1, 2)
                    o = F.scaled_dot_product_attention(
                        flat(query, t0, t1, h0, h1, w0, w1), flat(key, at[0], at[1], ah[0], ah[1], aw[0], aw[1]),
                        flat(value, at[0], at[1], ah[0], ah[1], aw[0], aw[1]), attn_mask=mask, scale=1.0)
                    out[:, t0:t1, h0:h1, w0:w1] = o.transpose(1, 2).reshape(b, t1 - t0, h1 - h0, w1 - w0,
                                                                             attn.heads, attn.head_dim)
        return attn.to_out[0](out.reshape(b, n_t, n_h, n_w, c))


def windowed(model, tile: tuple[int, int, int] = (4, 16, 16)):
    """``model`` (an LTX2VideoDiffusionDecoderModel) with every neighborhood attention windowed."""
    from diffusers.models.autoencoders.ltx2_diffusion_decoder import LTX2VideoVaeNeighborhoodAttention
    for m in model.modules():
        if isinstance(m, LTX2VideoVaeNeighborhoodAttention):
            m.processor = WindowedNeighborhoodAttention(tile)
    return model
