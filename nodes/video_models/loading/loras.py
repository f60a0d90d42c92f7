"""The LoRAs of one run put on a shared, cached pipeline for the length of that run, and taken off
after it, however it ends. On Wan 2.2 A14B (two experts) each LoRA goes on the expert its 'expert'
setting names: 'auto' reads 'high' or 'low' (noise) from the file's name, as ComfyUI's Wan 2.2 LoRAs
come in such pairs, else both experts; what was chosen is said."""
from __future__ import annotations

import hashlib
import os
import re
from contextlib import contextmanager

from ..base.errors import ModelError
from .load import LoRAUse, VideoModelRef, lora_check
from ..files.lora_formats import lora_for
from .clip_text_compat import text_model_hidden
from ..base.experts import role
from ..memory.modes import adapters_in_compute_dtype, denoisers

TARGETS = {"high noise": ("transformer",), "low noise": ("transformer_2",), "both": ("transformer", "transformer_2")}
WORDS = {("transformer",): "the high-noise expert", ("transformer_2",): "the low-noise expert",
         ("transformer", "transformer_2"): "both experts"}


def lora_role(path: str) -> str:
    """'high' or 'low' when a LoRA's file name says which expert it is for: ComfyUI's
    ``..._high_noise.safetensors`` or a bare ``_HIGH_`` / ``_low`` word (the Lightning LoRAs), else ''."""
    named = role(path)
    if named:
        return named
    words = set(re.split(r"[_\-.\s]+", os.path.basename(path).lower()))
    high, low = "high" in words, "low" in words
    return "high" if high and not low else "low" if low and not high else ""


def experts_for(use: LoRAUse, pipe) -> tuple[tuple[str, ...], str]:
    """The denoisers ``use`` goes on and, when there is a choice to say, why ('' : nothing to say)."""
    if getattr(pipe, "transformer_2", None) is None:
        if use.expert in ("auto", "both"):
            return ("",), ""
        return ("",), (f"LoRA '{os.path.basename(use.path)}': expert '{use.expert}' is for a two-expert model (Wan 2.2 "
                       "A14B); this one has one denoiser, which the LoRA goes on")
    if use.expert != "auto":
        targets, why = TARGETS[use.expert], "its 'expert' setting"
    else:
        named = lora_role(use.path)
        targets = TARGETS[f"{named} noise"] if named else TARGETS["both"]
        why = f"'{named}' in its file name" if named else "its file name names no expert ('expert': auto)"
    return targets, f"LoRA '{os.path.basename(use.path)}' on {WORDS[targets]} ({why})"


@contextmanager
def loras_applied(ref: VideoModelRef, pipe, say=None, info=None):
    """Exactly ``ref.loras`` active on the (shared, cached) pipeline inside the block, and none
    after it: the adapters are loaded on entry and unloaded on exit, however the block ends, so
    the cached model is never left modified (studio.engine.model_cache). Each file in ComfyUI's,
    kohya's, musubi-tuner's or diffusers' layout (lora_formats.py); keys that apply to nothing
    are said through ``say``; which expert each LoRA went on through ``info``."""
    if not ref.loras:
        yield
        return
    if not hasattr(pipe, "load_lora_weights"):
        raise ModelError(f"{type(pipe).__name__} ({ref.fam.title}) does not take LoRAs")
    say, info = say or (lambda _m: None), info or (lambda _m: None)
    names, weights, where = [], [], {}  # where: adapter -> the denoisers it is on ('' : the pipeline's one)
    try:
        for use in ref.loras:
            path, strength = use.path, use.strength
            targets, why = experts_for(use, pipe)
            if why:
                info(why)
            st = os.stat(path)
            key = f"{path}:{st.st_size}:{st.st_mtime_ns}:{'+'.join(targets)}"
            name = "lora_" + hashlib.sha256(key.encode()).hexdigest()[:10]
            if name not in names:
                lora_check(path)
                from safetensors.torch import load_file  # safetensors only: nothing is unpickled
                sd, said = lora_for(pipe, ref.fam, load_file(path), path)
                for line in said:
                    say(line)
                try:
                    with adapters_in_compute_dtype(*denoisers(pipe, ref.fam.denoiser)), text_model_hidden(pipe):
                        # (fp8 storage; CLIP text encoders as transformers 5 made them)
                        for t in targets:  # diffusers' Wan loader: the second expert by load_into_transformer_2
                            pipe.load_lora_weights(sd, adapter_name=name,
                                                   **({"load_into_transformer_2": True} if t == "transformer_2" else {}))
                except (ValueError, KeyError, RuntimeError) as e:
                    raise ModelError(f"the LoRA '{path}' does not fit this {ref.fam.title} model: "
                                     f"{str(e).splitlines()[0]}") from None
                names.append(name)
                weights.append(strength)
                where[name] = targets
            else:
                weights[names.index(name)] += strength
        _set_adapters(pipe, names, weights, where)
        yield
    finally:
        if names or getattr(pipe, "get_list_adapters", lambda: {})():
            pipe.unload_lora_weights()


def _set_adapters(pipe, names: list[str], weights: list[float], where: dict) -> None:
    """The adapters active with their strengths. With two experts each denoiser takes only the
    adapters put on it (diffusers' pipeline-wide set_adapters asks every denoiser for every name)."""
    if all(t == ("",) for t in where.values()):
        pipe.set_adapters(names, adapter_weights=weights)
        return
    for comp in ("transformer", "transformer_2"):
        on = [(n, w) for n, w in zip(names, weights) if comp in where[n]]
        if on:
            getattr(pipe, comp).set_adapters([n for n, _ in on], [w for _, w in on])


class TransformerAdapters:
    """LoRAs as PEFT adapters on one transformer for a run, for families whose pipeline has no LoRA loader
    of its own (Wan Animate 2, MiniMax H3: their readers make the adapters' tensors): one adapter a file,
    named by its path, size and time, a file given twice one adapter at the summed strength; :meth:`off`
    takes every adapter off, a failed load's too."""

    def __init__(self, transformer, tag: str, title: str):
        self.transformer, self.tag, self.title = transformer, tag, title
        self.names: list[str] = []
        self.weights: list[float] = []

    def add(self, path: str, strength: float, tensors, shown: str | None = None) -> None:
        """The LoRA at ``path`` at ``strength``; ``tensors()`` its adapter's tensors in PEFT's names (called
        once a file); a load that fails is refused naming the file as ``shown`` (default: its path)."""
        st = os.stat(path)
        name = f"{self.tag}_" + hashlib.sha256(f"{path}:{st.st_size}:{st.st_mtime_ns}".encode()).hexdigest()[:10]
        if name in self.names:
            self.weights[self.names.index(name)] += strength
            return
        try:
            self.transformer.load_lora_adapter(tensors(), adapter_name=name, prefix=None)
        except (ValueError, KeyError, RuntimeError) as e:
            raise ModelError(f"the LoRA '{shown or path}' does not fit this {self.title} model: "
                             f"{str(e).splitlines()[0]}") from None
        self.names.append(name)
        self.weights.append(strength)

    def on(self) -> None:
        """The adapters active at their strengths."""
        if self.names:
            self.transformer.set_adapters(self.names, self.weights)

    def off(self) -> None:
        if getattr(self.transformer, "peft_config", None):  # a failed load's too: the plain layers back
            self.transformer.unload_lora()
