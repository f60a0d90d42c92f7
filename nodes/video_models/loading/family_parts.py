"""Which family's code reads ComfyUI's separate part files (a denoiser file + text-encoder, VAE and
CLIP-vision files): the family says (its ``PartReader`` capability, base/capabilities.py; ``main.py
families`` lists them, and a refusal here names them from the registry). Another family's denoiser with
part files is refused here, saying what to give instead (a diffusers folder as 'base')."""
from __future__ import annotations

import os

from ..base.capabilities import PartReader, single_file
from ..base.errors import ModelError
from ..base.registry import all_families


def _read_for() -> str:
    readers = sorted((f for f in all_families() if f.capability(PartReader)),
                     key=lambda f: f.capability(PartReader).one_checkpoint)
    titles = [f.title for f in readers]  # separate part files first, then one checkpoint's
    return ", ".join(titles[:-1]) + " and " + titles[-1] if len(titles) > 1 else titles[0]


def _reader(fam):
    """The family's part reader module (a PipelineParts), None when it reads no part files."""
    parts = fam.capability(PartReader)
    return parts.reader() if parts is not None else None


def check_parts(fam, den_cfg: dict, den_path: str, files: dict[str, str], diffusers):
    """The family's check of its part files against the denoiser's config (headers only)."""
    if _reader(fam) is None:
        raise ModelError(f"separate text-encoder, VAE and CLIP-vision files are read for {_read_for()} so far: for "
                         f"this {fam.title} denoiser set 'base' to a diffusers {fam.title} folder and leave them empty")
    return _reader(fam).check_parts(fam, den_cfg, den_path, files, diffusers)


def denoiser_config(diffusers, fam, wf):
    """(class name, config, the file under diffusers' names) of a denoiser file with no folder."""
    refusal = single_file(fam).refusal
    if _reader(fam) is None and refusal:  # a family whose single files are not read at all
        raise ModelError(f"'{wf.path}': {refusal}")
    if _reader(fam) is None:
        raise ModelError(f"'{wf.path}' is a single {fam.title} {fam.denoiser} file: set 'base' to a diffusers "
                         f"{fam.title} folder (its VAE, text encoder and scheduler are used with this file); "
                         f"separate text-encoder and VAE files are read so far for {_read_for()}")  # (the list last:
    # a long message is cut at its end, where the families' list, growing, loses only its tail)
    return _reader(fam).denoiser_config(diffusers, fam, wf)


def build_pipeline(diffusers, fam, wf, files: dict[str, str], torch_dtype, info, second: str | None = None,
                   waiting: tuple = ()):
    """(pipeline, weights in words, model_index-like dict, parts) from a denoiser file and its parts' files
    (``second``: Wan 2.2 A14B's other expert; a second file for another family is refused, wan22.py;
    ``waiting``: components left on disk, the text encoder while the prompt
    cache is on: deferred_text.part_waits)."""
    if _reader(fam) is None:
        denoiser_config(diffusers, fam, wf)  # refused, saying what to give
    more = {"waiting": waiting} if waiting else {}
    if second:
        fam.one_denoiser(wf.path, second)  # refused unless the family has two experts
        return _reader(fam).build_pipeline(diffusers, fam, wf, files, torch_dtype, info, second, **more)
    return _reader(fam).build_pipeline(diffusers, fam, wf, files, torch_dtype, info, **more)


def checkpoint_parts(fam, wf, files: dict[str, str], info):
    """(``files`` with the text encoder and VAE an all-in-one checkpoint ``wf`` holds, for each of them empty there
    that the family's part reader reads from one (its ``CHECKPOINT_PARTS``: files/checkpoint_parts.py), as
    ComfyUI's Load Checkpoint gives them, said through ``info``; ``wf`` without the tensors of each of those parts
    read from it, filled in or given as the same file). Headers only."""
    from ..files.checkpoint_parts import held, prefixes, without
    from ..files.parts import PART_TITLES
    reader = _reader(fam)
    if reader is None or wf is None or wf.kind != "safetensors":
        return files, wf
    reads = tuple(getattr(reader, "CHECKPOINT_PARTS", ()))
    inside = held(wf, tuple(c for c in reads if not files.get(c)))
    if inside:
        titles = " and ".join(PART_TITLES[c] for c in inside)
        info(f"{titles}: read from '{os.path.basename(wf.path)}' itself, an all-in-one checkpoint (its "
             f"{' and '.join(repr(p) for p in prefixes(wf, inside))} tensors), as ComfyUI's Load Checkpoint reads "
             f"{'them' if len(inside) > 1 else 'it'}: the {' and '.join(inside)} input"
             f"{'s are' if len(inside) > 1 else ' is'} empty")
        files = {**files, **{c: wf.path for c in inside}}
    same = [c for c in reads if files.get(c) and os.path.abspath(files[c]) == os.path.abspath(wf.path)]
    return files, without(wf, same)


def denoiser_tensors(fam, wf):
    """The denoiser's own tensors of a single file read against a base folder: an LTX-2 all-in-one
    checkpoint's transformer (its connectors, VAEs and vocoder left to the folder's); another file as it is."""
    return single_file(fam).denoiser_tensors(wf)
