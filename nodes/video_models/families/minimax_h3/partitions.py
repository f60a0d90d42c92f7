"""MiniMax H3's two transformers, one in memory at a time: the released folder holds ``transformer/``
(text and image to video: diffusers' t2va and fl2va workflows) and ``transformer_ref/`` (reference to
video: ref2va), each a 33B DiT (diffusers' MiniMaxH3Blocks: "loading the components pulls both 61.7GB
transformer partitions"). Load Video Model reads ``transformer/``; a run that needs the other one
reads it from the folder and sets the one it does not need aside (said): a run of the other task
reads that one again. The folder is checked before anything is set aside."""
from __future__ import annotations

import os

from ...base.errors import ModelError

TASK_PARTITION = {"r2v": "transformer_ref"}  # else 'transformer'
WHAT = {"transformer": "text and image to video", "transformer_ref": "reference to video"}


def partition_folder(ref, name: str) -> str:
    from ...files.headers import read_json
    from ...loading.modular import INDEX, component_spec
    spec = component_spec(read_json(os.path.join(ref.path, INDEX)), name)
    folder = os.path.join(ref.path, spec[2] if spec else name)
    if not os.path.isfile(os.path.join(folder, "config.json")) or not any(
            f.endswith((".safetensors", ".safetensors.index.json")) for f in os.listdir(folder)):
        extra = " (the ref2va partition; ComfyUI's minimax_h3_ref2va_* file)" if name == "transformer_ref" else ""
        raise ModelError(f"model '{ref.path}' has no '{name}/' with config.json and .safetensors weights: MiniMax H3's "
                         f"{WHAT[name]} runs its own transformer{extra}, which this folder lacks")
    return folder


def use_partition(ctx, ref, task: str) -> None:
    """The transformer ``task`` runs on the pipeline (read from the folder when it is not), the other
    one set aside (said)."""
    pipe = ref.module
    name = TASK_PARTITION.get(task, "transformer")
    other = next(n for n in WHAT if n != name)
    if getattr(pipe, name, None) is not None:
        return
    folder = partition_folder(ref, name)  # checked before the other one is set aside
    if getattr(pipe, other, None) is not None:
        import gc

        import torch
        pipe.update_components(**{other: None})
        gc.collect()
        if torch.cuda.is_available():
            torch.cuda.empty_cache()
        ctx.info(f"MiniMax H3's {other}/ ({WHAT[other]}) set aside: one of its two transformers is in memory at a "
                 "time; it is read again when that task runs")
    from diffusers import MiniMaxH3Transformer3DModel
    den = MiniMaxH3Transformer3DModel.from_pretrained(folder, torch_dtype=ref.dtype, local_files_only=True)
    pipe.update_components(**{name: den.eval().to(ref.device)})
    ctx.info(f"MiniMax H3's {name}/ ({WHAT[name]}) read from the folder")
