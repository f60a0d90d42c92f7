"""A tiny random distilled Cosmos 3 folder built from configs (never downloaded): tiny_cosmos3.py's one-layer
Cosmos3OmniTransformer (no sound branch), tiny Wan VAE and word-level tokenizer, with a flow-matching Euler
scheduler, saved from diffusers' own Cosmos3DistilledBlocks by the pipeline's save_pretrained
(modular_model_index.json naming the distilled blocks) with a fixed four-step ``distilled_sigmas`` schedule,
as the released nvidia/Cosmos3-Super-*-4Step folders are read by Cosmos3DistilledModularPipeline."""
from __future__ import annotations

import os

TINY = {"cosmos3-distilled": ("build_cosmos3_distilled", {})}  # its builder, found by tests/tiny_models.py
SIGMAS = [1.0, 0.75, 0.5, 0.25]  # four steps, as the releases' (their own values are the checkpoint's)


def build_cosmos3_distilled(path: str) -> str:
    import shutil

    import torch
    from diffusers import AutoencoderKLWan, FlowMatchEulerDiscreteScheduler
    from diffusers.modular_pipelines import Cosmos3DistilledBlocks

    from .tiny_cosmos3 import cosmos3_tokenizer, tiny_cosmos3_transformer
    tmp_tok = os.path.join(path, "_tok")
    tok = cosmos3_tokenizer(tmp_tok)
    torch.manual_seed(0)
    den = tiny_cosmos3_transformer(len(tok), sound=False)
    with torch.no_grad():  # its zero-initialised modality embeddings made to matter
        for p in den.parameters():
            p.add_(torch.randn_like(p) * 0.02)
    torch.manual_seed(0)
    vae = AutoencoderKLWan(base_dim=3, z_dim=16, dim_mult=[1, 1, 1, 1], num_res_blocks=1,
                           temperal_downsample=[False, True, True])
    pipe = Cosmos3DistilledBlocks().init_pipeline()
    pipe.update_components(transformer=den, vae=vae, text_tokenizer=tok, scheduler=FlowMatchEulerDiscreteScheduler())
    pipe.register_to_config(distilled_sigmas=SIGMAS)
    pipe.save_pretrained(path, overwrite_modular_index=True)
    shutil.rmtree(tmp_tok, ignore_errors=True)
    assert os.path.isfile(os.path.join(path, "modular_model_index.json"))
    return path
