"""Issue 112, heldout80's mends (fresh set judged on main 04468fe3): each test builds its workflow from node types,
values and links and fails without its mend.

1. A pack translation's one sentence listed a ComfyUI node it rewrote beside the pack's among the pack's own
   ("CogVideoXWrapper nodes read as ComfyUI's own: ..., EmptyLatentImage as CogVideoXEmptyLatent"), and named a type
   of Studio's own reading as ComfyUI's: the workflow's ComfyUI nodes are said apart, by the catalogue's declared
   packs and the translation's own test of its nodes (packs/read_as.py; 80/05).
2. A number cast with one number out beside a text (Comfyroll's 'CR Float To Integer': INT and its 'show_help'
   STRING), its name saying 'To Integer', was not read: a portrait size wired through INT -> FLOAT -> INT casts into
   an EmptyImage, scaled 0.5 and measured by GetImageSize, was "a value Studio cannot work out", and LTX-2 made the
   family's own size (reading/casts.py; 80/10).
3. The wrapper's MultiTalk long take in context windows (kijai's 'long context' examples: the sampler given the voice
   and, as its image_embeds, a plain WanVideoImageToVideoEncode of the picture, WanVideoContextOptions' windows, a
   Uni3C camera render) was held ("Studio cannot wire what that node gives into a generator of that task"): read as
   Studio's InfiniteTalk, method 'multitalk', its windows the context's size continued by the overlap, the length at
   most the encode's; the windows' difference and the camera render not taken said (wan/comfy_wrapper_context_talk.py;
   80/02, 80/03); the voice beside an end picture or a control on the encode is held with its sentence (it had been
   made as a first/last-frame take without the voice, unsaid).
4. An output sampled by a pack's sampler Studio cannot read, held with its sentence, held again for each other save
   of the same take (a RIFE save beside the take's own): its model loader and prompts were made twice, unsaid; now
   once, where that save reads no file of its own (mapping/outputs.py; 80/08).
5. VideoHelperSuite's Load Images' picks of its folder (skip_first_images, select_every_nth, image_load_cap) were said
   not applied ("Studio's Load Image Sequence reads every picture of the folder"): made as Studio's Trim after Load
   Image Sequence, told by the loader type's declared widgets (reading/sequence_picks.py; 80/06's 10 poses)."""
from __future__ import annotations

from studio.convert.mapping.convert import convert
from studio.convert.reading.workflow import Workflow
from tests.convert.builders import wan_vace
from tests.convert.said import api, nodes_of, said, source_of, ui
from tests.convert.test_comfy_heldout6_mends import _talk


def _cogvideox(latent: dict) -> dict:
    return api({
        "36": ("DownloadAndLoadCogVideoModel", {"model": "THUDM/CogVideoX-2b", "precision": "bf16",
                                                "quantization": "disabled", "enable_sequential_cpu_offload": False,
                                                "attention_mode": "sdpa", "load_device": "main_device"}),
        "20": ("CLIPLoader", {"clip_name": "t5xxl_fp8_e4m3fn.safetensors", "type": "sd3"}),
        "30": ("CogVideoTextEncode", {"prompt": "a dog running on a roof", "strength": 1, "force_offload": False,
                                      "clip": ["20", 0]}),
        "31": ("CogVideoTextEncode", {"prompt": "", "strength": 1, "force_offload": True, "clip": ["30", 1]}),
        **latent,
        "35": ("CogVideoSampler", {"num_frames": 49, "steps": 50, "cfg": 6, "seed": 0, "scheduler": "CogVideoXDDIM",
                                   "denoise_strength": 1, "model": ["36", 0], "positive": ["30", 0],
                                   "negative": ["31", 0], "samples": ["37", 0]}),
        "11": ("CogVideoDecode", {"enable_vae_tiling": True, "tile_sample_min_height": 240,
                                  "tile_sample_min_width": 360, "tile_overlap_factor_height": 0.2,
                                  "tile_overlap_factor_width": 0.2, "auto_tile_size": True, "vae": ["36", 1],
                                  "samples": ["35", 0]}),
        "33": ("VHS_VideoCombine", {"frame_rate": 8, "loop_count": 0, "filename_prefix": "cog", "format":
                                    "video/h264-mp4", "pingpong": False, "save_output": True, "images": ["11", 0]}),
    })


def test_a_comfyui_node_a_pack_translation_rewrites_is_not_said_to_be_the_packs():
    conv = convert(_cogvideox({"37": ("EmptyLatentImage", {"width": 720, "height": 480, "batch_size": 1})}), "cog")
    text = said(conv)
    line = next(s for s in text.splitlines() if "nodes read as ComfyUI's own" in s)
    own, _, rest = line.partition(";")
    assert "CogVideoSampler as KSampler" in own and "EmptyLatentImage" not in own  # (the pack's own alone)
    assert "ComfyUI's own EmptyLatentImage as the take's empty latent (its size, the sampler's length)" in rest
    assert "CogVideoXEmptyLatent" not in text  # (Studio's own reading, never named as a ComfyUI type)
    gen = next(n for n in conv.graph.nodes.values() if n.type_id == "video_models.text_to_video")
    assert (gen.params["width"], gen.params["height"], gen.params["frames"]) == (720, 480, 49)  # (read as before)


def test_an_undeclared_type_a_translation_names_is_said_as_studios_reading():
    from studio.convert.packs import read_as

    class N:  # a node as the file has it (the translation's own pack test decides whose it is)
        def __init__(self, cls):
            self.cls, self.pack, self.origin = cls, "", ""
    line = read_as.sentence("SomePack", {"SomePackSampler": "KSampler", "EmptyLatentImage": "SomeFamilyLatent"},
                            [N("SomePackSampler"), N("EmptyLatentImage")], lambda n: n.cls.startswith("SomePack"))
    assert line == ("SomePack nodes read as ComfyUI's own: SomePackSampler as KSampler; ComfyUI's own "
                    "EmptyLatentImage as SomeFamilyLatent (Studio's own reading of it, not a ComfyUI node), read with "
                    "the SomePack nodes it feeds or takes from")


def _portrait(width_cast: str = "CR Float To Integer") -> Workflow:
    return Workflow.read(api({
        "49": ("PrimitiveInt", {"value": 768}),
        "33": ("PrimitiveInt", {"value": 1024}),
        "153": ("FL_IntToFloat", {"int_value": ["49", 0]}),
        "155": ("FL_IntToFloat", {"int_value": ["33", 0]}),
        "152": (width_cast, {"_float": ["153", 0]}),
        "157": ("CR Float To Integer", {"_float": ["155", 0]}),
        "38": ("EmptyImage", {"width": ["152", 0], "height": ["157", 0], "batch_size": 1, "color": 0}),
        "39": ("ImageScaleBy", {"upscale_method": "bicubic", "scale_by": 0.5, "image": ["38", 0]}),
        "40": ("GetImageSize", {"image": ["39", 0]}),
    }))


def test_a_cast_with_one_number_out_beside_a_help_text_is_read():
    wf = _portrait()
    empty = wf.nodes["38"]
    assert (wf.value(empty, "width"), wf.value(empty, "height")) == (768, 1024)
    size = wf.nodes["40"]
    assert (wf.output(size, 0), wf.output(size, 1)) == (384, 512)  # half the portrait, measured
    assert wf.output(wf.nodes["152"], 1) is None  # (its text output: not read as the number)
    half = Workflow.read(api({"1": ("PrimitiveFloat", {"value": 7.5}),
                              "2": ("CR Float To Integer", {"_float": ["1", 0]})}))
    assert half.output(half.nodes["2"], 0) is None  # (a fraction: packs round it differently, unknown)


def _in_windows(camera: bool = True) -> dict:
    doc = _talk({"strength_1": 1.0, "strength_2": 1.0, "combine_embeds": "average", "tiles": 0, "ratio": 0.5})
    doc["5"]["inputs"]["model"] = "WanVideo_2_1_Multitalk_14B_fp32.safetensors"  # MultiTalk, not InfiniteTalk
    doc["8"]["inputs"]["num_frames"] = 725
    doc["10"] = {"class_type": "WanVideoImageToVideoEncode", "inputs": {
        "vae": ["1", 0], "start_image": ["7", 0], "clip_embeds": ["9", 0], "width": 720, "height": 1280,
        "num_frames": 725, "noise_aug_strength": 0.0, "start_latent_strength": 1.0, "end_latent_strength": 1.0,
        "force_offload": True, "fun_or_fl2v_model": False, "tiled_vae": True}}
    doc["20"] = {"class_type": "WanVideoContextOptions", "inputs": {
        "context_schedule": "static_standard", "context_frames": 81, "context_stride": 4, "context_overlap": 32,
        "freenoise": True, "verbose": False, "fuse_method": "linear"}}
    doc["14"]["inputs"]["context_options"] = ["20", 0]
    if camera:
        doc["21"] = {"class_type": "WanVideoUni3C_ControlnetLoader", "inputs": {
            "model": "Wan21_Uni3C_controlnet_fp16.safetensors", "base_precision": "fp16",
            "quantization": "disabled", "load_device": "main_device", "attention_mode": "sdpa"}}
        doc["22"] = {"class_type": "WanVideoEncode", "inputs": {"vae": ["1", 0], "image": ["7", 0]}}
        doc["23"] = {"class_type": "WanVideoUni3C_embeds", "inputs": {
            "controlnet": ["21", 0], "render_latent": ["22", 0], "strength": 1.0, "start_percent": 0.0,
            "end_percent": 0.1}}
        doc["14"]["inputs"]["uni3c_embeds"] = ["23", 0]
    return doc


def test_the_wrappers_multitalk_in_context_windows_is_made_as_infinitetalks_multitalk():
    conv = convert(_in_windows(), "talk")
    assert [t["generator"] for t in conv.tasks] == ["video_models.infinitetalk"]
    gen = nodes_of(conv, "video_models.infinitetalk")[0].params
    assert (gen["method"], gen["motion_frames"], gen["most_frames"], gen["frames"]) == ("multitalk", 32, 725, 0)
    assert (gen["width"], gen["height"]) == (720, 1280)
    assert gen["patch"] == "WanVideo_2_1_Multitalk_14B_fp32.safetensors"
    text = said(conv)
    assert ("'WanVideoSampler' (WanVideoSampler, #14) makes MultiTalk (the patch "
            "'WanVideo_2_1_Multitalk_14B_fp32.safetensors' on its model) of 'WanVideoImageToVideoEncode' "
            "(WanVideoImageToVideoEncode, #10)'s start image and the voice in 'WanVideoContextOptions' "
            "(WanVideoContextOptions, #20)'s context windows of 81 frames overlapping by 32, all denoised together at "
            "each step: Studio's InfiniteTalk makes it with its method 'multitalk', in windows of 81 frames, each later "
            "one conditioned on the last 32 frames of the one before, not on the picture") in text
    assert ("'WanVideoSampler' (WanVideoSampler, #14)'s 'uni3c_embeds' ('WanVideoUni3C_embeds' (WanVideoUni3C_embeds, "
            "#23): a Uni3C camera render) is not taken") in text
    assert "context schedule 'static_standard' is not taken" not in text  # (its windows said with the take, once)
    assert "Studio cannot wire" not in text



def test_two_saves_of_one_held_pack_sampler_hold_its_loader_and_prompts_once():
    doc = ui([(2, "UNETLoader", [], ["MODEL"], ["wan2.2_fun_5b.safetensors", "fp8_e4m3fn"]),
              (3, "CLIPLoader", [], ["CLIP"], ["umt5xxl_fp8_e4m3fn_scaled.safetensors", "wan"]),
              (4, "VAELoader", [], ["VAE"], ["wan_2.2_vae.safetensors"]),
              (5, "CLIPTextEncode", [("clip", "CLIP")], ["CONDITIONING"], ["a lighthouse at dusk"]),
              (6, "CLIPTextEncode", [("clip", "CLIP")], ["CONDITIONING"], ["blurry"]),
              (7, "EmptyHunyuanLatentVideo", [], ["LATENT"], [832, 480, 81, 1]),
              (8, "AcmeVideoSampler", [("model", "MODEL"), ("positive", "CONDITIONING"),
                                       ("negative", "CONDITIONING"), ("latent", "LATENT")], ["LATENT"],
               [123, "fixed", 25, 5.0]),
              (9, "VAEDecode", [("samples", "LATENT"), ("vae", "VAE")], ["IMAGE"], []),
              (10, "VHS_VideoCombine", [("images", "IMAGE")], [], {"frame_rate": 24, "filename_prefix": "a",
                                                                   "format": "video/h264-mp4"}),
              (11, "ImageScaleBy", [("image", "IMAGE")], ["IMAGE"], ["lanczos", 2.0]),
              (12, "VHS_VideoCombine", [("images", "IMAGE")], [], {"frame_rate": 24, "filename_prefix": "b",
                                                                   "format": "video/h264-mp4"})],
             [(3, 0, 5, "clip"), (3, 0, 6, "clip"), (2, 0, 8, "model"), (5, 0, 8, "positive"), (6, 0, 8, "negative"),
              (7, 0, 8, "latent"), (8, 0, 9, "samples"), (4, 0, 9, "vae"), (9, 0, 10, "images"), (9, 0, 11, "image"),
              (11, 0, 12, "images")])
    conv = convert(doc, "two_saves")
    assert conv.log[0].startswith("This workflow makes a take sampled by a node pack's sampler (AcmeVideoSampler)")
    assert len(nodes_of(conv, "video_models.load")) == 1
    assert sorted(n.params["text"] for n in nodes_of(conv, "io.text")) == ["a lighthouse at dusk", "blurry"]


def test_a_folder_loaders_picks_are_made_as_studios_trim():
    conv = convert(api(wan_vace(["9", 0], more={"9": ("VHS_LoadImages", {
        "directory": "poses", "image_load_cap": 10, "skip_first_images": 2, "select_every_nth": 3})})), "poses")
    gen = nodes_of(conv, "video_models.wan_vace")[0]
    trim = source_of(conv, gen.id, "video")
    assert trim.type_id == "transform.trim" and trim.params == {"start": 2, "end": 30, "step": 3}
    assert source_of(conv, trim.id, "video").type_id == "footage.load_sequence"
    text = said(conv)
    assert ("loads pictures 2 to 29, one in every 3 of the folder 'poses' (skip_first_images, select_every_nth, "
            "image_load_cap): Studio's Trim after Load Image Sequence keeps the same places") in text
    assert "reads every picture of the folder" not in text


def test_multitalk_beside_an_end_picture_is_held_never_made_without_the_voice():
    doc = _in_windows(camera=False)
    doc["10"]["inputs"]["end_image"] = ["17", 0]  # (found making mend 3: a first/last-frame take, the voice dropped)
    conv = convert(doc, "talk")
    assert [t["generator"] for t in conv.tasks] == [None]
    assert conv.log[0].startswith(
        "This workflow makes a video with a voice (MultiTalk) beside 'WanVideoImageToVideoEncode' "
        "(WanVideoImageToVideoEncode, #10)'s 'end_image' (MultiTalkWav2VecEmbeds) with Wan; Studio cannot give Wan a "
        "voice (MultiTalk)")
