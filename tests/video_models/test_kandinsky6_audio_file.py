"""Kandinsky 6's audio VAE with its vocoder in one file (issue 72, item 1: ComfyUI's part files): the tiny
Kandinsky 6's audio VAE and vocoder written as ComfyUI keeps them (``vae.`` with the encoder left out,
``vocoder.``, the vocoder's settings in the header's ``bigvgan_config``) and as the release's audio_vae
file holds them (the encoder and the mel bank kept, no header), read back through Studio
(families/kandinsky6/audio_file.py) into diffusers' MMAudioVAE and MMAudioVocoder: the same tensors as the
folder's, the same sound from the same latents; told by its names; a vocoder of another VAE refused."""
from __future__ import annotations

import json
import os

import pytest
import torch

pytest.importorskip("diffusers")


def _folder_parts(folder: str) -> tuple[dict, dict, dict]:
    from safetensors.torch import load_file
    vae = load_file(os.path.join(folder, "audio_vae", "diffusion_pytorch_model.safetensors"))
    voc = load_file(os.path.join(folder, "vocoder", "diffusion_pytorch_model.safetensors"))
    with open(os.path.join(folder, "vocoder", "config.json"), encoding="utf-8") as f:
        return vae, voc, json.load(f)


def write_audio_file(folder: str, path: str, comfy: bool = True) -> str:
    """The folder's audio VAE and vocoder in one file: ComfyUI's (decoder only, ``bigvgan_config`` in the
    header) or the release's (the encoder and mel bank kept); the test's own inverse of the reading."""
    from safetensors.torch import save_file
    vae, voc, cfg = _folder_parts(folder)
    keep = ("vae.decoder.", "vae.data_") if comfy else ("vae.", "mel_converter.")
    out = {k: v.contiguous() for k, v in vae.items() if k.startswith(keep)}
    out.update({"vocoder." + k: v.contiguous() for k, v in voc.items()})
    meta = {"kandinsky6_audio_vae": "1", "bigvgan_config": json.dumps({
        "resblock": "1", "activation": "snakebeta", "snake_logscale": True, "use_bias_at_final": False,
        "use_tanh_at_final": False, **{k: cfg[k] for k in ("num_mels", "upsample_rates", "upsample_kernel_sizes",
                                                           "upsample_initial_channel", "resblock_kernel_sizes",
                                                           "resblock_dilation_sizes")}})} if comfy else None
    save_file(out, path, metadata=meta)
    return path


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
        public = {k: v for k, v in dict(got[c].config).items() if not k.startswith("_")}
        assert all(public[k] == (list(v) if isinstance(v, tuple) else v) or list(map(list, v)) == public[k]
                   for k, v in dict(ref[c].config).items() if k in public), c
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
