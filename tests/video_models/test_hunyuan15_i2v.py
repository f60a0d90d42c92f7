"""HunyuanVideo 1.5 image to video from ComfyUI's files alone (issue 45, item 2): the I2V denoiser
(Tencent's names; its file's name says i2v), the VAE, Qwen2.5-VL, byT5 and the SigLIP clip_vision
file (``sigclip_vision_patch14_384``: transformers' names under ``vision_model.``), the image
processor from Studio's data. A tiny I2V model written so renders the Image to Video frames of the
diffusers folder holding the same weights: fp32 on the CPU, exactly. A SigLIP that does not fit
the denoiser, a CLIP that is not SigLIP, and a SigLIP beside a text-to-video denoiser are refused
before anything is allocated."""
from __future__ import annotations

import os
import shutil

import pytest
import torch
from safetensors.torch import save_file

from nodes.video_models.base.errors import ModelError
from nodes.video_models.loading.load import load_video_model

from . import tiny_hunyuan15 as th

pytest.importorskip("diffusers")
CPU = torch.device("cpu")
PROMPT = 'a red fox running in the snow, a sign saying "hello"'


@pytest.fixture(scope="module")
def hy15_i2v(tmp_path_factory):
    """(the I2V folder, its parts as ComfyUI's files, with the Qwen tokenizer beside Qwen's file)."""
    root = tmp_path_factory.mktemp("hy15i2v")
    folder = th.build_hunyuan15(str(root / "hunyuanvideo15-i2v-tiny"), i2v=True)
    files = th.write_comfy_files(folder, str(root / "models"))
    shutil.copytree(os.path.join(folder, "tokenizer"), root / "models" / "tokenizer")
    return folder, files


def _parts(files, **more):
    return {c: files[c] for c in ("text_encoder", "text_encoder_2", "vae")} | more


def _frames(ref, flip: bool = False):
    from PIL import Image

    from .tiny import still
    pipe = ref.pipeline("i2v")
    th.shorten(pipe)
    pipe.target_size = 16  # the released 640 (480p) bucket would make a 640-pixel video of the tiny model
    pixels = still(16, 16)
    image = Image.fromarray(((pixels[::-1] if flip else pixels) * 255).astype("uint8"))
    return pipe(image=image, prompt=PROMPT, num_frames=5, num_inference_steps=2,
                generator=torch.Generator().manual_seed(0), output_type="pt").frames


def test_comfyuis_five_files_render_the_i2v_folders_frames_exactly(hy15_i2v):
    folder, files = hy15_i2v
    said = []
    one = load_video_model(files["denoiser"], base=None, device=CPU, dtype_name="fp32", info=said.append,
                           parts=_parts(files, image_encoder=files["clip_vision"]))
    assert type(one.module).__name__ == "HunyuanVideo15ImageToVideoPipeline"
    assert "480p I2V, shift 5.0, guidance 6.0" in said[0], said
    assert "CLIP vision: sigclip_vision_tiny.safetensors: SigLIP vision (2 layers, 32 wide), fp32" in said, said
    assert "CLIP vision SigLIP vision (2 layers, 32 wide), fp32" in one.summary()
    ref = load_video_model(folder, base=None, device=CPU, dtype_name="fp32")
    for r in (one, ref):  # the encoders that wait on disk while the prompt cache is on
        r.load_text_encoder()
    for name in ("transformer", "vae", "text_encoder", "text_encoder_2", "image_encoder"):
        got, held = getattr(one.module, name).state_dict(), getattr(ref.module, name).state_dict()
        assert set(got) == set(held) and all(torch.equal(got[k], held[k]) for k in held), name
        for p in getattr(ref.module, name).parameters():
            p.data = p.data.clone()  # fresh storage as Studio's reads make (test_comfy_parts._fresh)
    assert one.module.feature_extractor.to_dict() == ref.module.feature_extractor.to_dict()
    want = _frames(ref)
    assert torch.equal(_frames(one), want)
    assert (_frames(one, flip=True) - want).abs().max() > 0.05  # the image reaches the frames


def test_an_i2v_denoiser_without_the_siglip_file_asks_for_it(hy15_i2v):
    _, files = hy15_i2v
    with pytest.raises(ModelError, match=r"image-to-video denoiser \(its name says i2v\), which reads SigLIP image "
                                         r"states: set the CLIP vision file \(sigclip_vision_patch14_384\)"):
        load_video_model(files["denoiser"], base=None, device=CPU, dtype_name="fp32", parts=_parts(files))


def test_a_siglip_of_another_width_is_named_before_loading(hy15_i2v, tmp_path, monkeypatch):
    from transformers import SiglipVisionConfig, SiglipVisionModel

    from nodes.video_models.files import single_file
    _, files = hy15_i2v
    wide = SiglipVisionModel(SiglipVisionConfig(hidden_size=48, intermediate_size=8, num_hidden_layers=1,
                                                num_attention_heads=16, image_size=28, patch_size=14))
    f = str(tmp_path / "sigclip_48.safetensors")
    save_file({"vision_model." + k: v.contiguous() for k, v in wide.state_dict().items()}, f)
    # HunyuanVideo 1.5's reader binds load_with_config when first imported: imported here first, so a
    # first import under the patch cannot keep the failing stand-in for the worker's later tests
    import importlib
    hy_pipeline = importlib.import_module("nodes.video_models.families.hunyuan15.pipeline")
    for mod in (single_file, hy_pipeline):
        monkeypatch.setattr(mod, "load_with_config", lambda *a, **k: pytest.fail("the denoiser was loaded"))
    with pytest.raises(ModelError, match=r"the CLIP vision '.*sigclip_48.safetensors' \(SigLIP vision \(1 layers, 48 "
                                         r"wide\)\) gives image states 48 wide, but the denoiser "
                                         r"'hunyuanvideo1.5_480p_i2v_tiny_fp32.safetensors' reads 32"):
        load_video_model(files["denoiser"], base=None, device=CPU, dtype_name="fp32",
                         parts=_parts(files, image_encoder=f))


def test_a_clip_that_is_not_siglip_and_a_siglip_beside_a_t2v_denoiser_are_refused(hy15_i2v, hy15, tmp_path):
    from transformers import CLIPVisionConfig, CLIPVisionModel
    _, files = hy15_i2v
    clip = CLIPVisionModel(CLIPVisionConfig(hidden_size=32, intermediate_size=8, num_hidden_layers=1,
                                            num_attention_heads=16, image_size=28, patch_size=14))
    f = str(tmp_path / "clip_vision_l.safetensors")
    save_file({"vision_model." + k: v.contiguous() for k, v in clip.state_dict().items()}, f)
    with pytest.raises(ModelError, match=r"is CLIP vision \(1 layers\), but HunyuanVideo 1.5 reads SigLIP image "
                                         r"states: give sigclip_vision_patch14_384"):
        load_video_model(files["denoiser"], base=None, device=CPU, dtype_name="fp32",
                         parts=_parts(files, image_encoder=f))
    t2v_folder, t2v = hy15
    with pytest.raises(ModelError, match=r"the denoiser 'hunyuanvideo1.5_480p_t2v_tiny_fp32.safetensors' is "
                                         r"HunyuanVideo 1.5 text to video .* leave CLIP vision empty"):
        load_video_model(t2v["denoiser"], base=t2v_folder, device=CPU, dtype_name="fp32",
                         parts={"image_encoder": files["clip_vision"]})


def test_the_released_siglip_is_recognised_and_read_at_its_size_with_the_released_image_processor():
    from accelerate import init_empty_weights
    from transformers import SiglipVisionConfig, SiglipVisionModel

    from nodes.video_models.base.recognise import recognise
    from nodes.video_models.families.hunyuan15.parts import SIGLIP_IMAGE_PROCESSOR, siglip_config
    so400m = dict(hidden_size=1152, intermediate_size=4304, num_hidden_layers=27, num_attention_heads=16,
                  image_size=384, patch_size=14)
    with init_empty_weights():
        state = SiglipVisionModel(SiglipVisionConfig(**so400m)).state_dict()
    shapes = {"vision_model." + k: tuple(v.shape) for k, v in state.items()}
    r = recognise(shapes, filename="sigclip_vision_patch14_384.safetensors")
    assert (r.kind, r.family, r.variant) == ("clip_vision", "hunyuan15", "SigLIP so400m/14 384 (HunyuanVideo 1.5 I2V)")
    cfg = siglip_config({k: tuple(v.shape) for k, v in state.items()}, "sigclip_vision_patch14_384.safetensors")
    assert {k: cfg[k] for k in so400m} == so400m and cfg["vision_use_head"] is True
    assert SIGLIP_IMAGE_PROCESSOR == {k: v for k, v in th.RELEASED_SIGLIP_PROCESSOR.items()
                                      if not k.endswith(("_type", "_class"))}


def test_load_video_models_clip_vision_slot_takes_the_siglip_file(hy15_i2v):
    from studio.core.graph import Graph
    from studio.engine.events import NodeNote
    from studio.engine.executor import Executor
    _, files = hy15_i2v
    g = Graph()
    g.add_node("video_models.load", {"model": files["denoiser"], "text_encoder": files["text_encoder"],
                                     "text_encoder_2": files["text_encoder_2"], "vae": files["vae"],
                                     "clip_vision": files["clip_vision"], "dtype": "fp32"}, node_id="load")
    said = []
    ref = Executor().run(g, targets=["load"], device="cpu", use_cache=False, on_event=said.append).value("load")
    assert type(ref.pipeline("i2v")).__name__ == "HunyuanVideo15ImageToVideoPipeline"
    notes = [e.text for e in said if isinstance(e, NodeNote) and e.node_id == "load"]
    assert any("CLIP vision SigLIP vision (2 layers, 32 wide), fp32" in n for n in notes), notes


def test_with_the_i2v_folder_as_base_the_siglip_file_replaces_its_image_encoder(hy15_i2v, tmp_path):
    from transformers import SiglipVisionModel
    folder, files = hy15_i2v
    other = SiglipVisionModel.from_pretrained(os.path.join(folder, "image_encoder"))
    with torch.no_grad():
        for p in other.parameters():
            p.mul_(0.5)
    f = str(tmp_path / "sigclip_vision_halved.safetensors")
    save_file({"vision_model." + k: v.contiguous() for k, v in other.state_dict().items()}, f)
    said = []
    one = load_video_model(files["denoiser"], base=folder, device=CPU, dtype_name="fp32", info=said.append,
                           parts={"image_encoder": f})
    got = one.module.image_encoder.state_dict()
    assert all(torch.equal(got[k], v) for k, v in other.state_dict().items())
    assert "CLIP vision: sigclip_vision_halved.safetensors: SigLIP vision (2 layers, 32 wide), fp32 (instead of the " \
           "base folder's)" in said, said
