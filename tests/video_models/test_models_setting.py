"""The models setting, the model scan, and the checks that run before anything is loaded (no diffusers)."""
from __future__ import annotations

import json
import os
import pickle
import struct
import subprocess
import sys

import numpy as np
import pytest

from nodes.video_models.base.errors import ModelError
from nodes.video_models.files.headers import safetensors_keys
from nodes.video_models.loading.checks import check_file, check_folder
from nodes.video_models.base.registry import FAMILIES
from nodes.video_models.base.recognise import family_from_keys
from nodes.video_models.base.family import valid_frames
from nodes.video_models.sampling.sampler import plan_windows
from studio.core import models

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def write_safetensors(path, names=("a.weight",), truncate: int = 0):
    header = {}
    off = 0
    for n in names:
        header[n] = {"dtype": "F32", "shape": [2], "data_offsets": [off, off + 8]}
        off += 8
    h = json.dumps(header).encode()
    data = struct.pack("<Q", len(h)) + h + b"\0" * off
    with open(path, "wb") as f:
        f.write(data[:len(data) - truncate] if truncate else data)
    return path


def fake_folder(root, cls="WanPipeline", comps=None):
    os.makedirs(root, exist_ok=True)
    comps = comps or {"transformer": ["diffusers", "WanTransformer3DModel"],
                      "scheduler": ["diffusers", "FlowMatchEulerDiscreteScheduler"]}
    with open(os.path.join(root, "model_index.json"), "w") as f:
        json.dump({"_class_name": cls, **comps}, f)
    for c, (lib, kind) in comps.items():
        d = os.path.join(root, c)
        os.makedirs(d, exist_ok=True)
        if "Scheduler" in kind:
            open(os.path.join(d, "scheduler_config.json"), "w").write("{}")
        else:
            open(os.path.join(d, "config.json"), "w").write("{}")
            write_safetensors(os.path.join(d, "diffusion_pytorch_model.safetensors"))
    return root


@pytest.fixture
def settings_env(tmp_path, monkeypatch):
    monkeypatch.setenv("STUDIO_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.delenv("STUDIO_MODELS", raising=False)
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path / "hf"))
    return tmp_path


def test_settings_round_trip_and_search_order(settings_env, monkeypatch):
    t = settings_env
    s = models.load_settings()
    assert s["models_dir"].endswith("models") and s["extra_dirs"] == []
    path = models.save_settings({"models_dir": str(t / "main"), "extra_dirs": [str(t / "comfy")],
                                 "use_hf_cache": False})
    assert os.path.dirname(path) == str(t / "config")
    assert models.load_settings()["extra_dirs"] == [str(t / "comfy")]
    monkeypatch.setenv("STUDIO_MODELS", os.pathsep.join([str(t / "env1"), str(t / "env2")]))
    assert models.model_dirs() == [str(t / "env1"), str(t / "env2"), str(t / "main"), str(t / "comfy")]
    # a broken settings file reads as defaults, it does not stop the app
    open(path, "w").write("{not json")
    assert models.load_settings()["extra_dirs"] == []


def test_settings_are_read_again_only_when_the_file_changes(settings_env):
    """A run asks for the settings several times (its folders, where it may write): the file is read once per
    change of it, each caller given its own copy; a file written by another process is seen."""
    from studio.core import settings as core_settings
    path = models.save_settings({"extra_dirs": [str(settings_env / "a")]})
    first = models.load_settings()
    first["extra_dirs"].append("changed by a caller")  # a caller's change stays its own
    assert models.load_settings()["extra_dirs"] == [str(settings_env / "a")]
    assert core_settings._READ["sig"][0] == path
    with open(path, "w") as f:  # another process's write: a new size (and time) on the same file
        json.dump({"extra_dirs": [str(settings_env / "b"), str(settings_env / "c")]}, f)
    assert models.load_settings()["extra_dirs"] == [str(settings_env / "b"), str(settings_env / "c")]
    os.remove(path)
    assert models.load_settings()["extra_dirs"] == []


def test_scan_finds_folders_files_and_the_hf_cache(settings_env, monkeypatch):
    t = settings_env
    main = t / "main"
    fake_folder(str(main / "wan-small"))
    os.makedirs(main / "loras")
    write_safetensors(str(main / "loras" / "style.safetensors"))
    snap = t / "hf" / "models--org--tiny-wan" / "snapshots" / "abc123"
    fake_folder(str(snap))
    models.save_settings({"models_dir": str(main), "extra_dirs": [], "use_hf_cache": True})
    found = {m.name: m for m in models.scan()}
    assert set(found) == {"wan-small", "loras/style.safetensors", "org/tiny-wan"}
    assert found["wan-small"].kind == "folder" and found["loras/style.safetensors"].kind == "file"
    # the components inside a diffusers folder are not listed as models of their own
    assert not any("transformer" in n for n in found)
    assert models.resolve("org/tiny-wan") == str(snap)
    assert models.resolve("wan-small") == str(main / "wan-small")
    assert models.resolve("nowhere") is None


def test_a_workflows_file_name_is_found_in_its_comfyui_kind_folder(tmp_path):
    """ComfyUI's workflows name files relative to their kind folder ('ltx-2-19b-dev.safetensors' in
    checkpoints/, a LoRA in loras/): resolve finds them there; a name typed with its folder, or a
    file at the root, still wins; a name in no folder is None."""
    root = tmp_path / "models"
    for rel in ("checkpoints/ltx-2-19b-dev.safetensors", "loras/style.safetensors", "vae/sub/w.safetensors",
                "style.safetensors"):
        os.makedirs(os.path.dirname(root / rel), exist_ok=True)
        (root / rel).write_bytes(b"x")
    dirs = [str(root)]
    assert models.resolve("ltx-2-19b-dev.safetensors", dirs=dirs) == str(root / "checkpoints" / "ltx-2-19b-dev.safetensors")
    assert models.resolve("sub/w.safetensors", dirs=dirs) == str(root / "vae" / "sub" / "w.safetensors")
    assert models.resolve("style.safetensors", dirs=dirs) == str(root / "style.safetensors")  # the root first
    assert models.resolve("loras/style.safetensors", dirs=dirs) == str(root / "loras" / "style.safetensors")
    assert models.resolve("nowhere.safetensors", dirs=dirs) is None
    assert models.resolve("ltx-2-19b-dev.safetensors", dirs=[str(tmp_path)]) == \
        str(root / "checkpoints" / "ltx-2-19b-dev.safetensors")  # a ComfyUI folder given as the models folder
    assert models.resolve("../checkpoints/ltx-2-19b-dev.safetensors", dirs=[str(root / "vae")]) is None  # not outside


def test_missing_component_names_folder_component_and_files(tmp_path):
    d = fake_folder(str(tmp_path / "m"))
    import shutil
    shutil.rmtree(os.path.join(d, "transformer"))
    with pytest.raises(ModelError) as e:
        check_folder(d)
    msg = str(e.value)
    assert d in msg and "'transformer'" in msg and "config.json" in msg and "diffusion_pytorch_model" in msg


def test_missing_weights_and_pickle_only_weights(tmp_path):
    d = fake_folder(str(tmp_path / "m"))
    w = os.path.join(d, "transformer", "diffusion_pytorch_model.safetensors")
    os.unlink(w)
    with pytest.raises(ModelError, match="has no weights: expected diffusion_pytorch_model.safetensors"):
        check_folder(d)
    marker = tmp_path / "unpickled"

    class Evil:
        def __reduce__(self):
            return (open, (str(marker), "w"))
    with open(os.path.join(d, "transformer", "diffusion_pytorch_model.bin"), "wb") as f:
        pickle.dump(Evil(), f)
    with pytest.raises(ModelError, match="only pickle weights.*never unpickles"):
        check_folder(d)
    assert not marker.exists()


def test_wrong_family_and_truncated_and_pickle_files(tmp_path):
    # (an image pipeline no still family reads: Stable Diffusion 1.5, XL and FLUX.1 folders are read as stills)
    d = fake_folder(str(tmp_path / "sd3"), cls="StableDiffusion3Pipeline")
    with pytest.raises(ModelError, match="'StableDiffusion3Pipeline', not a video model"):
        check_folder(d)
    assert check_folder(fake_folder(str(tmp_path / "flux"), cls="FluxPipeline"))[0].key == "flux1"
    good = write_safetensors(str(tmp_path / "x.safetensors"), ("blocks.0.attn1.to_q.weight",))
    assert safetensors_keys(good) == ["blocks.0.attn1.to_q.weight"]
    bad = write_safetensors(str(tmp_path / "t.safetensors"), ("a", "b"), truncate=5)
    with pytest.raises(ModelError, match="truncated"):
        safetensors_keys(bad)
    junk = tmp_path / "junk.safetensors"
    junk.write_bytes(b"\xff" * 64)
    with pytest.raises(ModelError, match="truncated or not a safetensors"):
        safetensors_keys(str(junk))
    marker = tmp_path / "unpickled"

    class Evil:
        def __reduce__(self):
            return (open, (str(marker), "w"))
    for ext in (".ckpt", ".bin", ".pt"):
        p = tmp_path / f"model{ext}"
        p.write_bytes(pickle.dumps(Evil()))
        with pytest.raises(ModelError, match="pickle checkpoint: Studio never unpickles"):
            check_file(str(p))
    assert not marker.exists()
    # a file of an unknown model
    other = write_safetensors(str(tmp_path / "sd.safetensors"), ("model.diffusion_model.input_blocks.0.0.weight",))
    with pytest.raises(ModelError, match="does not look like the denoiser"):
        check_file(other)


def test_family_from_keys_and_frame_rules():
    assert family_from_keys(["down_blocks.0.motion_modules.0.x"]).key == "animatediff"
    assert family_from_keys(["model.diffusion_model.input_blocks.1.0.time_stack.x"]).key == "svd"
    assert family_from_keys(["condition_embedder.x", "blocks.0.attn1.to_q.weight"]).key == "wan"
    assert family_from_keys(["double_blocks.0.x", "single_blocks.0.x", "txt_in.x"]).key == "hunyuan"
    assert family_from_keys(["patch_embed.text_proj.weight", "transformer_blocks.0.x"]).key == "cogvideox"
    assert family_from_keys(["adaln_single.x", "caption_projection.x", "scale_shift_table"]).key == "ltx"
    assert valid_frames(FAMILIES["wan"], 30) == 33 and valid_frames(FAMILIES["svd"], 30) == 30
    assert plan_windows(10, 16, 4) == [0]
    assert plan_windows(40, 14, 4) == [0, 10, 20, 26]  # the last window ends at the clip's end


def test_listing_nodes_does_not_import_diffusers(tmp_path):
    """A first start (no node manifest in the cache yet: every module of ``nodes`` imported to list them)
    imports none of the heavy libraries: a fresh cache folder, so an earlier test's manifest is not read."""
    code = ("import sys; from studio.core.registry import default_registry; r = default_registry(); "
            "assert 'video_models.load' in r; "
            "bad = [m for m in ('diffusers', 'transformers', 'peft', 'accelerate') if m in sys.modules]; "
            "print(bad); sys.exit(1 if bad else 0)")
    env = dict(os.environ, STUDIO_CACHE_DIR=str(tmp_path))
    r = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120, env=env)
    assert r.returncode == 0, r.stdout + r.stderr


def test_previews_read_every_latent_layout():
    import torch

    from nodes.video_models.sampling.previews import Previewer
    w = np.zeros((5, 3), np.float32)
    w[0, 0] = w[1, 1] = w[2, 2] = 1.0  # channels 0..2 -> r, g, b
    lat = torch.zeros(1, 3, 4, 2, 2)  # [B, C, T, H, W]
    lat[0, 0, 1] = 1.0  # red at latent frame 1... and the middle frame (2) is green:
    lat[0, 1, 2] = 1.0
    img = Previewer(FAMILIES["wan"], w, min_size=8)(torch.cat([lat, torch.zeros(1, 1, 4, 2, 2)], 1))
    assert img.shape == (8, 8, 3) and img.dtype == np.float32 and np.allclose(img[0, 0], [0, 1, 0])
    svd = lat.permute(0, 2, 1, 3, 4)  # SVD and CogVideoX: [B, T, C, H, W]
    img = Previewer(FAMILIES["svd"], None, min_size=2)(svd)
    assert img.shape == (2, 2, 3) and 0 <= img.min() and img.max() <= 1
    packed = torch.cat([lat, torch.zeros(1, 1, 4, 2, 2)], 1).permute(0, 2, 3, 4, 1).reshape(1, 16, 4)  # LTX tokens
    img = Previewer(FAMILIES["ltx"], w, grid=(4, 2, 2), min_size=2)(packed)
    assert np.allclose(img[0, 0], [0, 1, 0])
    assert Previewer(FAMILIES["ltx"], w, grid=(5, 2, 2))(packed) is None  # a grid past the tokens given: no preview
    # the take's tokens first, read whatever follows them (LTX-2's in-context pipelines append the reference's)
    img = Previewer(FAMILIES["ltx"], w, grid=(3, 2, 2), min_size=2)(packed)
    assert np.allclose(img[0, 0], [1, 0, 0])  # the middle of 3 latent frames: frame 1, red
