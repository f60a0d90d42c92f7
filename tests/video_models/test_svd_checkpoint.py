"""ComfyUI's SVD checkpoints (checkpoints/svd.safetensors, svd_xt.safetensors: the UNet, the temporal
VAE and the open_clip image encoder in Stability's own layout, in one file): recognised as what they
are (the picker and `main.py models` list them as SVD checkpoints that load with no folder), and a
file whose shapes make no SVD is refused with the reason, from the header alone. Loading real ones:
test_svd_comfy_checkpoint.py (Studio's own converter, svd/: diffusers 0.42.1 has none)."""
from __future__ import annotations

import pytest
import torch

from nodes.video_models.base.recognise import recognise
from nodes.video_models.base.errors import ModelError

from . import layouts


def sgm_svd(unet: bool = True, vae: bool = True, clip: bool = True) -> dict:
    """Names of Stability's SVD checkpoint (generative-models' VideoUNet, the temporal decoder, the
    FrozenOpenCLIPImageEmbedder), a few per part, tiny shapes."""
    s: dict = {}
    if unet:
        for k in ("time_embed.0.weight", "label_emb.0.0.weight", "input_blocks.0.0.weight",
                  "input_blocks.1.0.in_layers.2.weight", "input_blocks.1.0.time_stack.in_layers.2.weight",
                  "input_blocks.1.0.time_mixer.mix_factor", "input_blocks.1.1.transformer_blocks.0.attn1.to_q.weight",
                  "input_blocks.1.1.time_stack.0.attn1.to_q.weight", "input_blocks.1.1.time_pos_embed.0.weight",
                  "middle_block.0.in_layers.2.weight", "output_blocks.0.0.in_layers.2.weight", "out.2.weight"):
            s["model.diffusion_model." + k] = (2, 2)
    if vae:
        for k in ("encoder.conv_in.weight", "encoder.down.0.block.0.conv1.weight", "decoder.conv_in.weight",
                  "decoder.up.0.block.0.time_stack.in_layers.2.weight", "decoder.time_conv_out.weight"):
            s["first_stage_model." + k] = (2, 2)
    if clip:
        v = "conditioner.embedders.0.open_clip.model.visual."
        s.update({v + "class_embedding": (1280,), v + "proj": (1280, 1024), v + "conv1.weight": (1280, 3, 14, 14)})
        for i in range(32):
            s[f"{v}transformer.resblocks.{i}.attn.in_proj_weight"] = (2, 2)
    return dict(sorted(s.items()))


@pytest.mark.parametrize("name,parts,kind,variant", [
    ("svd_xt.safetensors", {}, "checkpoint", "Stable Video Diffusion XT"),
    ("svd.safetensors", {}, "checkpoint", "Stable Video Diffusion"),
    ("svd_xt_image_decoder.safetensors", {"clip": False}, "checkpoint", "Stable Video Diffusion XT"),
    ("svd_unet.safetensors", {"vae": False, "clip": False}, "denoiser", "Stable Video Diffusion"),
])
def test_stabilitys_svd_checkpoints_are_recognised(name, parts, kind, variant):
    r = recognise(sgm_svd(**parts), filename=name)
    assert (r.kind, r.family, r.variant) == (kind, "svd", variant)
    assert r.note.startswith("UNet, temporal VAE, CLIP image encoder in Stability's layout: loads with no folder"
                             if not parts else "UNet")
    if parts:
        assert r.note.endswith("this file needs a diffusers SVD folder as 'base'")


def test_a_file_whose_shapes_make_no_svd_is_refused_with_the_reason(tmp_path):
    from nodes.video_models.loading.load import load_video_model
    path = layouts.write(str(tmp_path / "svd_xt.safetensors"), sgm_svd())  # the names, shapes of 2 x 2
    with pytest.raises(ModelError, match=r"svd_xt\.safetensors': a UNet level 2 wide is not a whole number of SVD's "
                                         r"64-value attention heads"):
        load_video_model(path, base=None, device=torch.device("cpu"))


def test_diffusers_has_no_single_file_converter_for_svd():
    """Why Studio converts SVD itself (svd/convert.py): the classes are not single-file loadable in the
    diffusers Studio pins (when a release adds them, this test says Studio's converter can go)."""
    pytest.importorskip("diffusers")
    from diffusers.loaders.single_file_model import SINGLE_FILE_LOADABLE_CLASSES
    assert not {"UNetSpatioTemporalConditionModel", "AutoencoderKLTemporalDecoder"} & set(SINGLE_FILE_LOADABLE_CLASSES)
