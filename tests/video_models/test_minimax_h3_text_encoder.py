"""MiniMax H3's ComfyUI Qwen3-VL text-encoder file wired into Load Video Model (families/minimax_h3/text_file.py
load_conditioner, parts.py): a tiny random Qwen3-VL written in ComfyUI's layout (tiny_minimax_h3_text.py: 50
layers, no final norm, the vision tower under ``visual.``; plain or NVFP4-AWQ; with or without the tower) read
as the Qwen3VLForConditionalGeneration diffusers' pipeline calls, its prompt embeddings (text, and text with a
picture through the tower) equal to the source model's; Text to Video from the DiT, VAE and Qwen3-VL files with
no 'base' equal to diffusers' modular pipeline called directly with the same components; what is missing refused
in words."""
from __future__ import annotations

import os
import shutil

import numpy as np
import pytest
import torch

from nodes.video_models.base.capabilities import Modular
from nodes.video_models.base.errors import ModelError

from .test_minimax_h3_vae_files import dit_and_base, vaes  # noqa: F401  (tiny VAEs, ComfyUI's files; a base)
from .tiny_minimax_h3_text import tiny_conditioner, tokenizer_and_processor, write_text_encoder

pytest.importorskip("transformers")


@pytest.fixture(scope="module")
def made(tmp_path_factory):
    """The tiny conditioner, its tokenizer and processor, and ComfyUI-layout files of it: 'plain' (with the
    tower), 'nvfp4' (NVFP4-AWQ, no tower) each in its text_encoders folder with tokenizer/ beside, and 'bare'
    (no tokenizer anywhere); ComfyUI's pruned fl2va DiT file of the tiny size."""
    from safetensors.torch import save_file

    from nodes.video_models.families.minimax_h3.curve import MiniMaxH3CurveTransformer
    from .test_minimax_h3_curve import DIT, GRID, comfy_layout
    root = tmp_path_factory.mktemp("minimax_te")
    tok, proc = tokenizer_and_processor(str(root / "t"))
    model = tiny_conditioner(tok)
    files = {"plain": write_text_encoder(str(root / "plain"), model, tok),
             "nvfp4": write_text_encoder(str(root / "nvfp4"), model, tok, nvfp4=True, vision=False),
             "bare": write_text_encoder(str(root / "bare"), model, tok, tokenizer=False)}
    torch.manual_seed(3)
    dit = MiniMaxH3CurveTransformer(**dict(DIT, time_embed_dim=8), adaln_curve_grid=GRID)
    files["dit"] = str(root / "minimax_h3_fl2va_pruned_int8_convrot.safetensors")
    save_file(comfy_layout(dit), files["dit"])
    return model, tok, proc, files


def _embeds(te, tok, proc, picture: bool):
    """diffusers' get_qwen3vl_prompt_embeds of a prompt (after a picture's vision block when ``picture``)."""
    from diffusers.modular_pipelines.minimax_h3.encoders import get_qwen3vl_prompt_embeds
    from PIL import Image
    ids, vision = tok("a robot dancing", add_special_tokens=False)["input_ids"], {}
    if picture:
        img = Image.fromarray((np.random.RandomState(0).rand(64, 96, 3) * 255).astype(np.uint8))
        v = proc.image_processor(images=[img], return_tensors="pt")
        n = int(v["image_grid_thw"][0].prod()) // 4
        ids = [tok.convert_tokens_to_ids("<|vision_start|>")] + [tok.convert_tokens_to_ids("<|image_pad|>")] * n + \
            [tok.convert_tokens_to_ids("<|vision_end|>")] + ids
        vision = {"pixel_values": v["pixel_values"], "image_grid_thw": v["image_grid_thw"]}
    with torch.no_grad():
        return get_qwen3vl_prompt_embeds(te, proc, ids, vision, 50, "cpu", torch.float32)


def test_the_file_reads_as_the_conditioner_the_pipeline_calls(made):
    """ComfyUI's layout (50 layers, no final norm, the tower under visual.) read as Qwen3VLForConditionalGeneration:
    hidden_states[50] of a prompt, and of a picture and a prompt through the tower, equal the 51-layer source's."""
    from nodes.video_models.families.minimax_h3 import text_file
    model, tok, proc, files = made
    te = text_file.load_conditioner(files["plain"], tok, torch.float32)
    assert type(te).__name__ == "Qwen3VLForConditionalGeneration" and len(te.model.language_model.layers) == 50
    assert isinstance(te.model.language_model.norm, torch.nn.Identity)
    assert te.config.vision_config.deepstack_visual_indexes == [8, 16, 24] and te.config.vision_config.num_heads == 2
    for picture in (False, True):
        got, want = _embeds(te, tok, proc, picture), _embeds(model, tok, proc, picture)
        assert got.shape[-1] == 16 and want.std() > 0
        torch.testing.assert_close(got, want, rtol=0, atol=0)


def test_the_nvfp4_file_keeps_its_layers_packed_and_has_no_tower(made):
    """NVFP4-AWQ: its 350 decoder Linears kept packed (AWQ scales on their inputs), the embeddings equal the
    source's with every weight dequantised; no tower: a picture refused naming the file."""
    from nodes.video_models.families.minimax_h3 import text_file
    from nodes.video_models.files import comfy_nvfp4
    from safetensors.torch import load_file

    from .tiny_minimax_h3_text import comfy_layout
    model, tok, proc, files = made
    te = text_file.load_conditioner(files["nvfp4"], tok, torch.float32)
    assert sum(isinstance(m, comfy_nvfp4.NVFP4Linear) for m in te.modules()) == 350
    assert isinstance(te.model.visual, text_file.NoVision)
    plain = comfy_nvfp4.dequantise_state_dict(load_file(files["nvfp4"]), torch.float32, path=files["nvfp4"])
    ref = tiny_conditioner(tok)
    ref.model.language_model.load_state_dict({k[len("model."):]: v for k, v in plain.items()}, strict=False)
    assert set(comfy_layout(model)) - set(plain) == {k for k in comfy_layout(model) if k.startswith("visual.")}
    torch.testing.assert_close(_embeds(te, tok, proc, False), _embeds(ref, tok, proc, False), rtol=1e-4, atol=1e-5)
    with pytest.raises(ModelError, match=r"holds no vision tower \(visual\.\*\).*qwen3vl_32b_minimax_h3_nvfp4_awq"):
        _embeds(te, tok, proc, True)


def test_text_to_video_from_comfyuis_files_with_no_base_equals_the_pipeline(made, vaes):  # noqa: F811
    """Load Video Model with the DiT file, the video VAE file (its audio VAE beside) and the NVFP4 Qwen3-VL file
    (no tower; tokenizer/ beside), no 'base': Text to Video equals diffusers' modular pipeline called directly
    with the same components (the dequantised conditioner, the diffusers VAEs, schedulers of shift 12 and 3)."""
    from diffusers.modular_pipelines import MiniMaxH3Blocks
    from diffusers.schedulers.scheduling_minimax_h3 import MiniMaxH3Scheduler
    from safetensors.torch import load_file

    from nodes.video_models.families.minimax_h3 import comfy_file
    from nodes.video_models.files import comfy_nvfp4
    from .tiny_minimax_h3 import T2V, run_t2v
    _, tok, proc, files = made
    video, audio, vae_files = vaes
    clip, seed = run_t2v({"model": files["dit"], "base": "", "vae": vae_files["video"], "text_encoder": files["nvfp4"]})
    assert (clip.n_frames, clip.width, clip.height) == (124, 32, 32)
    te = tiny_conditioner(tok)
    plain = comfy_nvfp4.dequantise_state_dict(load_file(files["nvfp4"]), torch.float32, path=files["nvfp4"])
    te.model.language_model.load_state_dict({k[len("model."):]: v for k, v in plain.items()}, strict=False)
    pipe = MiniMaxH3Blocks().init_pipeline()
    pipe.update_components(transformer=comfy_file.load(files["dit"], torch.float32).eval(), vae=video, audio_vae=audio,
                           text_encoder=te, tokenizer=tok, processor=proc, scheduler=MiniMaxH3Scheduler(shift=12.0),
                           audio_scheduler=MiniMaxH3Scheduler(shift=3.0))
    out = pipe(prompt=T2V["prompt"], generator=torch.Generator().manual_seed(seed), num_inference_steps=T2V["steps"],
               height=T2V["height"], width=T2V["width"], num_frames=T2V["frames"], output_type="np")
    want = np.clip(np.asarray(out.get("videos")[0], np.float32), 0, 1)
    assert clip.frames.std() > 0.01
    np.testing.assert_allclose(clip.frames, want, atol=1e-4)


def test_what_is_missing_is_refused_in_words(made, vaes, tmp_path):  # noqa: F811
    """No tokenizer anywhere: refused naming where Studio looked. A DiT file with its VAE only: refused naming the
    text encoder to set. A text encoder with no tower: Image to Video and Reference to Video refused in one sentence
    naming the node, the file and what to give (text to video loads). Too few layers: refused."""
    from safetensors.torch import load_file, save_file

    from nodes.video_models.families.minimax_h3.family import FAMILY
    from nodes.video_models.loading.load import load_video_model
    _, _, _, files = made
    _, _, vae_files = vaes
    load = dict(base=None, device="cpu", dtype_name="fp32")
    beside = os.path.join(os.path.dirname(files["bare"]), "tokenizer")
    with pytest.raises(ModelError, match=rf"carries no tokenizer .*Studio looked in the file, in '{beside}', and in "
                                         r"'base' \(empty\)"):
        load_video_model(files["dit"], **load, parts={"vae": vae_files["video"], "text_encoder": files["bare"]})
    with pytest.raises(ModelError, match=r"is read with its Qwen3-VL text encoder \('text_encoder': "
                                         r"qwen3vl_32b_minimax_h3_nvfp4_awq.* set on Load Video Model"):
        load_video_model(files["dit"], **load, parts={"vae": vae_files["video"]})
    with pytest.raises(ModelError, match=r"'clip_vision': MiniMax H3 has no such part"):
        load_video_model(files["dit"], **load, parts={"vae": vae_files["video"], "text_encoder": files["nvfp4"],
                                                      "clip_vision": files["nvfp4"]})
    ref = load_video_model(files["dit"], **load, parts={"vae": vae_files["video"], "text_encoder": files["nvfp4"]})
    assert ref.config["base"] is None and "text_encoder qwen3vl_32b_minimax_h3_nvfp4_awq.safetensors" in ref.weights
    for task, node in (("i2v", "Image to Video"), ("r2v", "MiniMax H3 Reference to Video")):
        with pytest.raises(ModelError, match=rf"^{node}: the text encoder '.*nvfp4.*' holds no vision tower .* set "
                                             r"Load Video Model's text_encoder to ComfyUI's qwen3vl_32b_minimax_h3_nvfp4_awq"):
            FAMILY.capability(Modular).ready(None, ref, task)
    short = {k: v for k, v in load_file(files["plain"]).items() if not k.startswith("model.layers.49.")}
    shutil.copytree(os.path.dirname(files["plain"]), tmp_path / "short")
    save_file(short, str(tmp_path / "short" / os.path.basename(files["plain"])))
    with pytest.raises(ModelError, match=r"holds 49 language layers: MiniMax H3 conditions on the raw hidden state "
                                         r"after layer 50"):
        load_video_model(files["dit"], **load, parts={"vae": vae_files["video"],
                                                      "text_encoder": str(tmp_path / "short" / os.path.basename(files["plain"]))})


def test_with_a_base_folder_the_file_replaces_its_text_encoder(made, vaes, dit_and_base):  # noqa: F811
    """With a base folder (holding no VAEs: ComfyUI's VAE files are given too), the Qwen3-VL file set as
    'text_encoder' is read in place of the folder's (its tokenizer and processor the folder's, as none is beside
    it here), its tower included, said in the model's weights."""
    from nodes.video_models.loading.load import load_video_model
    model, tok, proc, files = made
    dit, folder = dit_and_base
    alone = os.path.join(os.path.dirname(files["bare"]), "qwen3vl_32b_minimax_h3_nvfp4_awq.safetensors")
    said = []
    ref = load_video_model(dit, base=folder, device="cpu", dtype_name="fp32", info=said.append,
                           parts={"text_encoder": alone, "vae": vaes[2]["video"]})
    te = ref.module.text_encoder
    assert len(te.model.language_model.layers) == 50 and not isinstance(te.model.visual, torch.nn.Identity)
    assert "text_encoder qwen3vl_32b_minimax_h3_nvfp4_awq.safetensors: ComfyUI's Qwen3-VL text encoder" in ref.weights
    folder_tok = ref.module.tokenizer
    assert te.config.image_token_id == folder_tok.convert_tokens_to_ids("<|image_pad|>")
    torch.testing.assert_close(_embeds(te, tok, proc, True), _embeds(model, tok, proc, True), rtol=0, atol=0)
