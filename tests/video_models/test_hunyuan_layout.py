"""HunyuanVideo (the original 13B's architecture) as one file in Tencent's key names (issue 45,
aims): diffusers' converter splits each single block's fused linear1 with the 13B's width written
in (3072), so Studio splits it by the file's own width first (files/hunyuan_layouts.py). A tiny
random transformer written in the original names loads, with a diffusers base folder, into the
weights the folder holds and samples its frames exactly (fp32, CPU); a file of the real 13B's
shapes is recognised and converts to the shapes of diffusers' 13B."""
from __future__ import annotations

import pytest
import torch

from nodes.video_models.loading.load import load_video_model

from .tiny_hunyuan import hunyuan_original_names

pytest.importorskip("diffusers")
CPU = torch.device("cpu")


@pytest.fixture(scope="session")
def hunyuan_dir(tiny):
    return tiny("hunyuan")


def _frames(ref):
    pipe = ref.pipeline("t2v")
    return pipe(prompt="a red fox running in the snow", height=16, width=16, num_frames=5, num_inference_steps=2,
                guidance_scale=6.0, max_sequence_length=16, generator=torch.Generator().manual_seed(0),
                output_type="pt").frames


def _original_file(folder: str, path: str, prefix: str = "") -> dict:
    from diffusers import HunyuanVideoTransformer3DModel
    from safetensors.torch import save_file
    state = HunyuanVideoTransformer3DModel.from_pretrained(folder, subfolder="transformer").state_dict()
    save_file({prefix + k: v.contiguous() for k, v in hunyuan_original_names(state).items()}, path)
    return state


@pytest.mark.parametrize("prefix", ["", "model.diffusion_model."])
def test_the_original_layout_at_a_tiny_width_samples_the_folders_frames_exactly(hunyuan_dir, tmp_path, prefix):
    f = str(tmp_path / "hunyuan_video_t2v_tiny_fp32.safetensors")
    state = _original_file(hunyuan_dir, f, prefix)
    said = []
    one = load_video_model(f, base=hunyuan_dir, device=CPU, dtype_name="fp32", info=said.append)
    assert one.family == "hunyuan"
    assert "in the original layout (converted by diffusers' converter as read), loaded as fp32" in said[0], said
    got = one.module.transformer.state_dict()
    assert set(got) == set(state) and all(torch.equal(got[k], v) for k, v in state.items())
    ref = load_video_model(hunyuan_dir, base=None, device=CPU, dtype_name="fp32")
    for p in ref.module.transformer.parameters():
        p.data = p.data.clone()  # fresh storage as Studio's reads make (see test_comfy_parts._fresh)
    assert torch.equal(_frames(one), _frames(ref))


def test_diffusers_converter_alone_cannot_split_a_tiny_width(hunyuan_dir, tmp_path):
    """Why Studio splits linear1 itself: the library's converter assumes the 13B's width."""
    from diffusers.loaders.single_file_utils import convert_hunyuan_video_transformer_to_diffusers as convert
    from safetensors.torch import load_file
    f = str(tmp_path / "hy.safetensors")
    _original_file(hunyuan_dir, f)
    with pytest.raises(RuntimeError, match="split"):
        convert(load_file(f))


def test_a_file_of_the_real_13b_shapes_is_recognised_and_converts_to_its_shapes():
    """Shapes only (meta tensors: nothing allocated): the 13B (diffusers' defaults are its config)
    in Tencent's names is HunyuanVideo, and the split + diffusers' converter give every tensor of
    diffusers' 13B its shape."""
    from accelerate import init_empty_weights
    from diffusers import HunyuanVideoTransformer3DModel
    from diffusers.loaders.single_file_utils import convert_hunyuan_video_transformer_to_diffusers as convert

    from nodes.video_models.base.recognise import recognise
    from nodes.video_models.families.hunyuan.layouts import prepare
    from nodes.video_models.base.recognise import family_from_keys
    with init_empty_weights():
        big = HunyuanVideoTransformer3DModel()
    state = big.state_dict()
    assert big.config.num_single_layers == 40 and state["x_embedder.proj.weight"].shape[0] == 3072
    original = hunyuan_original_names(state)
    shapes = {k: tuple(v.shape) for k, v in original.items()}
    assert shapes["single_blocks.0.linear1.weight"] == (3 * 3072 + 4 * 3072, 3072)
    r = recognise(shapes, filename="hunyuan_video_t2v_720p_bf16.safetensors")
    assert (r.kind, r.family, r.variant) == ("denoiser", "hunyuan", "HunyuanVideo")
    assert family_from_keys(shapes).key == "hunyuan"
    converted = convert(prepare({"model.diffusion_model." + k: v for k, v in original.items()}))
    assert {k: tuple(v.shape) for k, v in converted.items()} == {k: tuple(v.shape) for k, v in state.items()}
