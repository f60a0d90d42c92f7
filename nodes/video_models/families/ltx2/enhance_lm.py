"""The language model behind LTX-2's prompt enhancer (enhance.py): the LTX-2 model's Gemma 3 made
ready for transformers' ``generate()`` and a LoRA put on it for one call.

Studio reads ComfyUI's Gemma 3 file (``gemma_3_12B_it*.safetensors``, the fp8 and fp4_mixed ones
included) as ``Gemma3TextModel``, without an LM head: Gemma 3 ties its LM head to its input embedding
(``tie_word_embeddings``), so ``Gemma3ForCausalLM`` is made around the loaded text model on the meta
device and its head given the embedding's weight (nothing copied, nothing allocated). A diffusers
LTX-2 folder's ``Gemma3ForConditionalGeneration`` is used as it is (its vision tower reads a start
image).

A LoRA on the text encoder (ComfyUI's LoraLoader on the CLIP) goes on as forward hooks that add
``strength * alpha / rank * up(down(x))`` to each named linear layer's output; the weights are never
written, so the model is exactly as it was when the hooks come off (a quantised layer included).
Key forms read (ComfyUI's comfy/lora.py ``model_lora_keys_clip`` at Comfy-Org/ComfyUI 01a56b76bba3
names its generic form ``text_encoders.<its state-dict key>``, the LTX-2 CLIP's being
``gemma3_12b.transformer.model.layers.N...``; PEFT's ``base_model.model.model.language_model.layers.N...``;
kohya's ``lora_te_..._layers_N_self_attn_q_proj``): whatever comes before the ``layers`` of the language
model is dropped; ``lora_A``/``lora_B``, ``lora_down``/``lora_up`` and ``alpha`` are read."""
from __future__ import annotations

from studio.engine.meta_device import meta_device

from contextlib import contextmanager

from ...base.errors import ModelError

PAIRS = ((".lora_A.weight", ".lora_B.weight"), (".lora_down.weight", ".lora_up.weight"))
NOT_TEXT = ("vision", "multi_modal", "mm_", "siglip")  # a vision tower's layers are not the language model's


def text_model(te):
    """The language model (``Gemma3TextModel``) inside a text encoder."""
    if type(te).__name__ == "Gemma3TextModel":
        return te
    inner = getattr(getattr(te, "model", None), "language_model", None)
    if inner is None and type(te).__name__ == "Gemma3ForCausalLM":
        inner = te.model
    if inner is None:
        raise ModelError(f"Enhance Prompt: the LTX-2 model's text encoder is a {type(te).__name__}, not Gemma 3")
    return inner


def check_gemma3(cfg, path: str) -> None:
    """A text encoder's config (read without its weights while it waits on disk) that is not Gemma 3's
    is refused before it is loaded (LTX-2.5's Gemma 4: its enhancer is another file, the node's 'enhancer')."""
    kind = str(getattr(cfg, "model_type", "") or "")
    if kind and not kind.startswith("gemma3"):
        raise ModelError(f"Enhance Prompt: the text encoder of '{path}' is {kind}, not Gemma 3: Enhance Prompt runs "
                         "LTX-2's and LTX-2.3's Gemma 3 from the model input; for LTX-2.5 set 'enhancer' to its "
                         "Gemma 4 E2B file (gemma4_e2b_it_int8_convrot.safetensors)")


def causal_lm(te):
    """(a model with ``generate()``, whether it sees images) for the loaded text encoder."""
    if hasattr(te, "lm_head") and hasattr(te, "generate"):
        return te, getattr(te.config, "vision_config", None) is not None and hasattr(te, "get_image_features")
    tm = text_model(te)
    emb = tm.embed_tokens.weight
    if not emb.is_floating_point() or emb.element_size() < 2:  # int8 / fp8: no plain matrix to score words with
        raise ModelError(f"Enhance Prompt: the text encoder's word embedding is stored as {emb.dtype}, so it cannot "
                         "serve as Gemma 3's LM head (its tied output layer): give a Gemma 3 file whose word "
                         "embedding is stored in bf16, fp16 or fp32")
    from transformers import Gemma3ForCausalLM
    with meta_device():
        lm = Gemma3ForCausalLM(tm.config)
    lm.model = tm
    lm.lm_head.weight = emb  # Gemma 3's tied head: the embedding itself
    lm.eval()
    return lm, False


def _module_names(tm) -> dict[str, str]:
    """{'layers.0.self_attn.q_proj' and 'layers_0_self_attn_q_proj': the module's name} of the linear layers."""
    out = {}
    for name, m in tm.named_modules():
        if name.startswith("layers.") and hasattr(m, "weight") and getattr(m.weight, "dim", lambda: 0)() == 2:
            out[name] = name
            out[name.replace(".", "_")] = name
    return out


def _target(key: str, names: dict[str, str]) -> str | None:
    """The module a LoRA key's stem names, whatever prefix it carries (None: not a language-model layer)."""
    low = key.lower()
    if any(w in low for w in NOT_TEXT):
        return None
    for sep in (".", "_"):
        i = key.find(f"layers{sep}")
        while i >= 0:
            if (i == 0 or key[i - 1] in "._") and key[i:] in names:
                return names[key[i:]]
            i = key.find(f"layers{sep}", i + 1)
    return None


def lora_layers(sd: dict, tm, name: str) -> tuple[dict, list[str]]:
    """({module name: (down, up, alpha)}, the keys not applied): refused when no key fits a layer or a
    pair's shapes do not fit it, before anything is put on the model."""
    names, layers, used = _module_names(tm), {}, set()
    for key in sd:
        for a, b in PAIRS:
            if key.endswith(a) and key[: -len(a)] + b in sd:
                stem = key[: -len(a)]
                target = _target(stem, names)
                if target is None:
                    continue
                down, up = sd[key], sd[stem + b]
                m = tm.get_submodule(target)
                size = (getattr(m, "out_features", m.weight.shape[0]), getattr(m, "in_features", m.weight.shape[1]))
                if down.dim() != 2 or up.dim() != 2 or up.shape[1] != down.shape[0] or \
                        (up.shape[0], down.shape[1]) != tuple(size):
                    raise ModelError(f"Enhance Prompt: the LoRA '{name}' does not fit this Gemma: '{stem}' is "
                                     f"{tuple(up.shape)} x {tuple(down.shape)}, the layer '{target}' maps "
                                     f"{size[1]} values to {size[0]}")
                alpha = sd.get(stem + ".alpha")
                layers[target] = (down, up, float(alpha) if alpha is not None else float(down.shape[0]))
                used.update((key, stem + b, stem + ".alpha"))
    if not layers:
        gemma = "Gemma 4" if "Gemma4" in type(tm).__name__ else "Gemma 3"
        raise ModelError(f"Enhance Prompt: no key of the LoRA '{name}' names a layer of {gemma}'s language model "
                         f"(first keys: {', '.join(sorted(sd)[:3])}): it is not a LoRA for the text encoder")
    return layers, sorted(k for k in sd if k not in used)


@contextmanager
def lora_on(tm, layers: dict, strength: float):
    """The LoRA's layers added to ``tm``'s outputs while inside; the hooks removed after, weights untouched."""
    import torch.nn.functional as F
    handles = []

    def hook_of(down, up, scale):
        cache = {}

        def hook(module, args, out):
            x = args[0]
            k = (x.device, x.dtype)
            if k not in cache:
                cache.clear()
                cache[k] = (down.to(x.device, x.dtype), up.to(x.device, x.dtype))
            d, u = cache[k]
            return out + scale * F.linear(F.linear(x, d), u)
        return hook
    try:
        for target, (down, up, alpha) in layers.items():
            scale = strength * alpha / down.shape[0]
            # Hook: torch's own, not diffusers' registry: a layer of transformers' language model (not a diffusers
            # module), which accelerate's offload hooks may wrap too; torch's hook runs outside them
            handles.append(tm.get_submodule(target).register_forward_hook(hook_of(down, up, scale)))
        yield
    finally:
        for h in handles:
            h.remove()


def torch_device(device):
    import torch
    return device if isinstance(device, torch.device) else torch.device(str(device))


def device_and_dtype(device) -> tuple:
    """The run's torch device and the dtype a language model runs in there: float32 on the CPU, bfloat16 on a GPU
    (Enhance Prompt's and Generate Text's rule)."""
    import torch
    d = torch_device(device)
    return d, torch.float32 if d.type == "cpu" else torch.bfloat16


@contextmanager
def on_device(module, device):
    """``module`` on ``device`` while inside, back where it was after: a text encoder kept in RAM between
    runs (model offload: accelerate's hooks move it only when a pipeline calls it) runs on the GPU."""
    first = next(module.parameters(), None)
    before = first.device if first is not None else device
    moved = before != device and before.type != "meta"
    if moved:
        module.to(device)
    try:
        yield
    finally:
        if moved:
            module.to(before)
