"""Wan Animate 2 from ComfyUI's own files, with no diffusers folder: the denoiser file
(wan_animate_2_int8_convrot.safetensors, wan_animate_2_distill_int8_convrot.safetensors) and the three
files ComfyUI's Wan Animate 2 templates load beside it (video_wan_animate2.json and
video_wan_animate2_distilled.json in comfyui-workflow-templates: CLIPLoader umt5_xxl (type 'wan'),
VAELoader Wan2_1_VAE, CLIPVisionLoader clip_vision_h), set on Load Video Model as plain Wan's are
('text_encoder', 'vae', 'clip_vision'). Each part is read by plain Wan's readers (families/wan/parts.py:
recognised, checked against the denoiser's shapes before anything is allocated, loaded lean; the
tokenizer from the text-encoder file's ``spiece_model``), then put into diffusers' modular pipeline made
from its blocks (``WanAnimate2Blocks().init_pipeline()``, or the distilled blocks for a file named
'distill'), as ``update_components`` documents it.

The denoiser's config is read from its shapes (diffusers' names, after diffusers' converter renames
ComfyUI's): every size but the heads, which are 128 values each as in every released Wan model
(wan/part_configs.WAN_HEAD_DIM, as ComfyUI assumes). The scheduler is Studio's data, ``SCHEDULER``:
the modular blocks give none (their ComponentSpec('scheduler', SchedulerMixin) has no default config,
diffusers 0.42.1 modular_pipelines/wan_animate_2/denoise.py), and ComfyUI's two templates sample both
files with flow-matching sigmas shifted by 5 (ModelSamplingSD3 shift 5, BasicScheduler 'simple'), which
is FlowMatchEulerDiscreteScheduler with shift 5. The released folders' indexes name
FlowMatchEulerDiscreteScheduler (Wan-AI/Wan2.2-Animate-2-14B-Distilled-Diffusers@59e4141) and
DPMSolverMultistepScheduler (Wan-AI/Wan2.2-Animate-2-14B-Diffusers@7d48412), as recorded by a public
ModularDiffusers loader's tests pinning those revisions; their scheduler_config.json files were not
readable here, so a base denoiser file is sampled as ComfyUI samples it (said when it loads).

diffusers and transformers are imported inside functions."""
from __future__ import annotations

import os

from ...base.errors import ModelError
from ...base.family import Family
from ...files import part_configs as pc
from ..wan.part_configs import WAN_HEAD_DIM
from ...files.parts import PART_TITLES, Part, load_part, shapes_of, tokenizer_for
from ...files.weight_formats import WeightFile

CLIP_WIDTH = 1280  # WanAnimate2Transformer3DModel's image projection: MLPProj(1280, dim), CLIP ViT-H's width
SCHEDULER = {"_class_name": "FlowMatchEulerDiscreteScheduler", "num_train_timesteps": 1000, "shift": 5.0}
NEEDED = ("text_encoder", "vae", "image_encoder")  # every part the pipeline runs (text, reference, frames)
FILES = {"text_encoder": "text_encoder (umt5_xxl)", "vae": "vae (the Wan 2.1 VAE)",
         "image_encoder": "clip_vision (clip_vision_h)"}  # Load Video Model's params, as ComfyUI's templates load them


def denoiser_config(diffusers, fam: Family, wf: WeightFile) -> tuple[str, dict, WeightFile]:
    """(class name, config, the file under diffusers' names) of a Wan Animate 2 denoiser with no folder:
    renamed by diffusers' converter (on shapes), every size read from the shapes."""
    from ...files.single_file import renamed
    cls = diffusers.WanAnimate2Transformer3DModel
    named = wf if "blocks.0.self_attn.to_q.weight" in wf.tensors else renamed(cls, {}, wf, shapes_only=True)
    if named is None:
        raise ModelError(f"'{wf.path}' is a Wan Animate 2 denoiser in a layout diffusers' converter does more than "
                         "rename: set 'base' to a Wan Animate 2 diffusers folder")
    s, p = shapes_of(named), wf.path
    dim, in_dim, pt, ph, pw = (pc.shape_dim(s, "patch_embedding.weight", i, "width", p) for i in range(5))
    if dim % WAN_HEAD_DIM:
        raise ModelError(f"'{p}' is a Wan Animate 2 denoiser {dim} wide, which is not a whole number of "
                         f"{WAN_HEAD_DIM}-value heads as in every released Wan model: set 'base' to its diffusers "
                         "folder")
    cfg = {"patch_size": [pt, ph, pw], "in_dim": in_dim, "dim": dim, "num_heads": dim // WAN_HEAD_DIM,
           "ffn_dim": pc.shape_dim(s, "blocks.0.ffn.0.weight", 0, "feed-forward width", p),
           "freq_dim": pc.shape_dim(s, "time_embedding.0.weight", 1, "time width", p),
           "text_dim": pc.shape_dim(s, "text_embedding.0.weight", 1, "text width", p),
           "out_dim": pc.shape_dim(s, "head.head.weight", 0, "output", p) // (pt * ph * pw),
           "num_layers": pc.count(s, "blocks."), "cross_attn_norm": "blocks.0.norm3.weight" in s,
           "use_img_emb": "img_emb.proj.0.weight" in s}
    if cfg["use_img_emb"] and pc.shape_dim(s, "img_emb.proj.0.weight", 0, "image width", p) != CLIP_WIDTH:
        raise ModelError(f"'{p}' reads image tokens {s['img_emb.proj.0.weight'][0]} wide, but diffusers' "
                         f"WanAnimate2Transformer3DModel reads CLIP ViT-H's {CLIP_WIDTH}")
    return cls.__name__, cfg, named


def _wan_names(cfg: dict) -> dict:
    """The denoiser's config in the names plain Wan's part checks read (WanTransformer3DModel's)."""
    return {"text_dim": cfg["text_dim"], "out_channels": cfg["out_dim"],
            **({"image_dim": CLIP_WIDTH} if cfg.get("use_img_emb", True) else {})}


def check_parts(fam: Family, den_cfg: dict, den_path: str, files: dict[str, str], diffusers) -> dict[str, Part]:
    """Each part's file checked against the denoiser by plain Wan's checks (UMT5's width, the VAE's latent
    channels, CLIP vision's width; Wan's parts are this family's); headers only. ``den_cfg`` in
    WanAnimate2Transformer3DModel's names."""
    from ..wan import parts as wan_parts
    return wan_parts.check_parts(fam, _wan_names(den_cfg), den_path, files, diffusers, reads=("wan",), hints=FILES)


def missing_parts(wf: WeightFile, files: dict[str, str]) -> None:
    """A part the pipeline runs that was not given, named (with the file ComfyUI's templates load there)
    before anything is read."""
    missing = [c for c in NEEDED if c not in files]
    if missing:
        raise ModelError(f"'{wf.path}' is a single Wan Animate 2 denoiser: set Load Video Model's "
                         f"{' and '.join(FILES[c] for c in missing)} file{'s' if len(missing) > 1 else ''} (as "
                         "ComfyUI's Wan Animate 2 templates load them), or 'base' to a Wan Animate 2 diffusers folder "
                         "(modular_model_index.json, e.g. Wan-AI/Wan2.2-Animate-2-14B-Diffusers)")


def build_modular(diffusers, fam: Family, wf: WeightFile, files: dict[str, str], torch_dtype, device, info):
    """(the modular pipeline, weights in words, a modular_model_index-like dict, the checked parts) of a
    denoiser file and its parts' files: every part checked before the first is loaded."""
    if "text_encoder_2" in files:
        raise ModelError(f"a second text-encoder file '{files['text_encoder_2']}' was given, but Wan Animate 2 reads "
                         "one (umt5_xxl): leave it empty")
    missing_parts(wf, files)
    cls_name, cfg, _ = denoiser_config(diffusers, fam, wf)
    parts = check_parts(fam, cfg, wf.path, files, diffusers)
    tokenizer = tokenizer_for(parts["text_encoder"], None)
    distilled = "distil" in os.path.basename(wf.path).lower()  # the denoiser file's name says it (recognise)
    from ...files.single_file import load_with_config
    pipe_cls = fam.index_classes[1 if distilled else 0]  # WanAnimate2(Distilled)ModularPipeline (family.py)
    loaded, _ = load_with_config(diffusers, fam, pipe_cls, cls_name, cfg, [wf], torch_dtype)
    den, weights, how = loaded[0]
    info(f"transformer: {how}; config from the file's shapes (attention heads of {WAN_HEAD_DIM} values each)")
    sched = getattr(diffusers, SCHEDULER["_class_name"]).from_config(SCHEDULER)
    info(f"scheduler: {SCHEDULER['_class_name']}, shift {SCHEDULER['shift']:g} (as ComfyUI's Wan Animate 2 templates "
         "sample these files" + ("" if distilled else "; the base diffusers release's own is a DPM-Solver") + ")")
    comps = {"transformer": den.eval().to(device), "tokenizer": tokenizer, "scheduler": sched}
    for c, part in parts.items():
        comps[c] = load_part(part, torch_dtype).eval().to(device)
        info(f"{PART_TITLES[c]}: {part.words}" + (", tokenizer from the file" if c == "text_encoder" else ""))
    from diffusers.modular_pipelines import WanAnimate2Blocks, WanAnimate2DistilledBlocks
    pipe = (WanAnimate2DistilledBlocks() if distilled else WanAnimate2Blocks()).init_pipeline()
    pipe.update_components(**comps)
    return pipe, weights, {"_class_name": pipe_cls}, parts
