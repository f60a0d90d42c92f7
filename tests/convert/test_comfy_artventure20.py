"""Issue 112, artventure20: ArtVentureX's 2023 AnimateDiff pack (ArtVentureX/comfyui-animatediff 08aad389, heldout90
04-06) and heldout91 03's held sentence. Each test builds its workflow from node types, values and links (UI files
as the pack's page saves them) and fails without its mend.

1. The pack catalogued (scripts.comfy_catalogue --add): AnimateDiffSampler, a subclass of ComfyUI's KSampler
   growing its INPUT_TYPES with KSampler's and keeping its RETURN_TYPES, declares KSampler's inputs and LATENT out
   (catalogue/inherited.py reads a known base's inputs and outputs).
2. Its text-to-video take (05, 06) made by AnimateDiff: the module loader's file as Load Video Model's model, the
   sampler's frame_number as the frames (the pack repeats the latent's last frame), its sliding window options as
   the take's context windows, its motion LoRA said, its AnimateDiffCombine (a trailing '/view?' preview address)
   read as a video save.
3. Its ControlNet clip (04): frame_number wired from ImageSizeAndBatchSize's count of the control clip's frames ->
   the take as long as the control clip; its LoadVideo (core's name, its own values) read as a Load Video of the
   same picks (a Trim).
4. heldout91 03: a held AnimateDiff take whose two ControlNets are given folders' frames and whose prompt is a
   tagger's reading of a picture names the folders, not the picture, as what those ControlNets are given."""
from __future__ import annotations

import gzip
import json
import os

from studio.convert.catalogue import node_type
from studio.convert.catalogue.mappings import extract_pack
from studio.convert.mapping.convert import convert
from tests.convert.said import nodes_of, said
from tests.convert.ui_files import ui

MM = "mm_sd_v15_v2.safetensors"
CKPT = "realisticVision_v20.safetensors"


def test_a_ksampler_subclass_takes_its_catalogued_base_inputs_and_outputs():
    src = '''
from nodes import KSampler
class MySampler(KSampler):
    @classmethod
    def INPUT_TYPES(s):
        inputs = {"required": {"motion_module": ("MOTION_MODULE",), "frame_number": ("INT", {"default": 16})}}
        inputs["required"].update(KSampler.INPUT_TYPES()["required"])
        inputs["optional"] = {"sliding_window_opts": ("SLIDING_WINDOW_OPTS",)}
        return inputs
    FUNCTION = "go"
NODE_CLASS_MAPPINGS = {"MySampler": MySampler}
'''
    known = {"KSampler": {"inputs": [{"name": "model", "type": "MODEL", "widget": False},
                                     {"name": "seed", "type": "INT", "widget": True}],
                          "outputs": [{"type": "LATENT"}]}}
    rec = extract_pack({"nodes.py": src}, known=known)["MySampler"]
    assert [i["name"] for i in rec["inputs"]] == ["motion_module", "frame_number", "model", "seed",
                                                  "sliding_window_opts"]
    assert rec["outputs"] == [{"type": "LATENT"}]
    t = node_type("AnimateDiffSampler")  # the committed catalogue, read so
    assert t.pack == "ArtVentureX/comfyui-animatediff" and t.output_types == ("LATENT",)
    assert {"model", "seed", "steps", "cfg", "latent_image", "frame_number"} <= {i.name for i in t.inputs}
    path = os.path.join("studio", "convert", "catalogue", "data", "comfy_types.json.gz")
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        pack = json.load(fh)["packs"]["ArtVentureX/comfyui-animatediff"]
    assert pack["commit"].startswith("08aad389")


def _t2v(frames: int = 40, windows: bool = True, lora: str | None = None) -> dict:
    """The pack's sliding-window example's shape (05; 06 with a motion LoRA): a UI file."""
    nodes = [
        (4, "CheckpointLoaderSimple", [], ["MODEL", "CLIP", "VAE"], [CKPT]),
        (6, "CLIPTextEncode", [("clip", "CLIP")], ["CONDITIONING"], ["a girl under cherry blossoms"]),
        (7, "CLIPTextEncode", [("clip", "CLIP")], ["CONDITIONING"], ["lowres"]),
        (16, "AnimateDiffModuleLoader", [("lora_stack", "MOTION_LORA_STACK")], ["MOTION_MODULE"], [MM]),
        (20, "EmptyLatentImage", [], ["LATENT"], [512, 512, 1]),
        (15, "AnimateDiffSampler", [("motion_module", "MOTION_MODULE"), ("model", "MODEL"),
                                    ("positive", "CONDITIONING"), ("negative", "CONDITIONING"),
                                    ("latent_image", "LATENT"), ("sliding_window_opts", "SLIDING_WINDOW_OPTS")],
         ["LATENT"], ["default", frames, 345, "fixed", 20, 8, "euler", "normal", 1]),
        (8, "VAEDecode", [("samples", "LATENT"), ("vae", "VAE")], ["IMAGE"], []),
        (12, "AnimateDiffCombine", [("images", "IMAGE")], [],
         [8, 0, False, "AnimateDiff", "image/gif", False, "/view?filename=AnimateDiff_00003_.gif&type=temp"]),
    ]
    links = [(4, 1, 6, "clip"), (4, 1, 7, "clip"), (16, 0, 15, "motion_module"), (4, 0, 15, "model"),
             (6, 0, 15, "positive"), (7, 0, 15, "negative"), (20, 0, 15, "latent_image"), (15, 0, 8, "samples"),
             (4, 2, 8, "vae"), (8, 0, 12, "images")]
    if windows:
        nodes.append((21, "AnimateDiffSlidingWindowOptions", [], ["SLIDING_WINDOW_OPTS"], [16, 1, 4, "uniform", True]))
        links.append((21, 0, 15, "sliding_window_opts"))
    if lora:
        nodes.append((22, "AnimateDiffLoraLoader", [("lora_stack", "MOTION_LORA_STACK")], ["MOTION_LORA_STACK"],
                      [lora, 1]))
        links.append((22, 0, 16, "lora_stack"))
    return ui(nodes, links)


def test_the_packs_text_to_video_is_animatediffs_take_of_its_frame_number_in_its_windows():
    conv = convert(_t2v(), "sliding-window.json")
    assert conv.tasks[0]["family"] == "AnimateDiff" and conv.tasks[0]["generator"] == "video_models.text_to_video"
    gen = nodes_of(conv, "video_models.text_to_video")[0]
    load = nodes_of(conv, "video_models.load")[0]
    assert load.params["model"] == MM and load.params["image_model"] == CKPT
    assert gen.params["frames"] == 40 and gen.params["width"] == 512 and gen.params["steps"] == 20
    assert gen.params["window"] == 16 and gen.params["overlap"] == 4 and gen.params["context_schedule"] == "looped"
    text = said(conv)
    assert "frame_number 40 is the take's frames" in text and "a batch of 1 made 40 frames" in text
    assert "makes a batch of 1: AnimateDiff makes it as that many frames" not in text
    assert "(AnimateDiffSlidingWindowOptions, #21)'s windows of 16 frames overlapping by 4" in text
    assert "not applied" not in next(x for x in text.splitlines() if "frame_number 40" in x)
    assert nodes_of(conv, "io.save_video")  # (its Combine, a preview address after its values, read as a save)


def test_the_packs_motion_lora_is_said_with_its_file():
    conv = convert(_t2v(frames=14, windows=False, lora="v2_lora_ZoomIn.ckpt"), "lora.json")
    gen = nodes_of(conv, "video_models.text_to_video")[0]
    assert gen.params["frames"] == 14
    line = next(x for x in said(conv).splitlines() if "(AnimateDiffLoraLoader, #22)" in x)
    assert "'v2_lora_ZoomIn.ckpt'" in line and "not taken" in line and "pickled" in line


def _controlnet_clip() -> dict:
    """The pack's openpose clip example's shape (04): its LoadVideo's frames steer the take, their count its frames."""
    nodes = [
        (4, "CheckpointLoaderSimple", [], ["MODEL", "CLIP", "VAE"], [CKPT]),
        (6, "CLIPTextEncode", [("clip", "CLIP")], ["CONDITIONING"], ["1girl dancing"]),
        (7, "CLIPTextEncode", [("clip", "CLIP")], ["CONDITIONING"], ["lowres"]),
        (16, "AnimateDiffModuleLoader", [("lora_stack", "MOTION_LORA_STACK")], ["MOTION_MODULE"], [MM]),
        (103, "LoadVideo", [], [("frames", "IMAGE"), ("frame_count", "INT")],
         ["video/dance.gif", "image", 2, 16, "/view?filename=dance.gif&type=input&subfolder=video"]),
        (104, "ImageSizeAndBatchSize", [("image", "IMAGE")], [("width", "INT"), ("height", "INT"),
                                                                ("batch_size", "INT")], []),
        (36, "ControlNetLoader", [], ["CONTROL_NET"], ["control_v11p_sd15_openpose.safetensors"]),
        (39, "ControlNetApplyAdvanced", [("positive", "CONDITIONING"), ("negative", "CONDITIONING"),
                                         ("control_net", "CONTROL_NET"), ("image", "IMAGE")],
         [("positive", "CONDITIONING"), ("negative", "CONDITIONING")], [1, 0, 1]),
        (20, "EmptyLatentImage", [("width", "INT"), ("height", "INT")], ["LATENT"], [512, 512, 1]),
        (107, "AnimateDiffSampler", [("motion_module", "MOTION_MODULE"), ("model", "MODEL"),
                                     ("positive", "CONDITIONING"), ("negative", "CONDITIONING"),
                                     ("latent_image", "LATENT"), ("frame_number", "INT")],
         ["LATENT"], ["default", 16, 0, "fixed", 20, 8, "euler", "normal", 1]),
        (44, "VAEDecode", [("samples", "LATENT"), ("vae", "VAE")], ["IMAGE"], []),
        (45, "AnimateDiffCombine", [("images", "IMAGE")], [], [8, 0, True, "AnimateDiff", "image/gif", False]),
    ]
    links = [(4, 1, 6, "clip"), (4, 1, 7, "clip"), (103, 0, 104, "image"), (6, 0, 39, "positive"),
             (7, 0, 39, "negative"), (36, 0, 39, "control_net"), (103, 0, 39, "image"), (104, 0, 20, "width"),
             (104, 1, 20, "height"), (16, 0, 107, "motion_module"), (4, 0, 107, "model"), (39, 0, 107, "positive"),
             (39, 1, 107, "negative"), (20, 0, 107, "latent_image"), (104, 2, 107, "frame_number"),
             (107, 0, 44, "samples"), (4, 2, 44, "vae"), (44, 0, 45, "images")]
    return ui(nodes, links)


def test_the_packs_controlnet_clip_is_as_long_as_its_control_clip_of_its_loaders_picks():
    conv = convert(_controlnet_clip(), "cn-vid2vid.json")
    gen = nodes_of(conv, "video_models.animatediff_controlnet")
    assert gen and gen[0].params["frames"] == 0  # (0: the control clip's length)
    trim = nodes_of(conv, "transform.trim")
    assert trim and trim[0].params["start"] == 2 and trim[0].params["end"] == 18
    text = said(conv)
    assert "frame_number is wired from 'ImageSizeAndBatchSize' (ImageSizeAndBatchSize, #104)'s batch_size" in text
    assert "as long as the control clip" in text
    assert "frame_start 2, frame_limit 16" in text
    assert "makes a batch of 1: AnimateDiff makes it as that many frames" not in text


def test_the_folders_its_controlnets_are_given_are_their_control_clips_not_the_tagged_picture():
    """heldout91 03's shape (a UI file): an AnimateDiff take (Evolved's deprecated loader) steered by two ControlNets
    given Load Images folders, its prompt a schedule of a tagger's reading of a picture: held before acn21, its first
    sentence naming the folders (the graph held the picture); now made, the folders' frames its two control clips,
    the picture no input of the take."""
    cond = [("positive", "CONDITIONING"), ("negative", "CONDITIONING")]
    folder = [("IMAGE", "IMAGE"), ("MASK", "MASK"), ("INT", "INT")]
    nodes = [
        (2, "CheckpointLoaderSimple", [], [("MODEL", "MODEL"), ("CLIP", "CLIP"), ("VAE", "VAE")], [CKPT]),
        (18, "ADE_AnimateDiffLoaderWithContext", [("model", "MODEL"), ("context_options", "CONTEXT_OPTIONS"),
                                                  ("motion_lora", "MOTION_LORA")], [("MODEL", "MODEL")],
         [MM, "sqrt_linear (AnimateDiff)"]),
        (8, "ControlNetLoaderAdvanced", [("timestep_keyframe", "TIMESTEP_KEYFRAME")], [("CONTROL_NET", "CONTROL_NET")],
         ["control_v11p_sd15_openpose_fp16.safetensors"]),
        (13, "ControlNetLoaderAdvanced", [("timestep_keyframe", "TIMESTEP_KEYFRAME")], [("CONTROL_NET", "CONTROL_NET")],
         ["control_v11p_sd15_scribble_fp16.safetensors"]),
        (7, "ControlNetApplyAdvanced", [*cond, ("control_net", "CONTROL_NET"), ("image", "IMAGE")], cond, [0.9, 0, 1]),
        (12, "ControlNetApplyAdvanced", [*cond, ("control_net", "CONTROL_NET"), ("image", "IMAGE")], cond, [0.6, 0, 1]),
        (32, "WD14Tagger|pysssss", [("image", "IMAGE")], [("STRING", "STRING")],
         ["wd-v1-4-moat-tagger-v2", 0.35, 0.85, ""]),
        (6, "CLIPTextEncode", [("clip", "CLIP")], [("CONDITIONING", "CONDITIONING")], ["lowres"]),
        (31, "PromptSchedule", [("clip", "CLIP"), ("text", "STRING")], [("CONDITIONING", "CONDITIONING")],
         ['"0" :""', 500, 0, "xbb, ", "", 0, 0, 0, 0]),
        (1, "KSampler", [("model", "MODEL"), *cond, ("latent_image", "LATENT")], [("LATENT", "LATENT")],
         [1, "fixed", 15, 7, "euler", "normal", 1]),
        (25, "EmptyLatentImage", [("batch_size", "INT")], [("LATENT", "LATENT")], [304, 400, 1]),
        (21, "VAEDecode", [("samples", "LATENT"), ("vae", "VAE")], [("IMAGE", "IMAGE")], None),
        (37, "VHS_VideoCombine", [("images", "IMAGE")], [("GIF", "GIF")],
         [8, 0, "AnimateDiff", "video/h264-mp4", False, True, None, "/view?filename=AnimateDiff_00001_.mp4"]),
        (34, "LoadImage", [], [("IMAGE", "IMAGE"), ("MASK", "MASK")], ["girl.png", "image"]),
        (16, "VHS_LoadImages", [], folder, ["openpose", "directory", 10, 0, 1]),
        (20, "VHS_LoadImages", [], folder, ["lines", "directory", 10, 0, 1]),
    ]
    links = [(2, 0, 18, "model"), (18, 0, 1, "model"), (2, 1, 6, "clip"), (2, 1, 31, "clip"), (34, 0, 32, "image"),
             (32, 0, 31, "text"), (31, 0, 7, "positive"), (6, 0, 7, "negative"), (8, 0, 7, "control_net"),
             (16, 0, 7, "image"), (7, 0, 12, "positive"), (7, 1, 12, "negative"), (13, 0, 12, "control_net"),
             (20, 0, 12, "image"), (12, 0, 1, "positive"), (12, 1, 1, "negative"), (20, 2, 25, "batch_size"),
             (25, 0, 1, "latent_image"), (1, 0, 21, "samples"), (2, 2, 21, "vae"), (21, 0, 37, "images")]
    wf = ui(nodes, links)
    conv = convert(wf, "imgtovideo")
    assert [t["generator"] for t in conv.tasks] == ["video_models.animatediff_controlnet"]
    g = conv.graph
    gen = nodes_of(conv, "video_models.animatediff_controlnet")[0]
    folders = {}
    for port in ("control", "control_2"):
        n = g.nodes[g.input_link(gen.id, port).src]
        while n.type_id != "footage.load_sequence":
            n = g.nodes[next(x.src for x in g.links if x.dst == n.id)]
        folders[port] = n.params["path"]
    assert folders == {"control": "lines", "control_2": "openpose"}
    assert not any(n.params.get("path") == "girl.png" for n in g.nodes.values())
