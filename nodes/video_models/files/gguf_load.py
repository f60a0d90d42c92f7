"""A GGUF denoiser Studio converts itself (HunyuanVideo 1.5: diffusers 0.42.1 has no single-file
converter for its classes, so its single-file loader, which loads GGUF for the others, refuses
them): the file's tensors, read and converted to diffusers' names already (single_file.py), put
into a meta-built model through diffusers' own GGUF quantizer, as ``from_single_file`` does
with ``GGUFQuantizationConfig``: each Linear whose weight is quantised becomes diffusers'
GGUFLinear (dequantised on the fly to the compute dtype), the quantised bytes are kept as they
were read (no copy), the plain tensors (F32 / F16) cast to the load dtype. Peak host memory is
about the file.

diffusers runs quantised weights in Linear layers only. A quantised tensor of one dimension is
dequantised before conversion (GGUF's blocks run along a row: a split of it could cut a block),
and any other quantised tensor that is not a Linear's weight (an embedding table, a norm, a
bias) before loading: city96's files keep those in F32, another converter might not. Values are
unchanged (dequantising is what running them would do). diffusers is imported inside functions."""
from __future__ import annotations

from ..base.errors import ModelError
from .tensor_reads import all_read
from .weight_formats import WeightFile


def _dequantised(t):
    """A GGUFParameter's values as a plain F32 tensor of its logical shape."""
    from diffusers.quantizers.gguf.utils import dequantize_gguf_tensor
    return dequantize_gguf_tensor(t).float().reshape(t.quant_shape)


def whole_rows(state: dict) -> dict:
    """``state`` with each quantised tensor of one dimension dequantised (F32), before conversion."""
    from diffusers.quantizers.gguf.utils import GGUFParameter
    for name, t in state.items():
        if isinstance(t, GGUFParameter) and len(t.quant_shape) < 2:
            state[name] = _dequantised(t)
    return state


def _linear_weights_only(model, state: dict) -> None:
    """Each quantised tensor of ``state`` that is not the weight of one of ``model``'s Linear layers dequantised."""
    import torch
    from diffusers.quantizers.gguf.utils import GGUFParameter
    for name, t in state.items():
        if not isinstance(t, GGUFParameter):
            continue
        owner, _, leaf = name.rpartition(".")
        try:
            linear = leaf == "weight" and isinstance(model.get_submodule(owner), torch.nn.Linear)
        except AttributeError:
            linear = False  # not the model's: dropped as unexpected
        if not linear:
            state[name] = _dequantised(t)


def quantised_load(cls, cfg: dict, state: dict, torch_dtype, path: str):
    """``cls`` built from ``cfg`` on the meta device and ``state`` (diffusers' names; GGUFParameter
    for the quantised tensors, as read_gguf_state makes them) loaded into it through diffusers' GGUF
    quantizer, computing in ``torch_dtype``."""
    import torch
    from accelerate import init_empty_weights
    from diffusers import GGUFQuantizationConfig
    from diffusers.models.model_loading_utils import load_model_dict_into_meta
    from diffusers.quantizers import DiffusersAutoQuantizer
    from diffusers.quantizers.gguf.utils import GGUFParameter
    quantizer = DiffusersAutoQuantizer.from_config(GGUFQuantizationConfig(compute_dtype=torch_dtype))
    quantizer.validate_environment()
    with init_empty_weights():
        model = cls.from_config(cfg)
    _linear_weights_only(model, state)
    keep = list(getattr(cls, "_keep_in_fp32_modules", None) or [])  # the GGUF quantizer keeps them (diffusers')
    for name, t in state.items():  # the plain tensors cast one by one, each original dropped as its copy is made
        if t.is_floating_point() and not isinstance(t, GGUFParameter) and not any(m in name.split(".") for m in keep):
            state[name] = t.to(torch_dtype)
    quantizer.preprocess_model(model=model, device_map=None, state_dict=state, keep_in_fp32_modules=keep)
    known = set(model.state_dict())
    unexpected = [k for k in state if k not in known]
    for k in unexpected:
        del state[k]  # the class's own _keys_to_ignore_on_load_unexpected (config_check checked the rest)
    load_model_dict_into_meta(model, state, dtype=torch_dtype, device_map={"": torch.device("cpu")},
                              hf_quantizer=quantizer, keep_in_fp32_modules=keep, unexpected_keys=unexpected)
    state.clear()
    quantizer.postprocess_model(model)
    model.hf_quantizer = quantizer
    return all_read(model, path)


def check_quantisations(wf: WeightFile) -> None:
    """Every GGUF quantisation in the file is one diffusers can dequantise, else it is named."""
    from diffusers.quantizers.gguf.utils import SUPPORTED_GGUF_QUANT_TYPES
    ok = {t.name for t in SUPPORTED_GGUF_QUANT_TYPES} | {"F32", "F16", "BF16"}
    bad: dict[str, list[str]] = {}
    for name, info in wf.tensors.items():
        if info.dtype not in ok:
            bad.setdefault(info.dtype, []).append(name)
    if bad:
        names = next(iter(bad.values()))
        import diffusers
        raise ModelError(f"'{wf.path}' is quantised as GGUF {', '.join(bad)} (e.g. '{names[0]}'), which diffusers "
                         f"{diffusers.__version__} cannot read: it reads {', '.join(sorted(ok))}")
