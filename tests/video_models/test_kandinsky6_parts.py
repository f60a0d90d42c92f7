"""Kandinsky 6 from ComfyUI's part files (issue 72, item 1). Its audio VAE with its vocoder in one file: the tiny
Kandinsky 6's audio VAE and vocoder written as ComfyUI keeps them (``vae.`` with the encoder left out,
``vocoder.``, the vocoder's settings in the header's ``bigvgan_config``) and as the release's audio_vae
file holds them (the encoder and the mel bank kept, no header), read back through Studio
(families/kandinsky6/audio_file.py) into diffusers' MMAudioVAE and MMAudioVocoder: the same tensors as the
folder's, the same sound from the same latents; told by its names; a vocoder of another VAE refused. The whole
set with no folder (the DiT in the release's native names, Kandinsky 5's Qwen2.5-VL, CLIP-L and HunyuanVideo
VAE files, the audio file beside the VAE): the frames and the sound of the diffusers folder holding the same
weights with the released settings no shape holds (fp32, CPU)."""
from __future__ import annotations

import json
import os

import pytest
import torch

from .tiny_kandinsky6 import write_audio_file

pytest.importorskip("diffusers")


def _public(config) -> dict:
    """A diffusers config's own fields, tuples as lists (as its JSON holds them)."""
    return json.loads(json.dumps({k: v for k, v in dict(config).items() if not k.startswith("_")}))


@pytest.fixture(scope="module")
def k6_dir(tiny):
    return tiny("kandinsky6")


@pytest.mark.parametrize("comfy", [True, False], ids=["comfyui", "release"])
def test_the_one_file_reads_into_diffusers_classes_and_makes_the_folders_sound(k6_dir, tmp_path, comfy):
    from diffusers import MMAudioVAE, MMAudioVocoder

    from nodes.video_models.base.recognise import recognise
    from nodes.video_models.families.kandinsky6 import audio_file
    from nodes.video_models.files.headers import read_json
    from nodes.video_models.files.weight_formats import read_weight_file
    wf = read_weight_file(write_audio_file(k6_dir, str(tmp_path / "kandinsky6_audio_vae.safetensors"), comfy))
    r = recognise({k: v.shape for k, v in wf.tensors.items()})
    assert (r.kind, r.family, r.variant) == ("vae", "kandinsky6", "Kandinsky 6 audio VAE and vocoder")
    known = read_json(os.path.join(k6_dir, "audio_vae", "config.json"))  # the settings no shape holds
    read = audio_file.read(wf, known)
    assert read["audio_vae"][2] is not comfy  # ComfyUI's file has no encoder
    got = audio_file.load(read, torch.float32)
    ref = {"audio_vae": MMAudioVAE.from_pretrained(os.path.join(k6_dir, "audio_vae")),
           "vocoder": MMAudioVocoder.from_pretrained(os.path.join(k6_dir, "vocoder"))}
    for c in ref:
        mine, theirs = got[c].state_dict(), ref[c].state_dict()
        if comfy and c == "audio_vae":
            theirs = {k: v for k, v in theirs.items() if not k.startswith("vae.encoder.")}
        assert set(mine) == set(theirs) and all(torch.equal(mine[k], theirs[k]) for k in theirs), c
        assert _public(got[c].config) == _public(ref[c].config), c
    z = torch.randn(1, 4, 5, generator=torch.Generator().manual_seed(0))
    with torch.no_grad():  # the pipeline's decode of the sound: the VAE's mel, then the vocoder's waveform
        mine = got["vocoder"](got["audio_vae"].decode(z).sample).sample
        theirs = ref["vocoder"](ref["audio_vae"].decode(z).sample).sample
    assert mine.abs().sum() > 0 and torch.equal(mine, theirs)
    assert "decoder only" in audio_file.words(read) if comfy else "decoder only" not in audio_file.words(read)


def test_a_vocoder_of_other_mel_bins_is_refused_before_a_load(k6_dir, tmp_path):
    from safetensors.torch import load_file, save_file

    from nodes.video_models.base.errors import ModelError
    from nodes.video_models.families.kandinsky6 import audio_file
    from nodes.video_models.files.weight_formats import read_weight_file
    path = write_audio_file(k6_dir, str(tmp_path / "a.safetensors"), comfy=False)
    tensors = load_file(path)
    tensors["vocoder.conv_pre.weight"] = torch.zeros(32, 8, 7)  # a vocoder for 8 mel bins
    save_file(tensors, path)
    with pytest.raises(ModelError, match="reads 8 mel bins, its VAE makes 16"):
        audio_file.read(read_weight_file(path))


CPU = torch.device("cpu")


@pytest.fixture(scope="module")
def k6_set(tmp_path_factory):
    from .tiny_kandinsky6 import build_kandinsky6_released_kind, write_comfy_set
    root = tmp_path_factory.mktemp("k6parts")
    folder = build_kandinsky6_released_kind(str(root / "tiny-kandinsky6"))
    return folder, write_comfy_set(folder, str(root / "comfy"))


def _call(ref, prompt="a red fox running"):
    out = ref.pipeline("t2v")(prompt=prompt, negative_prompt="static cartoon", height=32, width=32, num_frames=5,
                              num_inference_steps=2, guidance_scale=5.0, frame_rate=24.0, max_sequence_length=32,
                              sample_audio=True, generator=torch.Generator().manual_seed(0), output_type="np")
    return out.frames, out.audio


def test_comfyuis_files_alone_make_the_folders_frames_and_sound(k6_set):
    import numpy as np

    from nodes.video_models.loading.load import load_video_model
    folder, files = k6_set
    said = []
    one = load_video_model(files["denoiser"], base=None, device=CPU, dtype_name="fp32", info=said.append,
                           parts={c: files[c] for c in ("text_encoder", "text_encoder_2", "vae")})
    ref = load_video_model(folder, base=None, device=CPU, dtype_name="fp32")
    assert (one.fam.key, one.variant, type(one.module).__name__) == ("kandinsky6", "Kandinsky 6 TI2V",
                                                                     "Kandinsky6TI2VAPipeline")
    for name in ("transformer", "vae", "text_encoder", "text_encoder_2", "audio_vae", "vocoder"):
        got, held = getattr(one.module, name).state_dict(), getattr(ref.module, name).state_dict()
        if name == "audio_vae":  # ComfyUI's file: the decoder alone, its mel bank (unused to decode) the release's
            held = {k: v for k, v in held.items() if not k.startswith(("vae.encoder.", "mel_converter."))}
            got = {k: v for k, v in got.items() if not k.startswith("mel_converter.")}
        assert set(got) == set(held) and all(torch.equal(got[k], held[k]) for k in held), name
    assert any(s.startswith("audio VAE and vocoder: kandinsky6_audio_vae.safetensors: Kandinsky 6 audio VAE (decoder "
                            "only) and vocoder, 44100 Hz (found beside the VAE)") for s in said), said
    frames, sound = _call(one)
    want_frames, want_sound = _call(ref)
    assert np.array_equal(frames, want_frames) and sound is not None and np.array_equal(sound, want_sound)
    assert float(np.abs(sound).sum()) > 0


def test_with_no_audio_file_the_set_makes_the_picture_and_a_wrong_vae_slot_is_named(k6_set, tmp_path):
    import shutil

    from nodes.video_models.base.errors import ModelError
    from nodes.video_models.loading.load import load_video_model
    _, files = k6_set
    den = shutil.copy(files["denoiser"], str(tmp_path / os.path.basename(files["denoiser"])))
    vae = shutil.copy(files["vae"], str(tmp_path / os.path.basename(files["vae"])))  # no audio file beside either
    parts = {"text_encoder": files["text_encoder"], "text_encoder_2": files["text_encoder_2"], "vae": vae}
    said = []
    one = load_video_model(den, base=None, device=CPU, dtype_name="fp32", info=said.append, parts=parts)
    assert one.module.audio_vae is None and one.module.vocoder is None
    assert any("the picture only, no sound" in s for s in said), said
    from types import SimpleNamespace

    from nodes.video_models.families.kandinsky6.node import Kandinsky6Video
    why = Kandinsky6Video().sound_problem(one, SimpleNamespace(pipe=one.module))  # Video + Sound's refusal
    assert "put kandinsky6_audio_vae.safetensors beside the VAE" in why
    with pytest.raises(ModelError, match="'vae' takes the picture's VAE"):
        load_video_model(den, base=None, device=CPU, dtype_name="fp32", parts={**parts, "vae": files["audio"]})


# Kandinsky 6 Pro's DiT as released (ComfyUI's comfy/ldm/kandinsky6/core_contract.py DIT_CONFIG)
PRO = dict(in_visual_dim=16, out_visual_dim=16, in_text_dim=3584, in_text_dim2=768, time_dim=1024, model_dim=4096,
           ff_dim=16384, num_text_blocks=4, num_visual_blocks=60, axes_dims=(32, 48, 48), visual_cond=True,
           in_audio_dim=40, out_audio_dim=40, model_dim_a=2048, time_dim_a=1024, ff_dim_a=7168, axes_dims_a=(32, 48, 48),
           audio_freqs_scaling=0.144, text_token_padding=True, ca_rope=True, cross_gates=True, fix_modulation=True,
           visual_token_type_num_embeddings=2)


def test_the_released_shapes_give_the_released_configs_with_nothing_allocated():
    """The Pro DiT (in the release's native names under ComfyUI's prefix), the audio VAE (128 mel bins, 40
    latent channels) and BigVGAN-v2's 44 kHz vocoder built on the meta device: the configs read from their
    shapes are the released ones."""
    from diffusers import Kandinsky6Transformer3DModel, MMAudioVAE, MMAudioVocoder

    from nodes.video_models.families.kandinsky6 import audio_file, parts
    from nodes.video_models.families.kandinsky6.layouts import convert_transformer
    from studio.engine.meta_device import meta_device

    from .tiny_kandinsky6 import native_name
    with meta_device():
        dit, vae, voc = Kandinsky6Transformer3DModel(**PRO), MMAudioVAE(), MMAudioVocoder()
    native = {"model.diffusion_model." + native_name(k): v for k, v in dit.state_dict().items()}
    got = parts.transformer_config({k: tuple(v.shape) for k, v in convert_transformer(native).items()}, "pro.safetensors")
    assert {k: tuple(v) if isinstance(v, list) else v for k, v in got.items() if k in PRO} == PRO
    shapes = {k: tuple(v.shape) for k, v in vae.state_dict().items() if not k.startswith("vae.encoder.")}
    assert audio_file.vae_config(shapes, "a.safetensors") == {**_public(vae.config), "scaling_factor": 0.5302}  # the
    # release's latent scale, not MMAudioVAE's default
    voc_shapes = {k: tuple(v.shape) for k, v in voc.state_dict().items()}
    assert audio_file.vocoder_config(voc_shapes, {}, "a.safetensors") == _public(voc.config)


def test_a_converted_comfyui_workflow_makes_the_folders_clip_and_sound_from_its_files(k6_set):
    """A ComfyUI Kandinsky 6 workflow (UNETLoader, DualCLIPLoader, VAELoader, its joint latent) converted: Load
    Video Model gets its DiT, both text encoders and the VAE; with the tiny files and no 'base' the Kandinsky 6
    Video + Sound node makes the frames and the sound of the same graph on the folder."""
    import copy

    import numpy as np

    from studio.convert.mapping.convert import convert
    from studio.engine.executor import Executor
    from tests.convert.test_comfy_kandinsky6 import T2VA
    folder, files = k6_set
    g = convert(copy.deepcopy(T2VA)).graph
    load = next(n for n in g.nodes.values() if n.type_id == "video_models.load")
    gen = next(n for n in g.nodes.values() if n.type_id == "video_models.kandinsky6")
    assert {c: load.params[c] for c in ("text_encoder", "text_encoder_2", "vae")} == {
        "text_encoder": "qwen_2.5_vl_7b_fp8_scaled.safetensors", "text_encoder_2": "clip_l.safetensors",
        "vae": "hunyuan_video_vae_bf16.safetensors"}
    load.params.update(model=files["denoiser"], dtype="fp32", **{c: files[c] for c in ("text_encoder", "text_encoder_2",
                                                                                       "vae")})
    gen.params.update(width=32, height=32, frames=5, steps=2, previews=False, preview_size="off")
    clip = Executor().run(g, targets=[gen.id], device="cpu", use_cache=False).value(gen.id)
    load.params.update(model=folder, text_encoder="", text_encoder_2="", vae="")
    want = Executor().run(g, targets=[gen.id], device="cpu", use_cache=False).value(gen.id)
    assert clip.n_frames == 5 and np.array_equal(clip.frames, want.frames)
    assert clip.audio is not None and np.array_equal(clip.audio.samples, want.audio.samples)
