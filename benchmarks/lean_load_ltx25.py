"""Peak host memory of building LTX-2.5 from its release's split files with no folder (issue 56, item 1:
the transformer with its text connectors, Gemma 4 with LTX-2.5's text projection, tokenizer and config,
the convolutional video VAE, the audio VAE with its vocoder beside it), against the files' sizes.

The files have the released widths: LTX-2.5 22B's transformer (LTX-2.3's widths, diffusers' 2.3 presets,
with 2.5's changes; ``--blocks`` of its 48 blocks) and its connectors in Lightricks' names; a Gemma 4
unified at transformers' default widths (2304 wide, its 262144-token embedding; ``--gemma-layers``
layers: Gemma 4 12B's own config is not public here) with the projections, a word-level tokenizer and
the config in the header, as Lightricks packs it; the 2.3 video VAE and the audio VAE and vocoder
whole; random bf16 weights, streamed to disk. In a fresh subprocess they are loaded as Load Video Model
loads them (benchmarks/lean_load.py's child, case 'parts', the prompt cache off so Gemma loads too):
every header checked, then each part built on the meta device and its tensors read into it. The load's
own peak resident memory is reported with its ratio to the four files' size. The aim: <= 1.15x.

    .venv/bin/python -m benchmarks.lean_load_ltx25 [--blocks N] [--gemma-layers N] [--diffusion-vae] [--dir DIR]

Measured (this machine, CPU, 24 GB, 2 shared cores, 2026-11-25), the defaults: 2 of 48 blocks (with the
connectors' 8 layers a stream) and Gemma 4 with 2 layers, files 9.75 GB (transformer 6.30, Gemma 4 1.63,
video VAE 1.45, audio VAE and vocoder 0.36): load peak 9.79 GB = 1.00x the files (32.2 s). With
``--diffusion-vae`` (the templates' ltx-2.5-video-vae-bf16: the encoder and LTX-2.5's diffusion decoder,
417M parameters, in Lightricks' names; its QKV split and gates folded as it loads), files 9.77 GB (video
VAE 1.47): load peak 9.01 GB = 0.92x the files (8.8 s)."""
from __future__ import annotations

import argparse
import json
import os
import shutil

from .lean_load import measure, peak, work_folder, write_shapes


def _meta(make) -> dict:
    import torch
    with torch.device("meta"):
        return {k: tuple(v.shape) for k, v in make().state_dict().items()}


def write_files(d: str, blocks: int, gemma_layers: int, diffusion_vae: bool = False) -> dict:
    """The four files (component -> path; 'denoiser' the transformer); ``diffusion_vae``: the video VAE
    as the templates' ltx-2.5-video-vae-bf16 (the same encoder, LTX-2.5's diffusion decoder at the
    release's sizes in Lightricks' names: fused QKV, static gates)."""
    import diffusers
    from diffusers.pipelines.ltx2 import LTX2TextConnectors
    from diffusers.pipelines.ltx2.vocoder import LTX2VocoderWithBWE
    from transformers import Gemma4UnifiedConfig, Gemma4UnifiedForConditionalGeneration

    from tests.video_models import tiny_ltx2_parts as tl
    from tests.video_models.test_comfy_parts_ltx23 import REAL_CONNECTORS, REAL_TRANSFORMER, REAL_VAE
    from tests.video_models.tiny import build_tokenizer
    gemma = Gemma4UnifiedConfig(text_config={"num_hidden_layers": gemma_layers}, vision_config=None, audio_config=None)
    conn = _meta(lambda: LTX2TextConnectors(**dict(REAL_CONNECTORS, caption_channels=gemma.text_config.hidden_size,
                                                   text_proj_in_factor=gemma_layers + 1)))
    den = {tl.dit_name(k): s for k, s in _meta(lambda: diffusers.LTX2VideoTransformer3DModel(
        **dict(REAL_TRANSFORMER, num_layers=blocks), use_prompt_adaln_single=False, ff_bias=False,
        audio_ff_bias=False, use_keyframes_abs_pos_embedding=True)).items()}
    den.update({tl.connector_name(k): s for k, s in conn.items() if "_text_proj_in." not in k})
    text = {"model." + k[len("model.language_model."):]: s
            for k, s in _meta(lambda: Gemma4UnifiedForConditionalGeneration(gemma)).items()
            if k.startswith("model.language_model.")}
    text.update({f"text_embedding_projection.{m}_aggregate_embed." + k[len(f"{m}_text_proj_in."):]: s
                 for k, s in conn.items() for m in ("video", "audio") if k.startswith(f"{m}_text_proj_in.")})
    build_tokenizer(os.path.join(d, "_tok"))
    extra = {("tokenizer_json" if n == "tokenizer.json" else "hf_asset__" + n):
             open(os.path.join(d, "_tok", n), "rb").read() for n in os.listdir(os.path.join(d, "_tok"))}
    for sub in ("diffusion_models", "text_encoders", "vae"):
        os.makedirs(os.path.join(d, sub), exist_ok=True)
    files = {"denoiser": os.path.join(d, "diffusion_models", "ltx-2.5-22b-dev-transformer-bf16.safetensors"),
             "text_encoder": os.path.join(d, "text_encoders", "gemma4-12b-with-proj-ltx-2.5-bf16.safetensors"),
             "vae": os.path.join(d, "vae", "ltx-2.5-video-vae-conv-bf16.safetensors"),
             "audio_vae": os.path.join(d, "vae", "ltx-2.5-audio-vae-bf16.safetensors")}
    write_shapes(den, files["denoiser"])
    write_shapes(text, files["text_encoder"], extra, {"gemma_config": json.dumps(gemma.to_dict())})
    vae = {tl.vae_name(k): s for k, s in _meta(lambda: diffusers.AutoencoderKLLTX2Video(**REAL_VAE)).items()
           if not (diffusion_vae and k.startswith("decoder."))}
    if diffusion_vae:
        from tests.video_models.test_ltx25_diffusion_vae import _release_shapes
        files["vae"] = os.path.join(d, "vae", "ltx-2.5-video-vae-bf16.safetensors")
        vae.update(_release_shapes())
    write_shapes(vae, files["vae"])
    write_shapes({**{tl.audio_vae_name(k): s for k, s in _meta(diffusers.AutoencoderKLLTX2Audio).items()},
                  **{tl.vocoder_name(k): s for k, s in _meta(LTX2VocoderWithBWE).items()}}, files["audio_vae"])
    shutil.rmtree(os.path.join(d, "_tok"))
    return files


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--blocks", type=int, default=2, help="transformer blocks of its 48 (default 2)")
    ap.add_argument("--gemma-layers", type=int, default=2, help="Gemma 4 layers (default 2)")
    ap.add_argument("--diffusion-vae", action="store_true", help="the video VAE with LTX-2.5's diffusion decoder "
                    "(the templates' ltx-2.5-video-vae-bf16) instead of the convolutional one")
    ap.add_argument("--dir", help="where to write the files (default: a temporary folder, removed after)")
    args = ap.parse_args(argv)
    with work_folder(args.dir, "lean-ltx25-") as d:
        files = write_files(d, args.blocks, args.gemma_layers, args.diffusion_vae)
        size = sum(os.path.getsize(f) for f in files.values())
        os.environ["STUDIO_PROMPT_CACHE_GB"] = "0"  # Gemma loaded with the rest, not left waiting on disk
        r = measure("parts", files["denoiser"], json.dumps({"text_encoder": files["text_encoder"],
                                                            "vae": files["vae"]}))
        sizes = ", ".join(f"{c} {os.path.getsize(f) / 1e9:.2f}" for c, f in files.items())
        print(f"LTX-2.5 from its split files ({args.blocks} of 48 blocks, Gemma 4 with {args.gemma_layers} layers; "
              f"GB: {sizes}): files {size / 1e9:.2f} GB; load {peak(r, size, 'the files')}")


if __name__ == "__main__":
    main()
