"""Held-out set 74's mends (benchmarks/results/heldout74_2026-11-30.md), each read by declared types or a family's
declared facts, on small workflows of our own:

1. a node Studio reads as another type (a pack's sampler of KSampler's shape, read by its declared types) is known as
   that type: where nothing is made, the types "no pack in Studio's catalogue declares" name neither it nor 'KSampler'
   (06, 07: a pack's sampler panel read as KSampler was named, as 'KSampler', among them);
2. AnimateDiff read from ComfyUI's motion module and checkpoint has no model folder: its sampling note names the
   scheduler Studio gives those files (DDIM on AnimateDiff's linear betas), and a beta schedule asked is said against
   those betas (02: "its model folder's own scheduler", "the folder's scheduler is used"); the same for its ControlNet
   generator, which has no sampler setting, and for Stable Video Diffusion and Stable Diffusion XL read from ComfyUI's
   checkpoints (earlier sets' files, found in the regression dumps)."""
from __future__ import annotations

from studio.convert.mapping.convert import convert
from tests.convert.said import api, said
from tests.convert.test_comfy_animatediff import _api as animatediff_api
from tests.convert.test_comfy_animatediff_controlnet import _steered
from tests.convert.test_comfy_heldout73_mends import _svd
from tests.convert.test_comfy_still_first import _still_to_svd


def _unknown_pack() -> dict:
    return api({
        "1": ("AcmeModelKit", {"config": "wan21", "file_1": "wan2.1_t2v_1.3B_fp16.safetensors"}),
        "2": ("AcmePromptPanel", {"clip": ["1", 2], "text": "a cat"}),
        "3": ("EmptyHunyuanLatentVideo", {"width": 832, "height": 480, "length": 33, "batch_size": 1}),
        "4": ("AcmeVideoSampler", {"model": ["1", 0], "positive": ["2", 0], "negative": ["2", 1],
                                   "latent_image": ["3", 0], "seed": 7, "steps": 20, "cfg": 5.0,
                                   "sampler_name": "euler", "scheduler": "simple"}),
        "5": ("VAEDecode", {"samples": ["4", 0], "vae": ["1", 1]}),
        "6": ("AcmeVideoSave", {"images": ["5", 0], "filename_prefix": "x"}),
    })


def test_a_node_read_as_another_type_is_not_named_among_the_unknown_types():
    conv = convert(_unknown_pack(), "acme")
    text = said(conv)
    assert "(AcmeVideoSampler, #4) is read as ComfyUI's KSampler by its declared types" in text
    last = next(line for line in conv.log if "no video output Studio reads after the sampler" in line)
    # (heldout85 06: the sampler read as KSampler is named as the sampler, by its file's type, with the undeclared
    # nodes on its ways)
    assert "after the sampler 'AcmeVideoSampler' (AcmeVideoSampler, #4): only notes made (it is given what it samples " \
           "by 'AcmeModelKit' (AcmeModelKit, #1), 'AcmePromptPanel' (AcmePromptPanel, #2) and its take reaches " \
           "'AcmeVideoSave' (AcmeVideoSave, #6), of types no pack in Studio's catalogue declares" in last
    assert "'KSampler'" not in last
    assert "unless one of 'AcmeModelKit', 'AcmePromptPanel', 'AcmeVideoSave' is, ComfyUI runs nothing" in last


def test_animatediff_from_comfyui_files_names_the_scheduler_studio_gives_them():
    wf = animatediff_api(context=False)
    wf["4"]["inputs"]["beta_schedule"] = "linear (AnimateDiff-SDXL)"
    text = said(convert(wf, "ad"))
    assert "model folder" not in text and "the folder's scheduler" not in text
    assert "AnimateDiff samples with the scheduler Studio gives ComfyUI's motion module and checkpoint (AnimateDiff's " \
           "DDIM on linear betas 0.00085-0.012, its release's)" in text
    assert "beta_schedule 'linear (AnimateDiff-SDXL)' is not taken (ComfyUI's 'linear' spaces the betas' square " \
           "roots evenly): Studio samples ComfyUI's motion module and checkpoint with AnimateDiff's DDIM on linear betas 0.00085-0.012" in text


def test_a_beta_schedule_that_is_studios_own_betas_is_said_so():
    wf = animatediff_api(context=False)
    wf["4"]["inputs"]["beta_schedule"] = "sqrt_linear (AnimateDiff)"  # (ComfyUI's 'sqrt_linear': rejudge16)
    text = said(convert(wf, "ad"))
    assert "beta_schedule 'sqrt_linear (AnimateDiff)' is the betas Studio samples ComfyUI's motion module and " \
           "checkpoint with" in text and "is not taken" not in text.split("beta_schedule")[1][:80]


def test_animatediff_controlnet_with_no_sampler_setting_names_that_scheduler():
    text = said(convert(_steered(), "adcn"))  # (samplers18: its sampler setting, 'auto' or 'lcm')
    assert "the generator's sampler is 'auto': AnimateDiff samples with the scheduler Studio gives ComfyUI's motion " \
           "module and checkpoint (AnimateDiff's DDIM" in text and "model folder" not in text


def test_svd_from_comfyuis_checkpoint_names_the_scheduler_studio_gives_it():
    text = said(convert(_svd("karras", 24, 24), "svd"))
    assert "Stable Video Diffusion samples with the scheduler Studio gives ComfyUI's SVD checkpoint (the released " \
           "models' EulerDiscreteScheduler, v-prediction, Karras sigmas)" in text and "model folder" not in text


def test_an_sdxl_still_from_its_checkpoint_names_the_scheduler_studio_gives_it():
    text = said(convert(_still_to_svd(), "still"))
    assert "Stable Diffusion XL samples with the scheduler Studio gives its checkpoint (SDXL's released Euler on " \
           "scaled linear betas 0.00085-0.012)" in text and "model folder" not in text


# 3. LTX-2's two stages on a long take (09: 217 frames): ComfyUI's LTXVLatentUpsampler and second sampler pass take
# all the take's latents at once; LTX-2 Latent Upscale upsampled and refined them in windows of its default 121
# frames meeting unblended, with no sentence. Its 'window' is now the take's frames (up to its largest, 1025; past
# that, said).

def _ltx2_long(frames: int) -> dict:
    from tests.convert.test_comfy_heldout23_mends import _ltx23_two_stages
    wf = _ltx23_two_stages(7)
    wf["7"]["inputs"]["length"] = frames
    wf["8"]["inputs"]["frames_number"] = frames
    return wf


def _window(conv) -> int:
    return next(n for n in conv.graph.nodes.values() if n.type_id == "video_models.ltx2_latent_upscale").params["window"]


def test_a_long_takes_upscale_and_refine_take_the_whole_take_at_once():
    conv = convert(_ltx2_long(217), "long.json")
    assert next(n for n in conv.graph.nodes.values() if n.type_id == "video_models.ltx2").params["frames"] == 217
    assert _window(conv) == 217 and "meet unblended" not in said(conv)
    assert _window(convert(_ltx2_long(97), "short.json")) == 121  # (it fits the default window: left as it is)
    longest = convert(_ltx2_long(1105), "longest.json")
    assert _window(longest) == 1025
    assert "LTX-2 Latent Upscale upsamples and refines the take's 1105 frames in windows of 1025 (its largest), which " \
           "meet unblended, where ComfyUI's LTXVLatentUpsampler and second sampler pass take all of them at once" \
           in said(longest)


def test_a_take_as_long_as_its_control_clip_says_the_upscales_window():
    """04 (a blueprint: its canny clip not known): the take's length is the control clip's, not known when converting;
    LTX-2 Latent Upscale's default window is said, with what a longer take gets and how to make it whole."""
    from tests.convert.test_comfy_heldout23_mends import _ltx23_two_stages
    wf = _ltx23_two_stages(7)
    wf["30"] = {"class_type": "VHS_LoadVideo", "inputs": {"video": "edges.mp4", "force_rate": 0, "frame_load_cap": 0}}
    wf["31"] = {"class_type": "GetImageSize", "inputs": {"image": ["30", 0]}}
    wf["7"]["inputs"].update(width=["31", 0], height=["31", 1], length=["31", 2])
    wf["8"]["inputs"]["frames_number"] = ["31", 2]
    wf["33"] = {"class_type": "LoraLoaderModelOnly", "inputs": {
        "model": ["1", 0], "lora_name": "ltx-2-19b-ic-lora-canny-control.safetensors", "strength_model": 1.0}}
    wf["32"] = {"class_type": "LTXVAddGuide", "inputs": {"positive": ["6", 0], "negative": ["6", 1], "vae": ["1", 2],
                                                         "latent": ["7", 0], "image": ["30", 0], "frame_idx": 0,
                                                         "strength": 1.0}}
    wf["13"]["inputs"].update(model=["33", 0], positive=["32", 0], negative=["32", 1])
    wf["9"]["inputs"]["video_latent"] = ["32", 2]
    conv = convert(wf, "ctl.json")
    assert _window(conv) == 121
    assert "LTX-2 Latent Upscale's 'window' is its default 121 frames: the take is as long as the clip given to the " \
           "generator's 'control' (not known when converting), and a take longer than 121 frames is upsampled and " \
           "refined in windows that meet unblended" in said(conv)
