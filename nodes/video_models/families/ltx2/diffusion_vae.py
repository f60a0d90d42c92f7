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
``config`` metadata where it has one, else diffusers' defaults (its port of the LTX-2.5 release).
What diffusers' class cannot hold is refused in words before anything is read: a stage-5 width other
than the context's, an MLP other than 4x, a RoPE split other than the default."""
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


def _meta_config(meta: dict | None) -> dict:
    try:
        cfg = json.loads((meta or {}).get("config") or "{}")
    except ValueError:
        return {}
    vae = cfg.get("vae", cfg) if isinstance(cfg, dict) else {}
    return vae.get("decoder", vae) if isinstance(vae, dict) else {}


def _from_meta(dec: dict, cfg: dict, path: str) -> list[str]:
    """Kernels, strides, timestep scale, output type and steps from Lightricks' metadata config."""
    got = []
    if "stage_kernels" in dec:
        ks = [tuple(k) for k in dec["stage_kernels"]]
        cfg["decoder_stage_kernels"] = tuple(ks[:len(cfg["decoder_stage_depths"]) - 1])
        got.append("kernels")
    if "upsamples" in dec:
        cfg["decoder_upsample_strides"] = tuple(tuple(s) for s, _ in dec["upsamples"])
        got.append("strides")
    for src, dst in (("stage5_kernel", "decoder_stage5_kernel"), ("timestep_scale_multiplier",
                     "decoder_timestep_scale_multiplier"), ("model_output_type", "decoder_model_output_type"),
                     ("default_num_inference_steps", "decoder_num_inference_steps"), ("out_channels", "out_channels")):
        if src in dec:
            cfg[dst] = tuple(dec[src]) if isinstance(dec[src], list) else dec[src]
            got.append(src)
    split, head = dec.get("rope_dim_split"), cfg["decoder_head_dim"]
    if split is not None:
        from diffusers.models.autoencoders.ltx2_diffusion_decoder import LTX2VideoVaeRotaryPosEmbed3D
        if tuple(split) != LTX2VideoVaeRotaryPosEmbed3D(head).rope_dim_split:
            raise ModelError(f"'{path}': LTX-2.5's diffusion decoder splits its RoPE {tuple(split)}, which diffusers' "
                             f"{CLASS} cannot hold (it splits head width {head} its own way)")
    return got


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
    got = _from_meta(_meta_config(meta), cfg, path)
    _check(shapes, cfg, path)
    return cfg, ("the file's config: " + ", ".join(got)) if got else \
        "kernels, strides and steps: diffusers' LTX-2.5 defaults (the file has no config)"


def _check(shapes: dict, cfg: dict, path: str) -> None:
    """Every tensor of the file against the class built from ``cfg`` on the meta device."""
    import inspect

    from accelerate import init_empty_weights
    from diffusers import LTX2VideoDiffusionDecoderModel
    from diffusers.models.autoencoders.ltx2_diffusion_decoder import _swiglu_hidden_dim
    w0 = cfg["decoder_stage_channels"][0]
    up = shapes.get("decoder.det_stages.0.0.mlp.w_up.weight")
    if up is not None and int(up[0]) != _swiglu_hidden_dim(w0, 4.0):
        raise ModelError(f"'{path}': LTX-2.5's diffusion decoder's MLP is {int(up[0])} wide on {w0}; diffusers' "
                         f"{CLASS} makes it {_swiglu_hidden_dim(w0, 4.0)} (4x), so it cannot hold this file")
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
