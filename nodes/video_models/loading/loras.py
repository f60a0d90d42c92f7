"""The LoRAs of one run put on a shared, cached pipeline for the length of that run, and taken off
after it, however it ends."""
from __future__ import annotations

import hashlib
import os
from contextlib import contextmanager

from .checks import ModelError
from .load import VideoModelRef, lora_check
from ..files.lora_formats import lora_for
from ..memory.modes import adapters_in_compute_dtype, denoisers


@contextmanager
def loras_applied(ref: VideoModelRef, pipe, say=None):
    """Exactly ``ref.loras`` active on the (shared, cached) pipeline inside the block, and none
    after it: the adapters are loaded on entry and unloaded on exit, however the block ends, so
    the cached model is never left modified (studio.engine.model_cache). Each file in ComfyUI's,
    kohya's, musubi-tuner's or diffusers' layout (lora_formats.py); keys that apply to nothing
    are said through ``say``."""
    if not ref.loras:
        yield
        return
    if not hasattr(pipe, "load_lora_weights"):
        raise ModelError(f"{type(pipe).__name__} ({ref.fam.title}) does not take LoRAs")
    names, weights = [], []
    try:
        for path, strength in ref.loras:
            st = os.stat(path)
            name = "lora_" + hashlib.sha256(f"{path}:{st.st_size}:{st.st_mtime_ns}".encode()).hexdigest()[:10]
            if name not in names:
                lora_check(path)
                from safetensors.torch import load_file  # safetensors only: nothing is unpickled
                sd, said = lora_for(pipe, ref.fam, load_file(path), path)
                for line in said:
                    (say or (lambda _m: None))(line)
                try:
                    with adapters_in_compute_dtype(*denoisers(pipe, ref.fam.denoiser)):  # fp8 storage
                        pipe.load_lora_weights(sd, adapter_name=name)
                except (ValueError, KeyError, RuntimeError) as e:
                    raise ModelError(f"the LoRA '{path}' does not fit this {ref.fam.title} model: "
                                     f"{str(e).splitlines()[0]}") from None
                names.append(name)
                weights.append(strength)
            else:
                weights[names.index(name)] += strength
        pipe.set_adapters(names, adapter_weights=weights)
        yield
    finally:
        if names or getattr(pipe, "get_list_adapters", lambda: {})():
            pipe.unload_lora_weights()
