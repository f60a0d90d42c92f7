"""A tiled diffusion upscale (ssitu's UltimateSDUpscale and its NoUpscale form) on a loaded clip's way read as Load
Video -> Tiled Diffusion Upscale (its checkpoint on a Load Video Model) -> Save Video (studio/convert/finishing/
tiled_upscale.py): told by declared types, its saved values named in the pack's order, its settings, prompts and
upscaler read, what Studio does otherwise said naming the node (the sampler, a VAE of its own, a LoRA on the model
and what it alone is made with); a node declared otherwise (no VAE in) is not read so. Minimal UI workflows of our
own, built from the pack's declared sockets and values (facts)."""
from __future__ import annotations

from studio.convert.mapping.convert import convert
from tests.convert.said import nodes_of, notes, said, source_of
from tests.convert.test_comfy_flashvsr import VHS_LOAD, VHS_SAVE
from tests.convert.test_comfy_wiring import UI

NODE = "finishing.tiled_diffusion_upscale"
# UltimateSDUpscale's widgets in its declared order (upscale_by, seed and its control, steps, cfg, sampler, scheduler,
# denoise, mode_type, tile_width, tile_height, mask_blur, tile_padding, the seam fix's five, force_uniform_tiles,
# tiled_decode, batch_size)
VALUES = [2.5, 7, "fixed", 12, 6.5, "dpmpp_2m", "karras", 0.35, "Chess", 640, 576, 16, 48, "Half Tile", 0.5, 32, 4, 24,
          True, False, 1]


def _way(cls="UltimateSDUpscale", values=VALUES, vae_file=None, lora=None, vae_in=True, listed=False,
         worked=False) -> dict:
    w = UI()
    load = w.add("VHS_LoadVideo", list(VHS_LOAD.values()), ["IMAGE", "INT", "AUDIO", "VHS_VIDEOINFO"])
    tile = {"tile_width": (w.add("SimpleMath+", ["a*8"], ["INT", "FLOAT"], {"a": (load, 1, "INT")}), 0, "INT")} \
        if worked else {}  # a tile width worked out from the clip's frame count when the workflow runs
    if listed:  # the clip given as a list of its frames (Impact Pack's converter): the node runs once a frame
        load = w.add("ImpactImageBatchToImageList", [], ["IMAGE"], {"image": (load, 0, "IMAGE")})
    ckpt = w.add("CheckpointLoaderSimple", ["dreamshaper_8.safetensors"], ["MODEL", "CLIP", "VAE"])
    model = (ckpt, 0, "MODEL")
    if lora:
        vision = w.add("CLIPVisionLoader", ["clip_vision_h.safetensors"], ["CLIP_VISION"])
        lo = w.add("LoraLoader", [lora, 0.8, 1.0], ["MODEL", "CLIP"], {"model": model, "clip": (ckpt, 1, "CLIP")})
        patch = w.add("IPAdapterPatchOfOurs", [0.7], ["MODEL"], {"model": (lo, 0, "MODEL"),
                                                                  "clip_vision": (vision, 0, "CLIP_VISION")})
        model = (patch, 0, "MODEL")
    pos = w.add("CLIPTextEncode", ["crisp detailed skin"], ["CONDITIONING"], {"clip": (ckpt, 1, "CLIP")})
    neg = w.add("CLIPTextEncode", ["blurry"], ["CONDITIONING"], {"clip": (ckpt, 1, "CLIP")})
    vae = (w.add("VAELoader", [vae_file], ["VAE"]), 0, "VAE") if vae_file else (ckpt, 2, "VAE")
    up = w.add("UpscaleModelLoader", ["4x-UltraSharp.pth"], ["UPSCALE_MODEL"])
    ins = {("upscaled_image" if cls.endswith("NoUpscale") else "image"): (load, 0, "IMAGE"), "model": model,
           "positive": (pos, 0, "CONDITIONING"), "negative": (neg, 0, "CONDITIONING"),
           **({"vae": vae} if vae_in else {}),
           **({} if cls.endswith("NoUpscale") else {"upscale_model": (up, 0, "UPSCALE_MODEL")}), **tile}
    usdu = w.add(cls, values, ["IMAGE"], ins)
    w.add("VHS_VideoCombine", list(VHS_SAVE.values()), ["VHS_FILENAMES"], {"images": (usdu, 0, "IMAGE")})
    return w.doc()


def test_a_clips_ultimate_sd_upscale_becomes_tiled_diffusion_upscale():
    conv = convert(_way(), "usdu")
    assert conv.graph.validate() == []
    (node,) = nodes_of(conv, NODE)
    p = node.params
    assert (p["factor"], p["seed"], p["steps"], p["guidance"], p["denoise"], p["mode"]) == (2.5, 7, 12, 6.5, 0.35,
                                                                                             "Chess")
    assert (p["tile_width"], p["tile_height"], p["mask_blur"], p["padding"]) == (640, 576, 16, 48)
    assert (p["seam_fix"], p["seam_fix_denoise"], p["seam_fix_width"], p["seam_fix_mask_blur"],
            p["seam_fix_padding"], p["uniform_tiles"]) == ("Half Tile", 0.5, 32, 4, 24, True)
    assert (p["prompt"], p["negative_prompt"], p["upscaler"]) == ("crisp detailed skin", "blurry", "4x-UltraSharp.pth")
    load = source_of(conv, node.id, "model")
    assert load.type_id == "video_models.load" and load.params["model"] == "dreamshaper_8.safetensors"
    assert source_of(conv, node.id, "video").type_id in ("io.load_video", "transform.trim")
    (save,) = nodes_of(conv, "io.save_video")
    text = said(conv)
    assert "'UltimateSDUpscale' (UltimateSDUpscale, #6) upscales x2.5 and redraws the frames in tiles of 640x576 at " \
           "denoise 0.35: Studio's Tiled Diffusion Upscale, its checkpoint 'dreamshaper_8.safetensors'" in text
    assert "read as Stable Diffusion 1.5's" in text
    assert "sampler_name dpmpp_2m, scheduler karras are not applied" in text
    assert "Studio cannot convert" not in text and "not converted (" not in notes(conv)


def test_a_vae_of_its_own_and_the_models_patches_are_said_not_applied():
    conv = convert(_way(vae_file="vae-ft-mse-840000.safetensors", lora="detail.safetensors"), "usdu")
    (node,) = nodes_of(conv, NODE)
    text = said(conv)
    assert "'UltimateSDUpscale' (#10)'s 'vae' is given the VAE of 'VAELoader' (VAELoader, #8) " \
           "('vae-ft-mse-840000.safetensors'): not applied" in text
    assert "'LoraLoader' (LoraLoader, #4) patches the model 'UltimateSDUpscale' (UltimateSDUpscale, #10) redraws the " \
           "tiles with: not applied" in text
    assert "'CLIPVisionLoader' (CLIPVisionLoader, #3) gives 'IPAdapterPatchOfOurs' (#5)'s 'clip_vision': one of what " \
           "'IPAdapterPatchOfOurs' (IPAdapterPatchOfOurs, #5), a patch on the model" in text
    assert "not converted (" not in notes(conv)  # nothing of the way left unsaid


def test_the_no_upscale_form_redraws_at_factor_one_and_a_node_without_a_vae_is_not_read_so():
    values = VALUES[1:]  # NoUpscale: no upscale_by, no upscale model
    conv = convert(_way("UltimateSDUpscaleNoUpscale", values), "usdu")
    (node,) = nodes_of(conv, NODE)
    assert node.params["factor"] == 1.0 and "upscaler" not in node.params or not node.params["upscaler"]
    assert "upscales nothing (it has no 'upscale_by'): Tiled Diffusion Upscale's factor is 1" in said(conv)
    other = convert(_way(vae_in=False), "usdu")
    assert nodes_of(other, NODE) == []


def test_after_a_generated_take_it_upscales_the_take_before_its_save():
    """Wan 2.1's take decoded, then UltimateSDUpscale with an SD 1.5 checkpoint of its own, then the Video Combine:
    the generator's video -> Tiled Diffusion Upscale -> Save Video (finish.after_take), its model the checkpoint's
    Load Video Model, not the take's."""
    from tests.convert.workflow_shapes import wan_t2v_combined
    wf = wan_t2v_combined()
    wf.update({
        "20": {"class_type": "CheckpointLoaderSimple", "inputs": {"ckpt_name": "photon_v1.safetensors"}},
        "21": {"class_type": "CLIPTextEncode", "inputs": {"text": "sharp feathers", "clip": ["20", 1]}},
        "22": {"class_type": "CLIPTextEncode", "inputs": {"text": "", "clip": ["20", 1]}},
        "23": {"class_type": "UltimateSDUpscale", "inputs": {
            "image": ["8", 0], "model": ["20", 0], "positive": ["21", 0], "negative": ["22", 0], "vae": ["20", 2],
            "upscale_by": 2, "seed": 3, "steps": 10, "cfg": 5, "sampler_name": "euler", "scheduler": "normal",
            "denoise": 0.25, "mode_type": "Linear", "tile_width": 512, "tile_height": 512, "mask_blur": 8,
            "tile_padding": 32, "seam_fix_mode": "None", "seam_fix_denoise": 1, "seam_fix_width": 64,
            "seam_fix_mask_blur": 8, "seam_fix_padding": 16, "force_uniform_tiles": True, "tiled_decode": False}}})
    wf["9"]["inputs"]["images"] = ["23", 0]
    conv = convert(wf, "take")
    assert conv.graph.validate() == []
    (node,) = nodes_of(conv, NODE)
    (gen,) = nodes_of(conv, "video_models.text_to_video")
    assert source_of(conv, node.id, "video").id == gen.id
    assert source_of(conv, node.id, "model").params["model"] == "photon_v1.safetensors"
    assert source_of(conv, gen.id, "model").params["model"] == "wan2.1_t2v_1.3B_fp16.safetensors"
    (save,) = nodes_of(conv, "io.save_video")
    way, n = [], save.id
    while (src := source_of(conv, n, "video")) is not None:
        way.append(src.type_id)
        n = src.id
    assert NODE in way and way.index(NODE) < way.index("video_models.text_to_video")
    assert (node.params["factor"], node.params["denoise"], node.params["prompt"]) == (2, 0.25, "sharp feathers")
    assert "Studio cannot convert" not in said(conv)


def test_frames_given_as_a_list_are_each_redrawn_from_the_one_seed():
    conv = convert(_way(listed=True), "usdu")
    (node,) = nodes_of(conv, NODE)
    assert node.params["frame_seed"] == "same"
    assert "'ImpactImageBatchToImageList' (ImpactImageBatchToImageList, #2) gives 'UltimateSDUpscale' " \
           "(UltimateSDUpscale, #7) the clip as a list of its frames: ComfyUI runs it once a frame" in said(conv)
    assert nodes_of(convert(_way(), "usdu"), NODE)[0].params["frame_seed"] == "per frame"


def test_a_tile_size_worked_out_when_the_workflow_runs_keeps_the_default_said():
    conv = convert(_way(worked=True), "usdu")
    (node,) = nodes_of(conv, NODE)
    assert node.params["tile_width"] == 512 and node.params["tile_height"] == 576
    assert "'UltimateSDUpscale' (#7)'s 'tile_width' is worked out by 'SimpleMath+' (SimpleMath+, #2) when the " \
           "workflow runs; Studio cannot work it out when converting: Tiled Diffusion Upscale's 'tile_width' stays " \
           "512 (set it)" in said(conv)
