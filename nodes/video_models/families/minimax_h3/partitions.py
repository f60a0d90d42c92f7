"""MiniMax H3's two transformers, one in memory at a time: the released folder holds ``transformer/``
(text and image to video: diffusers' t2va and fl2va workflows) and ``transformer_ref/`` (reference to
video: ref2va), each a 33B DiT (diffusers' MiniMaxH3Blocks: "loading the components pulls both 61.7GB
transformer partitions"). Load Video Model reads ``transformer/``; a run that needs the other one
reads it from the folder and sets the one it does not need aside (said): a run of the other task
reads that one again. The folder is checked before anything is set aside. Loaded from ComfyUI's single
file with the folder as its base (comfy_file.py: the fl2va file is 'transformer', the ref2va one
'transformer_ref'), the other partition is read from ComfyUI's file of it beside that file (the
templates' two sit in one diffusion_models folder; the name most like the loaded one's), else from the
folder; with no folder (ComfyUI's files alone, parts.py) from that file only, refused in words when it is not there."""
from __future__ import annotations

import os

from ...base.errors import ModelError

TASK_PARTITION = {"r2v": "transformer_ref"}  # else 'transformer'
WHAT = {"transformer": "text and image to video", "transformer_ref": "reference to video"}


def partition_file(ref, name: str) -> str | None:
    """ComfyUI's file (pruned or full) of partition ``name`` beside the single file ``ref`` was loaded from (headers
    read only), the one whose name shares the longest start with it; None: none, or not loaded so."""
    if not ((ref.config or {}).get("base") or (ref.config or {}).get("parts")):
        return None  # a folder loaded as it is
    from ...files.headers import read_safetensors_header
    from .comfy_file import FULL, TABLE, part_of
    from .recognise import KEY
    here, mine = os.path.split(os.path.abspath(ref.path))
    found = []
    for f in os.listdir(here):
        path = os.path.join(here, f)
        if not f.endswith(".safetensors") or part_of(path) != name:
            continue
        try:
            header = read_safetensors_header(path)[0]
        except Exception:  # noqa: BLE001 - not a readable file: not the partition
            continue
        if (TABLE in header or FULL in header) and KEY in header:  # pruned or full
            found.append((-len(os.path.commonprefix([f, mine])), f, path))
    return min(found)[2] if found else None


def partition_folder(ref, name: str) -> str:
    from ...files.headers import read_json
    from ...loading.modular import INDEX, component_spec
    base = (ref.config or {}).get("base") or ref.path
    if not os.path.isdir(base):  # ComfyUI's files with no folder: the other partition's file is not beside
        raise ModelError(f"MiniMax H3's {WHAT[name]} runs its own transformer ({name}: ComfyUI's "
                         f"minimax_h3_{'ref2va' if name == 'transformer_ref' else 'fl2va'}_* file), which Studio looks "
                         f"for beside '{ref.path}' and did not find: put it there, or set 'base' to a MiniMax H3 "
                         "diffusers folder")
    spec = component_spec(read_json(os.path.join(base, INDEX)), name)
    folder = os.path.join(base, spec[2] if spec else name)
    if not os.path.isfile(os.path.join(folder, "config.json")) or not any(
            f.endswith((".safetensors", ".safetensors.index.json")) for f in os.listdir(folder)):
        extra = " (the ref2va partition; ComfyUI's minimax_h3_ref2va_* file)" if name == "transformer_ref" else ""
        raise ModelError(f"model '{base}' has no '{name}/' with config.json and .safetensors weights: MiniMax H3's "
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
    file = partition_file(ref, name)
    folder = None if file else partition_folder(ref, name)  # checked before the other one is set aside
    if getattr(pipe, other, None) is not None:
        import gc

        import torch
        pipe.update_components(**{other: None})
        gc.collect()
        if torch.cuda.is_available():
            torch.cuda.empty_cache()
        ctx.info(f"MiniMax H3's {other}/ ({WHAT[other]}) set aside: one of its two transformers is in memory at a "
                 "time; it is read again when that task runs")
    if file:
        from .comfy_file import load
        den = load(file, ref.dtype, ctx.info)
    else:
        from diffusers import MiniMaxH3Transformer3DModel
        den = MiniMaxH3Transformer3DModel.from_pretrained(folder, torch_dtype=ref.dtype, local_files_only=True)
    pipe.update_components(**{name: den.eval().to(ref.device)})
    ctx.info(f"MiniMax H3's {name} ({WHAT[name]}) read from ComfyUI's file '{file}'" if file else
             f"MiniMax H3's {name}/ ({WHAT[name]}) read from the folder")
