"""HunyuanVideo Framepack as a Studio family (issue 72): its diffusers folder loads through Load Video
Model and is listed with its family; Framepack Long Image to Video makes, frame for frame, the first
frames of what HunyuanVideoFramepackPipeline called directly makes with the same seed (tiny random
model, CPU): a take of two sections, from a still, and from a still to a last image; the template
renders headless on the tiny model."""
from __future__ import annotations

import os

import numpy as np
import pytest

from studio.engine.executor import Executor
from tests.sources import source

from .graphs import model_graph, spy_call

pytest.importorskip("diffusers")
PARAMS = {"width": 32, "height": 32, "frames": 6, "window": 2, "steps": 2, "guidance": 6.0,
          "prompt": "a red fox running", "seed": 4}


def _still(seed: int) -> np.ndarray:
    return (np.random.RandomState(seed).randint(0, 256, (32, 32, 3)) / 255.0).astype(np.float32)


FIRST = source("test.framepack_first", "image", "Image", lambda p: _still(6))
LAST = source("test.framepack_last", "image", "Image", lambda p: _still(7))


@pytest.fixture(scope="module")
def fp_direct(tiny):
    """The tiny folder as diffusers loads it, for the direct calls (loaded once for the module)."""
    from diffusers import HunyuanVideoFramepackPipeline
    pipe = HunyuanVideoFramepackPipeline.from_pretrained(tiny("framepack"))
    pipe.set_progress_bar_config(disable=True)
    return pipe


@pytest.mark.parametrize("last", [False, True])
def test_the_long_take_is_the_framepack_pipeline_called_directly(tiny, fp_direct, monkeypatch, last):
    import torch
    from diffusers import HunyuanVideoFramepackPipeline as FP
    from PIL import Image

    from nodes.video_models.catalog.listing import describe_folder
    folder = tiny("framepack")
    e = describe_folder(folder)
    assert (e.family, e.variant) == ("framepack", "HunyuanVideo Framepack I2V")
    calls, orig = spy_call(monkeypatch, FP, dict)
    feeds = {"image": (FIRST, "image"), **({"last_image": (LAST, "image")} if last else {})}
    clip = Executor().run(model_graph(folder, "video_models.framepack", PARAMS, **feeds), targets=["gen"],
                          device="cpu", use_cache=False).value("gen")
    kw = calls[0]
    pil = {k: Image.fromarray(np.round(_still(s) * 255).astype(np.uint8)) for k, s in (("image", 6), ("last_image", 7))}
    more = {"last_image": pil["last_image"]} if last else {}
    out = orig(fp_direct, image=pil["image"], prompt="a red fox running", height=32, width=32,
               num_frames=6, latent_window_size=2, num_inference_steps=2, guidance_scale=6.0, output_type="np",
               generator=torch.Generator().manual_seed(kw["generator"].initial_seed()), **more).frames[0]
    assert len(out) > 6 and clip.n_frames == 6  # two whole sections made, the frames asked kept
    assert np.array_equal(clip.frames, np.clip(out[:6], 0, 1)) and clip.fps == 30.0


@pytest.mark.parametrize("sampling", ["inverted_anti_drifting", "vanilla"])
def test_sections_set_make_that_many_whole_sections_and_keep_the_frames_asked(tiny, fp_direct, monkeypatch, sampling):
    """left19 (fphy18's leftover): a ComfyUI FramePack sampler's own count of sections (FramePack-HY: 4 of 9 latent
    frames for 141 frames, where the pipeline's own count from 141 frames is 5) is the node's 'sections': the pipeline
    is asked for frames its count makes exactly that many sections of, the take is window x 4 x sections + 1 frames
    (the start's latent and the sections'), the first 'frames' kept: here 1 section of 2 latent frames, 9 frames,
    6 kept, where 'frames' 6 alone makes 2 sections. Fewer frames made than 'frames' is refused in words."""
    import torch
    from diffusers import HunyuanVideoFramepackPipeline as FP
    from PIL import Image

    from studio.core.errors import StudioError
    calls, orig = spy_call(monkeypatch, FP, dict)
    params = {**PARAMS, "sections": 1, "sampling": sampling}
    clip = Executor().run(model_graph(tiny("framepack"), "video_models.framepack", params, image=(FIRST, "image")),
                          targets=["gen"], device="cpu", use_cache=False).value("gen")
    kw = calls[0]
    assert kw["num_frames"] == 5  # (one section by the pipeline's count: (2 - 1) x 4 + 1 frames)
    pil = Image.fromarray(np.round(_still(6) * 255).astype(np.uint8))
    out = orig(fp_direct, image=pil, prompt="a red fox running", height=32, width=32, num_frames=5,
               latent_window_size=2, num_inference_steps=2, guidance_scale=6.0, output_type="np", sampling_type=sampling,
               generator=torch.Generator().manual_seed(kw["generator"].initial_seed())).frames[0]
    assert len(out) == 9 and clip.n_frames == 6  # (2 x 4 x 1 + 1 made: the node's count of them)
    assert np.array_equal(clip.frames, np.clip(out[:6], 0, 1))
    with pytest.raises(StudioError, match="'sections' 1 of 2 latent frames make 9 frames, fewer than 'frames' 12"):
        Executor().run(model_graph(tiny("framepack"), "video_models.framepack", {**params, "frames": 12},
                                   image=(FIRST, "image")), targets=["gen"], device="cpu", use_cache=False)


def test_the_long_take_template_renders_on_the_tiny_model(tiny, tmp_path, monkeypatch, capfd, render_on_one_thread):
    """framepack_long_take by `main.py render` on the CPU, its model the tiny one under the name it gives,
    its still as shipped; small and one step a section (--set) so it takes seconds: the frames asked, no
    warning of Studio's."""
    import json

    from studio import cli
    from studio.engine.media import probe
    from tests.tiny_models import NAMES
    name = "FramePackI2V_HY-Diffusers"
    assert NAMES[name] == "framepack"  # `python -m tests.tiny_models` writes it
    (tmp_path / "models").mkdir()
    (tmp_path / "models" / name).symlink_to(tiny("framepack"), target_is_directory=True)
    for var, value in (("STUDIO_MODELS", tmp_path / "models"), ("STUDIO_CONFIG_DIR", tmp_path / "config"),
                       ("HF_HUB_CACHE", tmp_path / "no-hf-cache")):
        monkeypatch.setenv(var, str(value))
    graph = os.path.join(os.path.dirname(__file__), "..", "..", "assets", "graphs", "framepack_long_take.json")
    with open(graph, encoding="utf-8") as f:
        gen = next(n["id"] for n in json.load(f)["nodes"] if n["type"] == "video_models.framepack")
    out = tmp_path / "take.mp4"
    sets = [a for k, v in (("frames", 20), ("width", 32), ("height", 32), ("steps", 1), ("window", 2))
            for a in ("--set", f"{gen}.{k}={v}")]
    rc = cli.main(["render", graph, "-o", str(out), "--device", "cpu", *sets])
    err = capfd.readouterr().err
    assert rc == 0, err
    info = probe(str(out))
    assert info["frames"] == 20 and (info["width"], info["height"]) == (32, 32)
    # (transformers' own notice where torchvision is not installed: its SigLIP processor falls back to PIL)
    assert not [ln for ln in err.replace("\r", "\n").splitlines()
                if "warning" in ln.lower() and not ln.startswith("[transformers] `SiglipImageProcessor` requires")]


def test_its_dit_as_one_file_is_told_and_loads_the_folders_transformer_with_it_as_base(tiny, fp_direct, tmp_path):
    """The DiT as kijai's ComfyUI-FramePackWrapper keeps it (one file in diffusers' names,
    FramePackI2V_HY_bf16), bare and under ComfyUI's prefix: the picker and the loader call it Framepack (not
    HunyuanVideo, whose names it shares), and with the folder as base the pipeline is the folder's with the
    file's transformer: the same class, config and tensors as diffusers loads from the folder (every other
    component is the folder's own), so its takes are the folder's (a pipeline call is left to the test above)."""
    import torch
    from safetensors.torch import load_file, save_file

    from nodes.video_models.catalog.listing import describe_file
    from nodes.video_models.families.framepack.layouts import convert_transformer
    from nodes.video_models.files.weight_formats import check_single_file
    from nodes.video_models.loading.load import load_video_model
    folder = tiny("framepack")
    sd = load_file(os.path.join(folder, "transformer", "diffusion_pytorch_model.safetensors"))
    path = str(tmp_path / "FramePackI2V_HY_tiny.safetensors")
    save_file(sd, path)
    assert describe_file(path).family == "framepack" and check_single_file(path)[0].key == "framepack"
    assert convert_transformer({"model.diffusion_model." + k: v for k, v in sd.items()}) == sd
    pipe = load_video_model(path, base=folder, device="cpu").module
    assert type(pipe).__name__ == "HunyuanVideoFramepackPipeline"
    got, want = pipe.transformer, fp_direct.transformer
    def arch(m):  # the config, less where it was read from
        return {k: v for k, v in m.config.items() if not k.startswith("_")}
    assert type(got) is type(want) and arch(got) == arch(want)
    theirs = want.state_dict()
    assert got.state_dict().keys() == theirs.keys()
    assert all(torch.equal(v, theirs[k]) for k, v in got.state_dict().items())
