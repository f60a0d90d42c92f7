"""MiniMax H3 from ComfyUI's own files, with no diffusers folder: the pruned DiT file (comfy_file.py), the
video VAE file set as Load Video Model's 'vae' with the audio VAE beside it (comfy_vae.py) and the Qwen3-VL
file set as its 'text_encoder' (text_file.py: ``qwen3vl_32b_minimax_h3_nvfp4_awq``, the templates'
CLIPLoader type 'minimax'), put into diffusers' modular pipeline made from its blocks
(``MiniMaxH3Blocks().init_pipeline()``, then ``update_components``, as Wan Animate 2's parts.py does).

What ComfyUI's files do not carry: Qwen3-VL's tokenizer (ComfyUI bundles it in its code), read from a
``tokenizer/`` folder beside the text-encoder file (its processor's image settings from a
preprocessor_config.json there, else Studio's data: processor.IMAGE_PROCESSOR); and the two schedulers,
Studio's data, ``SCHEDULERS``: diffusers' blocks declare ``ComponentSpec('scheduler', MiniMaxH3Scheduler)``
and ``('audio_scheduler', ...)`` with no config (diffusers 0.42.1 modular_pipelines/minimax_h3/denoise.py),
and MiniMaxH3Scheduler's own docstring gives the release's values: "The released checkpoints use 12.0 for
video latents and 3.0 for audio latents" (schedulers/scheduling_minimax_h3.py; its only setting is the shift).
The release's scheduler_config.json files were not readable here.

With a folder as 'base' the text-encoder file is read in place of the folder's text_encoder/ (its
tokenizer and processor the folder's), beside ComfyUI's VAE files or not (``modular_files``).

diffusers and transformers are imported inside functions."""
from __future__ import annotations

import os

from ...base.errors import ModelError

SCHEDULERS = {"scheduler": {"shift": 12.0}, "audio_scheduler": {"shift": 3.0}}  # video, audio (see above)
FILES = {"text_encoder": "text_encoder (qwen3vl_32b_minimax_h3_nvfp4_awq)",
         "vae": "vae (minimax_h3_video_vae_int8_convrot, minimax_h3_audio_vae_fp32 beside it)"}


def text_words(path: str, vision: bool, wf) -> str:
    from ...files.weight_formats import describe
    return (f"{os.path.basename(path)}: ComfyUI's Qwen3-VL text encoder, {describe(wf)}, read into "
            "transformers' Qwen3VLForConditionalGeneration (NVFP4 layers kept packed)"
            + ("" if vision else "; no vision tower in the file: text to video only"))


def text_part(path: str, base: str | None) -> tuple[str, object, object, object]:
    """(words, load(torch_dtype), tokenizer or None, processor or None) of the Qwen3-VL file: checked from
    its header; the tokenizer beside it (None: the base's), refused saying where Studio looked."""
    from . import text_file
    from ...files.headers import refuse_pickle
    refuse_pickle(path)
    if not path.endswith(".safetensors") or not os.path.isfile(path):
        raise ModelError(f"the text encoder '{path}' is not a .safetensors file: MiniMax H3's is ComfyUI's "
                         "qwen3vl_32b_minimax_h3_nvfp4_awq.safetensors")
    from ...files.weight_formats import read_weight_file
    wf = read_weight_file(path)  # its header, read once for the checks and the words
    _, vision = text_file.check_conditioner(path, wf)
    tok = text_file.text_tokenizer(path, base)
    proc = text_file.text_processor_beside(path, tok) if tok is not None else None
    return text_words(path, vision is not None, wf), vision is not None, tok, proc


def known_parts(given: dict) -> None:
    """A part file MiniMax H3 has no part for (a 'clip_vision' set on Load Video Model) refused, naming it."""
    other = [c for c in given if c not in FILES]
    if other:
        raise ModelError(f"MiniMax H3 reads its ComfyUI DiT, VAE and Qwen3-VL files: {', '.join(repr(c) for c in other)}"
                         ": MiniMax H3 has no such part")


def modular_files(given: dict, base: str, single: str | None = None) -> dict:
    """The Modular capability's files for MiniMax H3: ComfyUI's VAE files ('vae', comfy_vae.part_files) and its Qwen3-VL
    file ('text_encoder') read in place of the base folder's, {component: (words, load(torch_dtype))}."""
    from .comfy_vae import part_files
    known_parts(given)
    out = part_files({"vae": given["vae"]}, base, single) if "vae" in given else {}
    if "text_encoder" in given:
        path = given["text_encoder"]
        words, _, tok, _ = text_part(path, base)
        out["text_encoder"] = (words, lambda dtype: _conditioner(path, tok, base, dtype))
    return out


def _conditioner(path: str, tok, base: str | None, dtype):
    from . import text_file
    if tok is None:  # the base's tokenizer gives the vision tokens' ids
        from transformers import AutoTokenizer
        tok = AutoTokenizer.from_pretrained(os.path.join(base, "tokenizer"), local_files_only=True)
    return text_file.load_conditioner(path, tok, dtype)


def missing_parts(path: str, files: dict) -> None:
    missing = [c for c in FILES if c not in files]
    if missing:
        raise ModelError(f"'{path}' is a MiniMax H3 DiT file: set Load Video Model's "
                         f"{' and '.join(FILES[c] for c in missing)} (as ComfyUI's MiniMax H3 templates load them), or "
                         "'base' to a MiniMax H3 diffusers folder (modular_model_index.json)")


def build_modular(diffusers, fam, wf, files: dict, torch_dtype, device, info):
    """(the modular pipeline, weights in words, a modular_model_index-like dict, {}) of ComfyUI's DiT file
    ``wf`` and its VAE and Qwen3-VL files: every part checked from its header before the first is read."""
    from .comfy_file import config_from_shapes, reader
    from .comfy_vae import part_files
    config_from_shapes({k: tuple(v.shape) for k, v in wf.tensors.items()}, wf.path)  # a full file refused in words
    known_parts(files)
    missing_parts(wf.path, files)
    vaes = part_files({"vae": files["vae"]}, None, wf.path)
    words, vision, tok, proc = text_part(files["text_encoder"], None)
    name, den, weights = reader(wf, torch_dtype, device, info)
    comps = {name: den.eval().to(device)}
    info(f"{name}: {weights}")
    for c, (w, read) in vaes.items():
        comps[c] = read(torch_dtype).eval().to(device)
        info(f"{c}: {w}")
    from . import text_file
    comps["text_encoder"] = text_file.load_conditioner(files["text_encoder"], tok, torch_dtype).to(device)
    info(f"text_encoder: {words}; tokenizer from '{os.path.join(os.path.dirname(files['text_encoder']), 'tokenizer')}'")
    from diffusers.schedulers.scheduling_minimax_h3 import MiniMaxH3Scheduler
    for c, cfg in SCHEDULERS.items():
        comps[c] = MiniMaxH3Scheduler(**cfg)
    info("schedulers: MiniMaxH3Scheduler, shift 12 (video) and 3 (audio): the release's (Studio's data: ComfyUI's "
         "files carry none)")
    from diffusers.modular_pipelines import MiniMaxH3Blocks
    pipe = MiniMaxH3Blocks().init_pipeline()
    pipe.update_components(**comps, tokenizer=tok, processor=proc)
    weights = "; ".join([weights] + [f"{c} {w}" for c, (w, _) in vaes.items()] + [f"text_encoder {words}"])
    return pipe, weights, {"_class_name": "MiniMaxH3ModularPipeline"}, {}


def refuse_without_vision(ref, task: str) -> None:
    """A task that reads pictures through Qwen3-VL (image to video, reference to video) refused, in one
    sentence naming the node, the file and what to give, when the text-encoder file has no vision tower."""
    from .text_file import NoVision
    te = getattr(ref.module, "text_encoder", None)
    vis = getattr(getattr(te, "model", None), "visual", None)
    if task in ("i2v", "r2v") and isinstance(vis, NoVision):
        node = "Image to Video" if task == "i2v" else "MiniMax H3 Reference to Video"
        from .text_file import no_vision
        raise ModelError(f"{node}: {no_vision(vis.path)}")
