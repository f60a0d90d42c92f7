"""Stable Video Diffusion from ComfyUI's one checkpoint (issue 45, item 2): Stability's sgm layout
(checkpoints/svd.safetensors, svd_xt.safetensors: the UNet, the temporal VAE and the OpenCLIP image
encoder in one file) loads with no diffusers folder and renders Image to Video. A tiny SVD written
in that layout (tiny_svd.py, its own diffusers -> sgm map) renders the frames of the diffusers
folder holding the same weights: fp32 exactly, fp16 stated in PSNR. The real svd_xt's names and
shapes (the released configs built on the meta device, written header-only) are all taken and give
the released configs. Bad input is named before anything is allocated."""
from __future__ import annotations

import numpy as np
import pytest
import torch

from nodes.video_models.base.errors import ModelError
from nodes.video_models.loading.load import load_video_model
from studio.core.graph import Graph
from tests.sources import source

from . import layouts
from . import tiny_parts as tp
from . import tiny_svd
from .graphs import model_graph
from .tiny import still

pytest.importorskip("diffusers")
CPU = torch.device("cpu")


@pytest.fixture(scope="module")
def svd(tmp_path_factory):
    """(the tiny diffusers folder, the same weights as one sgm checkpoint, fp32)."""
    root = tmp_path_factory.mktemp("svd-ckpt")
    folder = tiny_svd.build(str(root / "svd-tiny"))
    return folder, tiny_svd.write_checkpoint(folder, str(root / "svd_xt_tiny.safetensors"))


@pytest.fixture(scope="module")
def folder_frames(svd):
    """Image to Video's frames from the diffusers folder (CPU, fp32)."""
    return _render(_graph(svd[0]))


def _graph(model: str, seed: int = 3, **load) -> Graph:
    g = model_graph(model, "video_models.image_to_video", {"frames": 4, "width": 16, "height": 16, "steps": 2,
                                                            "seed": seed, "previews": False},
                    image=(source("test.svd_ckpt_still", "image", "Image", lambda p: still(32, 32)), "image"))
    g.nodes["load"].params.update(load)
    return g


def _render(g: Graph, said: list | None = None) -> np.ndarray:
    from studio.engine.executor import Executor
    r = Executor().run(g, targets=["gen"], device="cpu", use_cache=False,
                       on_event=said.append if said is not None else None)
    return np.asarray(r.value("gen").frames)


def _psnr(a: np.ndarray, b: np.ndarray) -> float:
    mse = float(np.mean((a.astype(np.float64) - b.astype(np.float64)) ** 2))
    return float("inf") if mse == 0 else 10 * np.log10(1.0 / mse)


def _pipe_frames(ref) -> torch.Tensor:
    from PIL import Image
    pipe = ref.pipeline("i2v")
    img = Image.fromarray((still(32, 32) * 255).astype(np.uint8))
    return pipe(img, height=16, width=16, num_frames=4, num_inference_steps=2, decode_chunk_size=2,
                generator=torch.Generator().manual_seed(0), output_type="pt").frames


def _config(module) -> dict:
    return {k: (list(v) if isinstance(v, tuple) else v) for k, v in dict(module.config).items() if not k.startswith("_")}


def test_the_checkpoint_loads_the_folders_weights_and_samples_its_frames_exactly(svd):
    folder, file = svd
    said: list[str] = []
    one = load_video_model(file, base=None, device=CPU, dtype_name="fp32", info=said.append)
    ref = tp.fresh(load_video_model(folder, base=None, device=CPU, dtype_name="fp32"))
    for name in ("unet", "vae", "image_encoder"):
        got, held = getattr(one.module, name).state_dict(), getattr(ref.module, name).state_dict()
        assert set(got) == set(held), name
        assert [k for k in held if not torch.equal(got[k], held[k])] == [], name
    for name in ("unet", "vae", "scheduler"):
        mine, theirs = (_config(getattr(r.module, name)) for r in (one, ref))
        assert mine == theirs, name
    assert torch.equal(_pipe_frames(one), _pipe_frames(ref))
    assert said[0].startswith("weights: fp32 in Stability's layout (renamed by Studio's converter), loaded as fp32; "
                              "config from the file's shapes (64-value attention heads, SVD-XT's 25 frames")
    assert "VAE: svd_xt_tiny.safetensors: SVD temporal VAE (in the checkpoint), fp32" in said
    assert one.variant == "Stable Video Diffusion" and one.fam.key == "svd"


def test_image_to_video_renders_the_checkpoint_as_the_folder(svd, folder_frames):
    folder, file = svd
    said: list = []
    a = _render(_graph(file), said)
    b = folder_frames
    assert a.shape == b.shape == (4, 16, 16, 3)
    # the weights are equal exactly (the test above); the frames to float noise: on one thread (a parallel
    # run's worker) the checkpoint's views into the file's bytes sum in another order than the folder's
    # memory-mapped tensors (1.4e-5 measured), a wrong weight differs by orders more
    assert np.abs(a - b).max() < 1e-4
    notes = " ".join(str(getattr(e, "text", "")) for e in said)
    assert "in Stability's layout (renamed by Studio's converter)" in notes


def test_the_image_encoder_sees_the_centre_square_of_a_picture_that_is_not_square(svd):
    """ComfyUI's SVD_img2vid_Conditioning gives CLIP vision its picture cut to the centre square (clip_preprocess's
    crop); diffusers' own pipeline squashes the whole picture to 224 x 224: the checkpoint's pipeline cuts first."""
    from diffusers import StableVideoDiffusionPipeline
    from PIL import Image
    pipe = load_video_model(svd[1], base=None, device=CPU, dtype_name="fp32").pipeline("i2v")
    rng = np.random.default_rng(0)
    wide = Image.fromarray((rng.random((32, 80, 3)) * 255).astype(np.uint8))  # 80 x 32: its square x 24..56
    square = wide.crop((24, 0, 56, 32))

    def diffusers_embeds(img):
        return StableVideoDiffusionPipeline._encode_image(pipe, img, CPU, 1, False)

    with torch.no_grad():
        got = pipe._encode_image(wide, CPU, 1, False)
        assert torch.equal(got, diffusers_embeds(square))
        assert not torch.allclose(got, diffusers_embeds(wide), atol=1e-3)  # the whole picture squashed: another
        tall = Image.fromarray(np.asarray(wide).transpose(1, 0, 2).copy())  # 32 x 80: its square y 24..56
        assert torch.equal(pipe._encode_image(tall, CPU, 1, False), diffusers_embeds(tall.crop((0, 24, 32, 56))))
        assert torch.equal(pipe._encode_image(square, CPU, 1, False), diffusers_embeds(square))  # square: as given


def test_an_fp16_checkpoint_renders_within_40_db(svd, tmp_path, folder_frames):
    folder, _ = svd
    f16 = tiny_svd.write_checkpoint(folder, str(tmp_path / "svd_xt_tiny_fp16.safetensors"), dtype=torch.float16)
    said: list = []
    a = _render(_graph(f16), said)
    psnr = _psnr(a, folder_frames)
    print(f"SVD fp16 checkpoint vs the fp32 folder: PSNR {psnr:.1f} dB")
    assert psnr >= 40.0
    notes = " ".join(str(getattr(e, "text", "")) for e in said)
    assert "weights: fp16 in Stability's layout" in notes


@pytest.mark.parametrize("scaled", [False, True], ids=["fp8", "scaled_fp8"])
def test_an_fp8_checkpoint_stays_in_8_bits_and_renders_near_the_folder(svd, tmp_path, folder_frames, scaled):
    """fp8 e4m3 Linear weights in all three parts (the VAE attention's 1x1 convs too), plain or
    ComfyUI's scaled fp8; stored in 8 bits, computed in fp32 on the CPU."""
    f8 = tiny_svd.to_fp8(svd[1], str(tmp_path / "svd_xt_tiny_fp8.safetensors"), scaled)
    said: list = []
    one = load_video_model(f8, base=None, device=CPU, dtype_name="fp32", info=said.append)
    fp8 = torch.float8_e4m3fn
    assert one.module.unet.down_blocks[0].attentions[0].transformer_blocks[0].attn1.to_q.weight.dtype == fp8
    assert one.module.vae.decoder.mid_block.attentions[0].to_q.weight.dtype == fp8
    assert one.module.image_encoder.vision_model.encoder.layers[0].mlp.fc1.weight.dtype == fp8
    assert said[0].startswith(f"weights: fp8 e4m3{' (scaled)' if scaled else ''} (")
    assert "stored in 8 bits, computed in fp32" in said[0]
    psnr = _psnr(_render(_graph(f8)), folder_frames)
    print(f"SVD {'scaled ' if scaled else ''}fp8 checkpoint vs the fp32 folder: PSNR {psnr:.1f} dB")
    assert psnr >= 35.0  # measured 39.9 dB plain, 39.1 dB scaled (every Linear of the three parts in 8 bits)


def test_a_first_stage_encoder_without_quant_conv_and_tensors_not_read_are_said(svd, tmp_path):
    """sgm's AutoencodingEngine has no quant_conv: the encoder under first_stage_model. alone gets the
    identity; tensors the three parts do not use (an EMA, the conditioner's decoder copy) are counted."""
    from safetensors.torch import load_file, save_file
    state = {k: v for k, v in load_file(svd[1]).items() if ".quant_conv." not in k}
    state = {(k.replace("conditioner.embedders.3.encoder.encoder.", "first_stage_model.encoder.")): v
             for k, v in state.items()}
    state["conditioner.embedders.3.encoder.decoder.conv_in.weight"] = torch.zeros(2, 2)
    state["model_ema.decay"] = torch.zeros(())
    path = str(tmp_path / "svd_first_stage.safetensors")
    save_file(state, path)
    said: list[str] = []
    one = load_video_model(path, base=None, device=CPU, dtype_name="fp32", info=said.append)
    q = one.module.vae.quant_conv
    assert torch.equal(q.weight[:, :, 0, 0], torch.eye(8)) and not q.bias.any()
    assert "VAE: svd_first_stage.safetensors: SVD temporal VAE (in the checkpoint), fp32, its quant_conv the identity " \
           "(the file's first stage has none)" in said
    assert said[0].endswith("; 2 of the file's tensors are not read (what sgm keeps beside the three parts: "
                            "conditioner.embedders.3.encoder. (1), model_ema.decay (1))")
    assert one.variant == "Stable Video Diffusion"  # (no xt in the name: 14 frames)
    assert one.module.unet.config.num_frames == 14


def test_each_part_is_built_on_the_meta_device(svd, monkeypatch):
    import diffusers
    import transformers
    seen: dict = {}
    rec = tp.meta_recorder(seen)
    for mod, name in ((diffusers, "UNetSpatioTemporalConditionModel"), (diffusers, "AutoencoderKLTemporalDecoder"),
                      (transformers, "CLIPVisionModelWithProjection")):
        monkeypatch.setattr(mod, name, rec(getattr(mod, name)))
    one = load_video_model(svd[1], base=None, device=CPU, dtype_name="bf16")
    assert seen == {"UNetSpatioTemporalConditionModel": {"meta"}, "AutoencoderKLTemporalDecoder": {"meta"},
                    "CLIPVisionModelWithProjection": {"meta"}}
    assert {p.dtype for p in one.module.unet.parameters()} == {torch.bfloat16}


def test_the_unet_alone_with_a_base_folder_is_converted_by_studio(svd, tmp_path):
    folder, _ = svd
    unet = tiny_svd.write_checkpoint(folder, str(tmp_path / "svd_unet.safetensors"), unet_only=True)
    said: list[str] = []
    one = load_video_model(unet, base=folder, device=CPU, dtype_name="fp32", info=said.append)
    ref = load_video_model(folder, base=None, device=CPU, dtype_name="fp32")
    got, held = one.module.unet.state_dict(), ref.module.unet.state_dict()
    assert set(got) == set(held) and all(torch.equal(got[k], held[k]) for k in held)
    assert any("in the original layout (renamed by Studio's converter)" in s for s in said), said


# -- the real svd_xt's names and shapes, header-only ------------------------------------------------------
REAL_UNET = {"sample_size": 96, "in_channels": 8, "out_channels": 4,
             "down_block_types": ["CrossAttnDownBlockSpatioTemporal"] * 3 + ["DownBlockSpatioTemporal"],
             "up_block_types": ["UpBlockSpatioTemporal"] + ["CrossAttnUpBlockSpatioTemporal"] * 3,
             "block_out_channels": [320, 640, 1280, 1280], "addition_time_embed_dim": 256,
             "projection_class_embeddings_input_dim": 768, "layers_per_block": 2, "cross_attention_dim": 1024,
             "transformer_layers_per_block": 1, "num_attention_heads": [5, 10, 20, 20], "num_frames": 25}
REAL_VAE = {"in_channels": 3, "out_channels": 3, "down_block_types": ["DownEncoderBlock2D"] * 4,
            "block_out_channels": [128, 256, 512, 512], "layers_per_block": 2, "latent_channels": 4,
            "scaling_factor": 0.18215, "force_upcast": True, "sample_size": 768}
REAL_CLIP = {"hidden_size": 1280, "intermediate_size": 5120, "num_hidden_layers": 32, "num_attention_heads": 16,
             "patch_size": 14, "image_size": 224, "hidden_act": "gelu", "layer_norm_eps": 1e-5, "projection_dim": 1024}
# stabilityai/stable-video-diffusion-img2vid-xt: unet/, vae/ and image_encoder/config.json (the values above)


def _real_shapes() -> dict:
    """The released svd_xt's tensors in Stability's names (the diffusers classes built with the
    released configs on the meta device, renamed by tiny_svd's map): name -> shape."""
    from accelerate import init_empty_weights
    from diffusers import AutoencoderKLTemporalDecoder, UNetSpatioTemporalConditionModel
    from transformers import CLIPVisionConfig, CLIPVisionModelWithProjection
    with init_empty_weights():
        unet = UNetSpatioTemporalConditionModel.from_config(REAL_UNET).state_dict()
        vae = AutoencoderKLTemporalDecoder.from_config(REAL_VAE).state_dict()
        clip = CLIPVisionModelWithProjection(CLIPVisionConfig(**REAL_CLIP)).state_dict()
    state = {**tiny_svd.sgm_unet(unet), **tiny_svd.sgm_vae(vae), **tiny_svd.sgm_clip(clip)}
    return {k: tuple(v.shape) for k, v in state.items()}


@pytest.fixture(scope="module")
def real(tmp_path_factory):
    """The released svd_xt written header-only (fp16, zero data: a sparse file, nothing read)."""
    shapes = _real_shapes()
    return layouts.write(str(tmp_path_factory.mktemp("real") / "svd_xt.safetensors"), shapes, "F16"), shapes


@pytest.fixture
def no_loads(monkeypatch):
    """Any weight load fails: what passes or is refused with it in place allocated nothing."""
    from nodes.video_models.files import single_file
    from nodes.video_models.families.svd import pipeline

    def refuse(*a, **k):
        raise AssertionError("weights were loaded")
    for mod in (single_file, pipeline):
        monkeypatch.setattr(mod, "lean_load", refuse)


def test_the_real_svd_xt_checkpoint_is_taken_whole_and_gives_the_released_configs(real, no_loads):
    import diffusers

    from nodes.video_models.base.recognise import recognise
    from nodes.video_models.files.weight_formats import check_single_file
    from nodes.video_models.families.svd import convert, pipeline
    path, shapes = real
    fam, wf = check_single_file(path)
    assert fam.key == "svd" and len(wf.tensors) == len(shapes) > 1500
    cls, cfg, unet = pipeline.denoiser_config(diffusers, fam, wf)
    assert (cls, cfg) == ("UNetSpatioTemporalConditionModel", REAL_UNET)
    parts, cfgs = pipeline._checked_parts(wf)
    assert cfgs == {"vae": REAL_VAE, "image_encoder": REAL_CLIP}
    taken = set(parts["vae"].source.values()) | set(parts["image_encoder"].source.values()) | \
        set(convert.unet(wf).source.values()) | {convert.CLIP + "proj"}
    assert taken == set(shapes)  # every tensor of the file has its place
    assert len(unet.tensors) == len(convert.unet(wf).source)
    r = recognise(shapes, filename="svd_xt.safetensors")
    assert (r.kind, r.variant) == ("checkpoint", "Stable Video Diffusion XT")
    assert "loads with no folder" in r.note


def test_a_unet_alone_says_what_is_missing_and_what_to_give(real, tmp_path, no_loads):
    _, shapes = real
    unet = layouts.write(str(tmp_path / "svd_xt_unet.safetensors"),
                         {k: v for k, v in shapes.items() if k.startswith("model.diffusion_model.")}, "F16")
    with pytest.raises(ModelError, match=r"svd_xt_unet\.safetensors' holds Stable Video Diffusion's UNet but not the "
                                         r"temporal VAE \(first_stage_model\.decoder\.\*\) nor the image encoder .*: "
                                         r"give the whole checkpoint .*, or set 'base' to a diffusers Stable Video "
                                         r"Diffusion folder"):
        load_video_model(unet, base=None, device=CPU, dtype_name="fp32")


@pytest.mark.parametrize("name,shape,said", [
    ("model.diffusion_model.input_blocks.4.0.time_stack.in_layers.2.weight", (640, 640, 5, 1, 1),
     r"UNet does not make one SVD UNetSpatioTemporalConditionModel: 'model\.diffusion_model\.input_blocks\.4\.0\."
     r"time_stack\.in_layers\.2\.weight' is \[640, 640, 5, 1, 1\] there, but the other tensors' shapes make it "
     r"\[640, 640, 3, 1, 1\] \(1 tensors differ, 0 missing, 0 left over\)"),
    ("first_stage_model.decoder.conv_out.time_mix_conv.weight", (3, 3, 5, 1, 1),
     r"temporal VAE does not make one SVD AutoencoderKLTemporalDecoder: 'first_stage_model\.decoder\.conv_out\."
     r"time_mix_conv\.weight' is \[3, 3, 5, 1, 1\] there, but the other tensors' shapes make it \[3, 3, 3, 1, 1\]"),
    ("conditioner.embedders.0.open_clip.model.visual.transformer.resblocks.7.mlp.c_fc.weight", (5000, 1280),
     r"image encoder does not make one SVD CLIPVisionModelWithProjection: 'conditioner\.embedders\.0\.open_clip\."
     r"model\.visual\.transformer\.resblocks\.7\.mlp\.c_fc\.weight' is \[5000, 1280\] there, but the other tensors' "
     r"shapes make it \[5120, 1280\]"),
])
def test_a_tensor_of_the_wrong_shape_is_named_before_allocation(real, tmp_path, no_loads, name, shape, said):
    _, shapes = real
    bad = layouts.write(str(tmp_path / "svd_xt.safetensors"), {**shapes, name: shape}, "F16")
    with pytest.raises(ModelError, match=said):
        load_video_model(bad, base=None, device=CPU, dtype_name="fp32")


def test_a_unet_in_diffusers_names_without_a_folder_says_to_give_one(tmp_path, no_loads):
    path = layouts.write(str(tmp_path / "svd_unet_diffusers.safetensors"), {
        "conv_in.weight": (320, 8, 3, 3), "down_blocks.0.attentions.0.temporal_transformer_blocks.0.norm_in.weight":
        (320,)}, "F16")
    with pytest.raises(ModelError, match=r"is a Stable Video Diffusion UNet in diffusers' names, which holds no VAE or "
                                         r"image encoder: set 'base' to a diffusers Stable Video Diffusion folder"):
        load_video_model(path, base=None, device=CPU, dtype_name="fp32")


def test_part_files_beside_the_checkpoint_are_refused(real, no_loads):
    path, _ = real
    with pytest.raises(ModelError, match=r"a VAE file '.*' was given, but Stable Video Diffusion takes its VAE and "
                                         r"image encoder from its checkpoint"):
        load_video_model(path, base=None, device=CPU, dtype_name="fp32", parts={"vae": path})


def test_main_py_models_lists_the_checkpoint_as_loadable(svd, tmp_path, monkeypatch, capsys):
    import json
    import shutil

    from studio.cli import main
    from studio.core import models
    monkeypatch.setenv("STUDIO_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("STUDIO_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("STUDIO_MODELS", raising=False)
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path / "hf"))
    (tmp_path / "ComfyUI" / "models" / "checkpoints").mkdir(parents=True)
    shutil.copy(svd[1], tmp_path / "ComfyUI" / "models" / "checkpoints" / "svd_xt.safetensors")
    models.save_settings({"models_dir": str(tmp_path / "none"), "comfyui_dir": str(tmp_path / "ComfyUI"),
                          "use_hf_cache": False})
    assert main(["models", "--json"]) == 0
    entry = {m["name"]: m for m in json.loads(capsys.readouterr().out)["models"]}["checkpoints/svd_xt.safetensors"]
    assert (entry["kind"], entry["family"], entry["variant"]) == ("checkpoint", "svd", "Stable Video Diffusion XT")
    assert entry["note"].endswith("in Stability's layout: loads with no folder (Studio's converter)")
    assert entry["fits"] and entry["denoiser_params"] > 0
