"""EasyAnimate as a Studio family (issue 72): its text-to-video and InP folders load through Load Video Model and
are listed with its family; Text to Video and Image to Video make, frame for frame, what EasyAnimatePipeline and
EasyAnimateInpaintPipeline called directly make with the same seed (tiny random models, CPU), the family's call
supplying what the pipelines need (an empty negative prompt as '', the still as diffusers' clip and mask); each
folder asked for the other task is refused in words."""
from __future__ import annotations

import numpy as np
import pytest

from studio.engine.executor import Executor
from tests.sources import source

from .graphs import model_graph, spy_call

pytest.importorskip("diffusers")
PARAMS = {"width": 16, "height": 16, "frames": 5, "steps": 2, "prompt": "a red fox running",
          "negative_prompt": "", "previews": False, "preview_size": "off", "seed": 3}


def _still() -> np.ndarray:
    return (np.random.RandomState(11).randint(0, 256, (16, 16, 3)) / 255.0).astype(np.float32)


STILL = source("test.easyanimate_still", "image", "Image", lambda p: _still())


@pytest.mark.parametrize("i2v", [False, True])
def test_easyanimate_is_its_pipeline_called_directly(tiny, monkeypatch, i2v):
    import diffusers
    import torch
    from PIL import Image

    from nodes.video_models.catalog.listing import describe_folder
    folder = tiny("easyanimate", kind="inpaint" if i2v else "t2v")
    e = describe_folder(folder)
    assert (e.family, e.variant) == ("easyanimate", "EasyAnimate InP I2V" if i2v else "EasyAnimate T2V")
    cls = diffusers.EasyAnimateInpaintPipeline if i2v else diffusers.EasyAnimatePipeline
    calls, orig = spy_call(monkeypatch, cls, dict)
    node = "video_models.image_to_video" if i2v else "video_models.text_to_video"
    clip = Executor().run(model_graph(folder, node, PARAMS, **({"image": (STILL, "image")} if i2v else {})),
                          targets=["gen"], device="cpu", use_cache=False).value("gen")
    kw = calls[0]
    assert kw["negative_prompt"] == ""  # the family's: None fails in its encode_prompt
    pipe = cls.from_pretrained(folder)
    more = {}
    if i2v:  # the still as the InP pipeline takes it: diffusers' own clip and mask
        from diffusers.pipelines.easyanimate.pipeline_easyanimate_inpaint import get_image_to_video_latent
        more = dict(zip(("video", "mask_video"), get_image_to_video_latent(
            Image.fromarray(np.round(_still() * 255).astype(np.uint8)), None, 5, (16, 16))))
        pipe.vae.register_to_config(cache_mag_vae=True)  # what the family sets: the pipeline reads it
    out = orig(pipe, prompt="a red fox running", negative_prompt="", height=16, width=16, num_frames=5,
               num_inference_steps=2, guidance_scale=5.0, output_type="np",
               generator=torch.Generator().manual_seed(kw["generator"].initial_seed()), **more).frames[0]
    assert clip.n_frames == 5 and np.isfinite(out).all() and np.array_equal(clip.frames, out)


def test_easyanimate_folders_refuse_the_other_task(tiny):
    from studio.core.errors import StudioError
    for kind, node, words in (("t2v", "video_models.image_to_video", "needs the InP model"),
                              ("inpaint", "video_models.text_to_video", "connect a start image")):
        graph = model_graph(tiny("easyanimate", kind=kind), node, dict(PARAMS, steps=1),
                            **({"image": (STILL, "image")} if node.endswith("image_to_video") else {}))
        with pytest.raises(StudioError, match=words):
            Executor().run(graph, targets=["gen"], device="cpu", use_cache=False)


def _end() -> np.ndarray:
    return (np.random.RandomState(12).randint(0, 256, (16, 16, 3)) / 255.0).astype(np.float32)


def test_easyanimate_inp_takes_a_last_frame_as_its_pipeline_called_directly(tiny, monkeypatch):
    """Image to Video's last image on the InP model: the clip and mask diffusers' get_image_to_video_latent
    makes from a start and an end image (the end kept: mask 0 on the last frame), the same frames as the
    pipeline called directly with them."""
    import diffusers
    import torch
    from PIL import Image
    from diffusers.pipelines.easyanimate.pipeline_easyanimate_inpaint import get_image_to_video_latent
    folder = tiny("easyanimate", kind="inpaint")
    cls = diffusers.EasyAnimateInpaintPipeline
    calls, orig = spy_call(monkeypatch, cls, dict)
    end = source("test.easyanimate_end", "image", "Image", lambda p: _end())
    clip = Executor().run(model_graph(folder, "video_models.image_to_video", PARAMS, image=(STILL, "image"),
                                      last_image=(end, "image")),
                          targets=["gen"], device="cpu", use_cache=False).value("gen")
    kw = calls[0]
    assert "last_image" not in kw and kw["mask_video"][0, 0, :, 0, 0].tolist() == [0, 255, 255, 255, 0]
    pil = [Image.fromarray(np.round(x * 255).astype(np.uint8)) for x in (_still(), _end())]
    video, mask = get_image_to_video_latent(pil[0], pil[1], 5, (16, 16))
    assert torch.equal(kw["video"], video) and torch.equal(kw["mask_video"], mask)
    pipe = cls.from_pretrained(folder)
    pipe.vae.register_to_config(cache_mag_vae=True)  # what the family sets: the pipeline reads it
    out = orig(pipe, prompt="a red fox running", negative_prompt="", height=16, width=16, num_frames=5,
               num_inference_steps=2, guidance_scale=5.0, output_type="np", video=video, mask_video=mask,
               generator=torch.Generator().manual_seed(kw["generator"].initial_seed())).frames[0]
    assert clip.n_frames == 5 and np.isfinite(out).all() and np.array_equal(clip.frames, out)
