"""The LTX-2 family's part reader (its PartReader capability): LTX-2's and LTX-2.3's all-in-one checkpoint
with the Gemma 3 file (parts.py), their transformer-only files with Gemma 3, the text projection, the video
and the audio VAE files (split23.py), LTX-2.5's split files with its Gemma 4 file (split25.py), told by the
transformer's generation (part_configs.generation_of_config) and whether its file holds the audio VAE."""
from __future__ import annotations

import os

from . import part_configs as pc2
from . import parts, split23, split25

denoiser_config = parts.denoiser_config


def check_parts(fam, den_cfg: dict, den_path: str, files: dict[str, str], diffusers) -> dict:
    """Each part's file checked against the transformer (headers only); LTX-2.5's split files together."""
    if pc2.generation_of_config(den_cfg) == "LTX-2.5" and "text_encoder" in files and os.path.isfile(den_path):
        from ...files.weight_formats import read_weight_file
        got, _, _ = split25.checked(diffusers, read_weight_file(den_path), files, dict(den_cfg))
        return {c: got[c] for c in files}
    return parts.check_parts(fam, den_cfg, den_path, files, diffusers)


def build_pipeline(diffusers, fam, wf, files: dict[str, str], torch_dtype, info, waiting: tuple = ()):
    """(LTX2Pipeline, weights in words, model_index-like dict, parts) with no folder."""
    cls_name, cfg, _ = parts.denoiser_config(diffusers, fam, wf)
    if pc2.generation_of_config(cfg) == "LTX-2.5":
        return split25.build_pipeline(diffusers, fam, wf, files, torch_dtype, info, waiting, cls_name, cfg)
    if split23.is_split(wf):
        return split23.build_pipeline(diffusers, fam, wf, files, torch_dtype, info, waiting, cls_name, cfg)
    if files.get("text_encoder_2"):  # DualCLIPLoader's second file beside an all-in-one checkpoint
        split23.second_part(files["text_encoder_2"])
        info(f"second text encoder: '{os.path.basename(files['text_encoder_2'])}' not read: the checkpoint holds its "
             "own text connectors and projection")
    return parts.build_pipeline(diffusers, fam, wf, {c: p for c, p in files.items() if c != "text_encoder_2"},
                                torch_dtype, info, waiting)
