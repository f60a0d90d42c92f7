"""Issue 112, heldout87's mends (fresh set judged on main 89e92b46): each test builds its workflow from node types,
values and links and fails without its mend.

1. A resize on a utility's way whose factor is worked out only when the workflow runs (ImageScaleBy given a value
   from the clip's own height) was dropped with no word: it is folded into what reads it elsewhere, and the folded
   node's own "not applied" sentence was lost (87/04). Now said.
2. An IP-Adapter's attention mask that is also shown through a step to a preview (MaskToImage -> PreviewImage) was
   said to reach the video "through ComfyUI's 'VAEDecode' ..., which Studio does not convert", false: a step whose
   readers only show it is a preview too, and the mask is what the patch alone is made with, not applied with it
   (87/03).
3. AnimateDiff's beta_schedule sentence said the take is sampled "with AnimateDiff's DDIM" where the sampler asks
   'lcm' (AnimateLCM), which the generator samples with LCMScheduler: it names the scheduler the take is given (87/03).
4. A node no pack declares, read by the places of a catalogued node's settings, took its first fitting integer as
   the seed (RAVE's grid size 3); a seed is the value ComfyUI's page saves just before its control word (87/06). And
   RAVE's nodes are catalogued from the pack's source (MIT, spacepxl/ComfyUI-RAVE 92d19be8), so KSamplerRAVE's values
   are named by its own declaration (87/06).
5. "(made from the refine alone, it would be another video: a few steps from noise)" was said of a refine pass that
   runs every step from step 0 (87/06): the words follow the refine's own start."""
from __future__ import annotations

from studio.convert import catalogue
from studio.convert.mapping.convert import convert
from studio.convert.takes import passes
from tests.convert.said import api, nodes_of, said
from tests.convert.test_comfy_wrappers import UI


def _upscaled_to_lines(wired: bool) -> dict:
    """A clip upscaled x4 by a learned upscaler, then scaled by a factor worked out from the clip's own height
    (VHS_VideoInfo's source height, a value known only when the workflow runs), or by a saved 0.5."""
    scale_by = ["5", 4] if wired else 0.5
    return api({
        "1": ("VHS_LoadVideo", {"video": "clip.mp4", "force_rate": 0, "custom_width": 0, "custom_height": 0,
                                "frame_load_cap": 0, "skip_first_frames": 0, "select_every_nth": 1,
                                "format": "AnimateDiff"}),
        "2": ("UpscaleModelLoader", {"model_name": "RealESRGAN_x4plus.pth"}),
        "3": ("ImageUpscaleWithModel", {"upscale_model": ["2", 0], "image": ["1", 0]}),
        "5": ("VHS_VideoInfo", {"video_info": ["1", 3]}),
        "4": ("ImageScaleBy", {"upscale_method": "lanczos", "scale_by": scale_by, "image": ["3", 0]}),
        "8": ("VHS_VideoCombine", {"images": ["4", 0], "frame_rate": 24, "loop_count": 0, "filename_prefix": "up",
                                   "format": "video/h264-mp4", "pingpong": False, "save_output": True}),
    })


def test_a_resize_whose_factor_is_worked_out_when_the_workflow_runs_is_said_not_applied():
    conv = convert(_upscaled_to_lines(True), "up.json")
    assert "'ImageScaleBy' (ImageScaleBy, #4), a step on the way from 'VHS_LoadVideo' (#1) to 'VHS_VideoCombine' " \
           "(#8): not applied" in said(conv)
    assert nodes_of(conv, "finishing.upscale") and not any(
        n.params.get("scale") == 0.5 for n in nodes_of(conv, "transform.scale"))
    conv = convert(_upscaled_to_lines(False), "up.json")  # a factor saved: Studio's Scale, as before
    assert any(n.params.get("scale") == 0.5 for n in nodes_of(conv, "transform.scale"))
    assert "'ImageScaleBy' (ImageScaleBy, #4), a step" not in said(conv)


def _animatediff(sampler: str, previewed_mask: bool) -> dict:
    """AnimateDiff (Gen1 loader, 'sqrt_linear (AnimateDiff)') of an SD 1.5 checkpoint steered by a ControlNet on a
    clip, its model patched by an IP-Adapter with an attention mask made by SolidMask (also previewed through
    MaskToImage, or not): 87/03's morph, small."""
    nodes = {
        "1": ("CheckpointLoaderSimple", {"ckpt_name": "sd15.safetensors"}),
        "2": ("ADE_AnimateDiffLoaderGen1", {"model_name": "AnimateLCM_sd15_t2v.safetensors",
                                            "beta_schedule": "sqrt_linear (AnimateDiff)", "model": ["1", 0]}),
        "3": ("IPAdapterUnifiedLoader", {"preset": "PLUS (high strength)", "model": ["2", 0]}),
        "4": ("LoadImage", {"image": "look.png"}),
        "5": ("SolidMask", {"value": 1.0, "width": 288, "height": 512}),
        "6": ("IPAdapterAdvanced", {"weight": 1.0, "weight_type": "linear", "combine_embeds": "concat",
                                    "start_at": 0.0, "end_at": 1.0, "embeds_scaling": "V only",
                                    "model": ["3", 0], "ipadapter": ["3", 1], "image": ["4", 0],
                                    "attn_mask": ["5", 0]}),
        "7": ("CLIPTextEncode", {"text": "a lighthouse at dusk", "clip": ["1", 1]}),
        "8": ("CLIPTextEncode", {"text": "", "clip": ["1", 1]}),
        "9": ("EmptyLatentImage", {"width": 288, "height": 512, "batch_size": 16}),
        "15": ("ControlNetLoader", {"control_net_name": "control_v1p_sd15_qrcode_monster.safetensors"}),
        "16": ("VHS_LoadVideo", {"video": "rings.mp4", "force_rate": 12, "custom_width": 0, "custom_height": 0,
                                 "frame_load_cap": 16, "skip_first_frames": 0, "select_every_nth": 1}),
        "17": ("ControlNetApplyAdvanced", {"strength": 0.5, "start_percent": 0.0, "end_percent": 1.0,
                                           "positive": ["7", 0], "negative": ["8", 0], "control_net": ["15", 0],
                                           "image": ["16", 0]}),
        "10": ("KSampler", {"seed": 7, "steps": 8, "cfg": 1.0, "sampler_name": sampler, "scheduler": "sgm_uniform",
                            "denoise": 1.0, "model": ["6", 0], "positive": ["17", 0], "negative": ["17", 1],
                            "latent_image": ["9", 0]}),
        "11": ("VAEDecode", {"samples": ["10", 0], "vae": ["1", 2]}),
        "12": ("VHS_VideoCombine", {"images": ["11", 0], "frame_rate": 12, "loop_count": 0, "filename_prefix": "ad",
                                    "format": "video/h264-mp4", "pingpong": False, "save_output": True}),
    }
    if previewed_mask:
        nodes["13"] = ("MaskToImage", {"mask": ["5", 0]})
        nodes["14"] = ("PreviewImage", {"images": ["13", 0]})
    return api(nodes)


def test_a_patchs_mask_also_shown_by_a_preview_is_said_the_patchs_not_reaching_through_the_decode():
    text = said(convert(_animatediff("lcm", True), "morph.json"))
    assert "reaches this output through" not in text
    assert "'SolidMask' (SolidMask, #5) gives 'IPAdapterAdvanced' (#6)'s 'attn_mask'" in text
    assert "not applied either" in text


def test_animatediffs_betas_sentence_names_the_scheduler_the_take_is_sampled_with():
    line = next(x for x in said(convert(_animatediff("lcm", False), "ad.json")).splitlines() if "beta_schedule" in x)
    assert "is the betas Studio samples ComfyUI's motion module and checkpoint with LCMScheduler on linear betas " \
           "0.00085-0.012" in line and "DDIM" not in line
    line = next(x for x in said(convert(_animatediff("euler", False), "ad.json")).splitlines() if "beta_schedule" in x)
    assert "with AnimateDiff's DDIM on linear betas 0.00085-0.012" in line


def _own_sampler(widgets: list) -> dict:
    """Wan 2.1 T2V sampled by a node no pack declares that takes KSampler's sockets, its values saved by place."""
    w = UI()
    unet = w.add("UNETLoader", ["wan2.1_t2v_1.3B_fp16.safetensors", "default"])
    clip = w.add("CLIPLoader", ["umt5_xxl_fp8_e4m3fn_scaled.safetensors", "wan", "default"])
    vae = w.add("VAELoader", ["wan_2.1_vae.safetensors"])
    pos = w.add("CLIPTextEncode", ["a fox in the snow"], clip=(clip, 0))
    neg = w.add("CLIPTextEncode", ["blurry"], clip=(clip, 0))
    latent = w.add("EmptyHunyuanLatentVideo", [832, 480, 33, 1])
    s = w.add("MyGridKSampler", widgets, model=(unet, 0), positive=(pos, 0), negative=(neg, 0),
              latent_image=(latent, 0))
    dec = w.add("VAEDecode", [], samples=(s, 0), vae=(vae, 0))
    w.add("SaveAnimatedWEBP", ["out", 16, False, 90, "default"], images=(dec, 0))
    doc = w.doc()
    types = {"model": "MODEL", "positive": "CONDITIONING", "negative": "CONDITIONING", "latent_image": "LATENT",
             "clip": "CLIP", "samples": "LATENT", "vae": "VAE", "images": "IMAGE"}
    for n in doc["nodes"]:
        for i in n["inputs"]:
            i["type"] = types[i["name"]]
    outs = {"UNETLoader": ["MODEL"], "CLIPLoader": ["CLIP"], "VAELoader": ["VAE"], "CLIPTextEncode": ["CONDITIONING"],
            "EmptyHunyuanLatentVideo": ["LATENT"], "MyGridKSampler": ["LATENT"], "VAEDecode": ["IMAGE"]}
    for n in doc["nodes"]:
        n["outputs"] = [{"name": t.lower(), "type": t, "links": [l[0] for l in doc["links"] if l[1] == n["id"]]}
                        for t in outs.get(n["type"], [])]
    for l in doc["links"]:
        l[5] = outs[next(n["type"] for n in doc["nodes"] if n["id"] == l[1])][0]
    return doc


def test_a_seed_read_by_place_is_the_value_saved_before_its_control_word():
    conv = convert(_own_sampler([3, False, 11, "fixed", False, 20, 5.0, "euler", "simple", 1.0]), "grid.json")
    gen = nodes_of(conv, "video_models.text_to_video")[0].params
    assert gen["seed"] == 11 and gen["steps"] == 20
    assert "value 3 (at place 1)" in said(conv)  # (the grid size before it: not taken, said)


def test_raves_sampler_is_catalogued_with_its_own_settings():
    t = catalogue.node_type("KSamplerRAVE")
    assert t is not None and t.inputs is not None
    assert [i.name for i in t.widgets][:3] == ["grid_size", "pad_grid", "noise_seed"]
    assert t.input("start_at_step") is not None and t.input("end_at_step") is not None


class _Refine:
    def __init__(self, **values):
        self.values = values

    def settings(self):
        return self.values


def test_a_refine_from_the_first_step_is_not_said_a_few_steps_from_noise():
    assert passes._from_noise(_Refine(denoise=1.0, start_at_step=0)) == \
        ": every step from noise, without the main pass's take"
    assert passes._from_noise(_Refine(denoise=0.4)) == ": a few steps from noise"
    assert passes._from_noise(_Refine(start_at_step=12, denoise=1.0)) == ": a few steps from noise"
    assert passes._from_noise(_Refine(denoise="(wired)")) == ""
    assert passes._from_noise(_Refine(denoise=1.0, start_at_step="(wired)")) == ""
