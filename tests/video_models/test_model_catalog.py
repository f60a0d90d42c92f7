"""The model catalog (issue 45, 1): the models folders listed from their headers only, ComfyUI's
layout and extra_model_paths.yaml, the Hugging Face cache, a diffusers folder saved with
save_pretrained, each entry's family, variant, kind, dtype and memory fit, the cache by (path, size,
mtime), and ``main.py models [--json]``."""
from __future__ import annotations

from studio.engine.meta_device import meta_device

import json
import os

import pytest

from nodes.video_models.catalog import headers, listing as catalog
from nodes.video_models.memory.modes import predicted_peak
from nodes.video_models.memory.sizes import GB, Sizes, usable
from studio.core import models

from . import layouts as L

H100 = catalog.Machine("cuda", "H100", 80 * GB)


@pytest.fixture
def comfy(tmp_path, monkeypatch):
    """A ComfyUI folder as the only models folder of the settings; the catalog's cache in tmp_path."""
    monkeypatch.setenv("STUDIO_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("STUDIO_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("STUDIO_MODELS", raising=False)
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path / "hf"))
    files = L.comfy_folder(str(tmp_path / "ComfyUI"))
    models.save_settings({"models_dir": str(tmp_path / "none"), "comfyui_dir": str(tmp_path / "ComfyUI"),
                          "use_hf_cache": False})
    return tmp_path, files


def by_name(entries):
    return {os.path.basename(e.path): e for e in entries}


def test_comfyui_folder_listed_by_family_variant_kind_and_dtype(comfy):
    tmp_path, files = comfy
    m = tmp_path / "ComfyUI" / "models"
    os.mkfifo(m / "diffusion_models" / "stuck.safetensors")  # opened, it would wait forever for a writer
    (m / "diffusion_models" / "old.ckpt").write_text("pickle")
    L.write(str(m / "loras" / "odd.safetensors"), {"foo.bar": (3, 4), "baz": (1,)})
    L.write(str(m / "upscale_models" / "4x.safetensors"), {"conv.weight": (3, 3)})  # not a model Studio loads
    L.write(str(m / "frame_interpolation" / "rife_v4.26.safetensors"), {"encode.cnn0.weight": (16, 3, 3, 3)})
    notes: list[str] = []
    got = by_name(catalog.list_models(m=H100, notes=notes))
    want = {  # file: (kind, family, variant, dtype)
        "wan2.1_t2v_1.3B_bf16.safetensors": ("denoiser", "wan", "Wan 2.1 1.3B T2V", "bf16"),
        "wan2.1_i2v_480p_14B_fp8_e4m3fn.safetensors": ("denoiser", "wan", "Wan 2.1 14B I2V", "fp8_e4m3fn"),
        "ltx-video-2b-v0.9.5.safetensors": ("denoiser", "ltx", "LTX-Video 2B", "bf16"),  # in models/unet
        "umt5_xxl_fp8_e4m3fn_scaled.safetensors": ("text_encoder", "wan", "UMT5-XXL (Wan)", "fp8_e4m3fn scaled"),
        "t5xxl_fp16.safetensors": ("text_encoder", "ltx", "T5-XXL (LTX-Video, CogVideoX)", "fp16"),  # models/clip
        "wan_2.1_vae.safetensors": ("vae", "wan", "Wan 2.1 VAE", "bf16"),
        "clip_vision_h.safetensors": ("clip_vision", "wan", "CLIP ViT-H/14 (Wan 2.1 I2V, FLF2V)", "fp16"),
        "wan_style_lora.safetensors": ("lora", "wan", "LoRA for Wan, rank 16", "bf16"),
    }
    for f, (kind, fam, variant, dtype) in want.items():
        e = got[f]
        assert (e.kind, e.family, e.variant, e.dtype) == (kind, fam, variant, dtype), f
        assert e.size == os.path.getsize(e.path)
    assert got["wan2.1_t2v_1.3B_bf16.safetensors"].name == "diffusion_models/wan2.1_t2v_1.3B_bf16.safetensors"
    assert "tokenizer inside" in got["umt5_xxl_fp8_e4m3fn_scaled.safetensors"].note
    # an unknown file says what it holds; the FIFO and the pickle are left out, each with a note
    odd = got["odd.safetensors"]
    assert odd.kind == "unknown" and "foo.bar [3, 4]" in odd.note and "lora folder" in odd.note
    assert "stuck.safetensors" not in got and "old.ckpt" not in got
    assert any("stuck.safetensors" in n and "not a regular file" in n for n in notes)
    assert any("old.ckpt" in n and "pickle" in n for n in notes)
    assert "4x.safetensors" not in got and any("upscale_models not read" in n for n in notes)
    assert "rife_v4.26.safetensors" not in got and any("frame_interpolation not read here (Interpolate Frames"
                                                       in n for n in notes)


@pytest.mark.parametrize("shapes,name,variant", [
    (L.wan(5120, 36, 40, i2v=True, flf=True), "flf.safetensors", "Wan 2.1 14B FLF2V"),
    (L.wan(5120, 16, 40, vace_layers=8), "vace.safetensors", "Wan 2.1 14B VACE"),
    (L.wan(1536, 16, 30, vace_layers=15), "vace13.safetensors", "Wan 2.1 1.3B VACE"),
    (L.wan(3072, 48, 30), "ti2v.safetensors", "Wan 2.2 TI2V-5B"),
    (L.wan(5120, 36, 40), "wan2.2_i2v_low_noise_14B.safetensors", "Wan 2.2 A14B I2V (low-noise expert)"),
    (L.wan(5120, 16, 40), "wan2.2_t2v_high_noise_14B.safetensors", "Wan 2.2 A14B T2V (high-noise expert)"),
    (L.wan(5120, 16, 40), "wan14b.safetensors", "Wan 2.1 14B T2V"),
    (L.wan(1536, 16, 30, prefix="model.diffusion_model."), "prefixed.safetensors", "Wan 2.1 1.3B T2V"),
    (L.ltx(48), "ltxv-13b.safetensors", "LTX-Video 13B"),
    (L.ltx2(), "ltx-2.safetensors", "LTX-2 19B"),
    (L.hunyuan15(), "hy15.safetensors", "HunyuanVideo 1.5"),
    (L.gemma3(), "gemma.safetensors", "Gemma 3 12B (LTX-2)"),
    (L.wan_vae(48), "vae22.safetensors", "Wan 2.2 VAE (TI2V-5B)"),
    (L.wan_lora(kohya=True), "kohya.safetensors", "LoRA for Wan, rank 16"),
])
def test_variants_told_from_names_and_shapes(tmp_path, shapes, name, variant):
    e = catalog.describe_file(L.write(str(tmp_path / name), shapes))
    assert e.variant == variant


def test_an_all_in_one_checkpoint_and_an_odd_size_say_so(tmp_path):
    e = catalog.describe_file(L.write(str(tmp_path / "ltxv.safetensors"), L.ltx(28, vae=True)))
    assert (e.kind, e.variant) == ("checkpoint", "LTX-Video 2B") and "denoiser and VAE" in e.note
    e = catalog.describe_file(L.write(str(tmp_path / "w.safetensors"), L.wan(1024, 16, 12)))
    assert e.variant == "Wan T2V (width 1024, 12 blocks)" and "unusual size" in e.note


def test_extra_model_paths_yaml_followed_safely(comfy, tmp_path):
    root = tmp_path / "ComfyUI"
    shared = tmp_path / "shared"
    L.write(str(shared / "big" / "unets" / "wan14b.safetensors"), L.wan(5120, 16, 40))
    L.write(str(shared / "te" / "umt5.safetensors"), L.t5(umt5=True))
    (root / "extra_model_paths.yaml").write_text(
        "studio_test:\n"
        "    base_path: ../shared/\n"
        "    is_default: true\n"
        "    diffusion_models: |\n"
        "        big/unets\n"
        "        missing/folder\n"
        "    text_encoders: te\n"
        "    upscale_models: upscalers\n"
        "evil: !!python/object/apply:os.system ['touch pwned']\n")
    notes: list[str] = []
    got = by_name(catalog.list_models(m=H100, notes=notes))
    assert "not valid YAML" in " ".join(notes)  # safe_load refuses the python tag: nothing is run
    assert not (tmp_path / "pwned").exists() and not os.path.exists("pwned")
    (root / "extra_model_paths.yaml").write_text(
        (root / "extra_model_paths.yaml").read_text().replace("evil: !!python/object/apply:os.system ['touch pwned']\n",
                                                              ""))
    notes.clear()
    got = by_name(catalog.list_models(m=H100, notes=notes))
    assert got["wan14b.safetensors"].variant == "Wan 2.1 14B T2V"
    assert got["wan14b.safetensors"].name == "wan14b.safetensors"  # a kind folder of the YAML is a root
    assert models.resolve("wan14b.safetensors") == str(shared / "big" / "unets" / "wan14b.safetensors")
    assert got["umt5.safetensors"].kind == "text_encoder"
    assert any("missing" in n and "does not exist" in n for n in notes)


@pytest.fixture(scope="module")
def wan_transformer(tmp_path_factory):
    """A tiny Wan transformer saved with diffusers' save_pretrained (its real key names)."""
    import torch
    from diffusers import WanTransformer3DModel
    torch.manual_seed(0)
    t = WanTransformer3DModel(patch_size=(1, 2, 2), num_attention_heads=2, attention_head_dim=12, in_channels=16,
                              out_channels=16, text_dim=32, freq_dim=256, ffn_dim=32, num_layers=2,
                              cross_attn_norm=True, qk_norm="rms_norm_across_heads", rope_max_seq_len=32)
    d = tmp_path_factory.mktemp("saved") / "transformer"
    t.save_pretrained(str(d), safe_serialization=True)
    return d, sum(v.numel() for v in t.state_dict().values())


def _diffusers_folder(root, transformer_dir):
    import shutil
    os.makedirs(root, exist_ok=True)
    shutil.copytree(transformer_dir, os.path.join(root, "transformer"))
    with open(os.path.join(root, "model_index.json"), "w") as f:
        json.dump({"_class_name": "WanImageToVideoPipeline", "transformer": ["diffusers", "WanTransformer3DModel"],
                   "scheduler": ["diffusers", "FlowMatchEulerDiscreteScheduler"]}, f)
    return root


def test_diffusers_folder_hf_cache_and_diffusers_layout_file(tmp_path, monkeypatch, wan_transformer):
    tdir, numel = wan_transformer
    monkeypatch.setenv("STUDIO_CACHE_DIR", str(tmp_path / "cache"))
    plain = _diffusers_folder(str(tmp_path / "models" / "my-wan"), tdir)
    snap = _diffusers_folder(str(tmp_path / "hf" / "models--Wan-AI--Tiny-Wan" / "snapshots" / "abc123"), tdir)
    single = tmp_path / "models" / "wan_diffusers_layout.safetensors"
    single.write_bytes((tdir / "diffusion_pytorch_model.safetensors").read_bytes())
    roots = [models.Root(str(tmp_path / "models")), models.Root(str(tmp_path / "hf"), "", "hf-cache")]
    got = {e.name: e for e in catalog.list_models(roots, m=H100)}
    folder = got["my-wan"]
    assert (folder.kind, folder.family, folder.path) == ("pipeline", "wan", plain)
    assert folder.variant.endswith("I2V") and folder.params == numel and folder.denoiser_params == numel
    assert folder.dtype == "fp32" and folder.size == os.path.getsize(tdir / "diffusion_pytorch_model.safetensors")
    assert got["Wan-AI/Tiny-Wan"].path == snap  # the HF cache's org/name, as the node takes it
    f = got["wan_diffusers_layout.safetensors"]
    assert (f.kind, f.family) == ("denoiser", "wan") and "width 24" in f.variant


def test_cache_reads_each_header_once_and_again_when_the_file_changes(comfy, monkeypatch):
    tmp_path, files = comfy
    first = by_name(catalog.list_models(m=H100))
    assert os.path.isfile(catalog.cache_path())
    read = []
    real = headers.read_info
    monkeypatch.setattr(catalog, "read_info", lambda p: read.append(p) or real(p))
    again = by_name(catalog.list_models(m=H100))
    assert read == [] and {k: e.variant for k, e in again.items()} == {k: e.variant for k, e in first.items()}
    L.write(files["wan21_t2v_1.3B"], L.wan(5120, 16, 40))  # replaced by a 14B file: size and mtime change
    third = by_name(catalog.list_models(m=H100))
    assert read == [files["wan21_t2v_1.3B"]]
    assert third["wan2.1_t2v_1.3B_bf16.safetensors"].variant == "Wan 2.1 14B T2V"


def test_fit_per_memory_mode_is_the_planners(tmp_path):
    e = catalog.ModelEntry("w", "w", "denoiser", "wan", dtype="bf16", params=14_000_000_000,
                           denoiser_params=14_000_000_000)
    card = catalog.Machine("cuda", "24 GB card", 24 * GB)
    catalog.plan(e, card)
    s = Sizes(28_000_000_000)
    for mode in catalog.PLAN_MODES:
        assert e.peaks[mode] == predicted_peak(mode, s)
        assert e.fits[mode] == (predicted_peak(mode, s) <= usable(24 * GB))
    assert e.fits["gpu"] is False and e.fits["fp8+block_offload"] is True
    assert catalog.best_mode(e) == "fp8" and e.fits["model_offload"] is False  # auto's order
    catalog.plan(e, catalog.Machine("cpu", "RAM", 64 * GB))  # the CPU: fp32, all in memory
    assert list(e.fits) == ["gpu"] and e.peaks["gpu"] == predicted_peak("gpu", Sizes(56_000_000_000))
    for dtype, size in (("fp8_e4m3fn scaled", 14_300_000_000), ("nvfp4 mixed", 8_100_000_000)):
        q = catalog.ModelEntry("q", "q", "denoiser", "wan", dtype=dtype, params=14_000_000_000,
                               denoiser_params=14_000_000_000, size=size)
        catalog.plan(q, card)  # kept as the file stores it: its bytes, not 2 a weight
        assert q.peaks["gpu"] == predicted_peak("gpu", Sizes(size)) and q.fits["gpu"] is True
        assert "fp8" not in q.peaks  # fp8 storage: the file is in 8 bits or fewer already
    vae = catalog.ModelEntry("v", "v", "vae", params=10)
    catalog.plan(vae, card)
    assert vae.fits == {}  # only what the loader runs gets a plan


def test_gguf_header_read_with_the_gguf_package(tmp_path, monkeypatch):
    gguf = pytest.importorskip("gguf")
    import numpy as np
    path = str(tmp_path / "wan2.1-t2v-1.3b-Q8_0.gguf")
    w = gguf.GGUFWriter(path, "wan")
    for k, s in L.wan(1536, 16, 2).items():
        if k.endswith("ffn.0.weight"):
            q = gguf.quants.quantize(np.zeros((32, 64), np.float32), gguf.GGMLQuantizationType.Q8_0)
            w.add_tensor(k, q, raw_shape=q.shape, raw_dtype=gguf.GGMLQuantizationType.Q8_0)
        elif k != "patch_embedding.weight":
            w.add_tensor(k, np.zeros(s, np.float32))
    w.add_tensor("patch_embedding.weight", np.zeros((1536, 16, 1, 2, 2), np.float16))
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()
    e = catalog.describe_file(path)
    assert (e.kind, e.variant, e.dtype) == ("denoiser", "Wan 2.1 1.3B T2V", "GGUF Q8_0")
    monkeypatch.setitem(__import__("sys").modules, "gguf", None)  # not installed: the format only
    e = catalog.describe_file(path, "denoiser")
    assert (e.kind, e.dtype) == ("denoiser", "GGUF") and "not installed" in e.note


def test_main_py_models_lists_them_and_json(comfy, capsys):
    from studio.cli import main
    assert main(["models"]) == 0
    out = capsys.readouterr().out
    assert "[Wan]" in out and "Wan 2.1 1.3B T2V" in out and "diffusion_models/wan2.1_t2v_1.3B_bf16.safetensors" in out
    assert main(["models", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["machine"]["memory"] > 0
    names = {m["name"]: m for m in data["models"]}
    assert names["loras/wan_style_lora.safetensors"]["kind"] == "lora"
    assert names["diffusion_models/wan2.1_t2v_1.3B_bf16.safetensors"]["fits"]["gpu"] is True


def test_the_gpu_asked_once_is_kept_against_the_drivers_list(tmp_path, monkeypatch):
    import sys
    monkeypatch.setenv("STUDIO_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(catalog, "_gpus", lambda: ["0000:01:00.0"])
    os.makedirs(tmp_path / "cache")
    (tmp_path / "cache" / catalog.MACHINE_FILE).write_text(json.dumps(
        {"gpus": ["0000:01:00.0"], "machine": {"device": "cuda", "name": "NVIDIA H100", "memory": 80 * GB}}))
    monkeypatch.delitem(sys.modules, "torch", raising=False)  # torch not imported: the kept answer, no import
    assert catalog.machine() == catalog.Machine("cuda", "NVIDIA H100", 80 * GB)
    assert "torch" not in sys.modules


@pytest.fixture(scope="module")
def diffusers_module():
    import diffusers
    return diffusers


@pytest.mark.parametrize("cls,kw,want", [
    ("LTXVideoTransformer3DModel", dict(num_layers=2), ("denoiser", "ltx")),
    ("LTX2VideoTransformer3DModel", dict(num_layers=2), ("denoiser", "ltx2")),
    ("HunyuanVideo15Transformer3DModel", dict(num_layers=2), ("denoiser", "hunyuan15")),
    ("HunyuanVideoTransformer3DModel", dict(num_layers=1, num_single_layers=1), ("denoiser", "hunyuan")),
    ("CogVideoXTransformer3DModel", dict(num_layers=2), ("denoiser", "cogvideox")),
    ("WanVACETransformer3DModel", dict(num_layers=2, vace_layers=[0]), ("denoiser", "wan")),
    ("UNetSpatioTemporalConditionModel", {}, ("denoiser", "svd")),
    ("AutoencoderKLWan", {}, ("vae", "wan")),
    ("AutoencoderKLLTXVideo", {}, ("vae", "ltx")),
    ("AutoencoderKLHunyuanVideo", {}, ("vae", "hunyuan")),
    ("AutoencoderKLTemporalDecoder", {}, ("vae", "svd")),
])
def test_diffusers_layouts_told_from_their_real_names(diffusers_module, cls, kw, want):
    """The names and shapes of diffusers' own classes (built on the meta device: nothing allocated)."""
    import torch

    from nodes.video_models.base.recognise import recognise
    with meta_device():
        m = getattr(diffusers_module, cls)(**kw)
    r = recognise({k: tuple(v.shape) for k, v in m.state_dict().items()})
    assert (r.kind, r.family) == want
