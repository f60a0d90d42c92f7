"""A GGUF Wan VACE module beside a GGUF Wan T2V file (as the wrappers' GGUF loaders merge one): Load Video Model's
'vace_module' reads both files' tensors as diffusers' GGUF loader takes them (files/module_merge.gguf_state), the
quantised blocks kept as they are stored, so the split files load to the same weights as the whole VACE model
written as one GGUF file; a module of another kind than its model (GGUF beside .safetensors) refused before
anything is read."""
from __future__ import annotations

import pytest
import torch

from nodes.video_models.base.errors import ModelError
from nodes.video_models.loading.load import load_video_model

pytest.importorskip("diffusers")
pytest.importorskip("gguf")
CPU = torch.device("cpu")


def _quantised(name: str, t) -> bool:  # the 2-D weights of the blocks and of the VACE blocks (Q8_0)
    return t.dim() == 2 and name.endswith(".weight") and "blocks." in name


@pytest.fixture(scope="module")
def files(tiny, tmp_path_factory):
    from diffusers import WanVACETransformer3DModel
    from safetensors.torch import save_file

    from . import tiny_parts as tp
    from .test_wan_vace_module import _original
    from .tiny_formats import write_gguf
    out = tmp_path_factory.mktemp("vace-gguf")
    parts = tp.write_parts(tiny("wan-parts"), str(out))
    torch.manual_seed(3)
    state = _original(WanVACETransformer3DModel(
        patch_size=(1, 2, 2), num_attention_heads=1, attention_head_dim=128, in_channels=16, out_channels=16,
        text_dim=32, freq_dim=256, ffn_dim=32, num_layers=2, cross_attn_norm=True, qk_norm="rms_norm_across_heads",
        vace_layers=[0], vace_in_channels=96).state_dict())
    got = {"parts": {"text_encoder": parts["text_encoder"], "vae": parts["vae"]}}
    for k, keep in (("whole", lambda n: True), ("base", lambda n: not n.startswith("vace_")),
                    ("module", lambda n: n.startswith("vace_"))):
        got[k] = write_gguf({n: v for n, v in state.items() if keep(n)}, str(out / f"{k}-Q8_0.gguf"), pick=_quantised)
    got["base_st"] = str(out / "base.safetensors")
    save_file({n: v.contiguous() for n, v in state.items() if not n.startswith("vace_")}, got["base_st"])
    return got


def test_a_gguf_module_beside_a_gguf_model_loads_the_whole_gguf_vace_model(files):
    whole = load_video_model(files["whole"], base=None, device=CPU, dtype_name="fp32", parts=files["parts"])
    said: list[str] = []
    split = load_video_model(files["base"], base=None, device=CPU, dtype_name="fp32", info=said.append,
                             parts={**files["parts"], "vace_module": files["module"]})
    assert type(split.module).__name__ == "WanVACEPipeline"
    a, b = whole.module.transformer.state_dict(), split.module.transformer.state_dict()
    assert set(a) == set(b) and any(k.startswith("vace_blocks.") for k in b)
    assert type(b["vace_blocks.0.proj_out.weight"]).__name__ == "GGUFParameter"  # kept quantised, as stored
    assert all(torch.equal(a[k], b[k]) for k in a)
    assert any("VACE module 'module-Q8_0.gguf' merged" in s for s in said)


def test_a_module_of_another_kind_than_its_model_is_refused(files):
    with pytest.raises(ModelError, match="is GGUF, but 'base.safetensors' is SAFETENSORS"):
        load_video_model(files["base_st"], base=None, device=CPU, dtype_name="fp32",
                         parts={**files["parts"], "vace_module": files["module"]})
