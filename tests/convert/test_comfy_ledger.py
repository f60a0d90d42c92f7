"""Issue 71: any ComfyUI workflow opens as what it is. (Every local video template of the package, told by
its content, is judged against labels from its own nodes in test_comfy_package.py, with workflow_labels.py.)
Here the general rules the issue names, each on the template that showed it or a small workflow of its own:
guiders read by what they declare, a file another pass alone reads kept off the video model, a size
ResolutionSelector computes, a task node's settings carried or said, takes joined into one output made
each and concatenated, a picture a paid node generates not wired as the file it came from, an unknown
latent maker given an image held (never text to video), a model patch said, a pack's sampler held."""
from __future__ import annotations

import json
import os

import pytest

from studio.convert.mapping.convert import convert

templates = pytest.importorskip("comfyui_workflow_templates_json")
TEMPLATES = os.path.join(os.path.dirname(templates.__file__), "templates")


def _doc(name):
    with open(os.path.join(TEMPLATES, name + ".json"), encoding="utf-8") as f:
        return json.load(f)


def _gens(conv, type_id):
    return [n for n in conv.graph.nodes.values() if n.type_id == type_id]


def _text(conv):
    return "\n".join([n["text"] for n in conv.graph.ui.get("notes", [])] + conv.log)


def test_guiders_are_read_by_what_they_declare():
    """LTX-2.5's LTXVDualCFGGuider sets cfg 1 (video and sound alike): the generator's guidance is 1, not
    its default; HunyuanVideo's BasicGuider runs without CFG and its FluxGuidance 6 is the model's embedded
    guidance: 6, said."""
    gen = _gens(convert(_doc("video_ltx2_5_t2v"), "t"), "video_models.ltx2")[0]
    assert gen.params["guidance"] == 1.0
    conv = convert(_doc("hunyuan_video_text_to_video"), "h")
    assert _gens(conv, "video_models.text_to_video")[0].params["guidance"] == 6.0
    assert "'FluxGuidance' (FluxGuidance, #26) 6: the generator's guidance" in _text(conv)


def test_a_file_another_pass_alone_reads_is_not_the_video_models():
    """LTX-2's depth to video loads an SD1.5 VAE for its Lotus depth pass: not set as LTX-2's VAE, said."""
    conv = convert(_doc("video_ltx2_depth_to_video"), "d")
    load = _gens(conv, "video_models.load")[0]
    assert load.params["vae"] == ""
    assert "VAE 'vae-ft-mse-840000-ema-pruned.safetensors' is read by the pass of" in _text(conv)


def test_resolution_selector_sizes_are_read():
    """MiniMax H3's ResolutionSelector: 0.4 MP square at multiples of 32 is 640x640 (the node's 1344x768 values
    are only its saved defaults); 16:9 is 864x480."""
    gen = _gens(convert(_doc("video_minimax_h3_i2v"), "m"), "video_models.image_to_video")[0]
    assert (gen.params["width"], gen.params["height"]) == (640, 640)
    gen = _gens(convert(_doc("video_minimax_h3_t2v"), "m"), "video_models.text_to_video")[0]
    assert (gen.params["width"], gen.params["height"]) == (864, 480)


def test_a_task_nodes_settings_are_carried_or_said():
    """LTX-Video's LTXVImgToVideo strength 0.15 has no setting on Image to Video: said. SVD's conditioning (its
    start image a Load Image here): motion bucket and augmentation carried, its conditioning fps said."""
    assert "LTXVImgToVideo's strength 0.15" in _text(convert(_doc("ltxv_image_to_video"), "l"))
    doc = {"1": {"class_type": "ImageOnlyCheckpointLoader", "inputs": {"ckpt_name": "svd_xt.safetensors"}},
           "2": {"class_type": "LoadImage", "inputs": {"image": "still.png"}},
           "3": {"class_type": "SVD_img2vid_Conditioning", "inputs": {
               "clip_vision": ["1", 1], "init_image": ["2", 0], "vae": ["1", 2], "width": 1024, "height": 576,
               "video_frames": 25, "motion_bucket_id": 90, "fps": 6, "augmentation_level": 0}},
           "4": {"class_type": "KSampler", "inputs": {"model": ["1", 0], "positive": ["3", 0], "negative": ["3", 1],
                                                      "latent_image": ["3", 2], "seed": 1, "steps": 20, "cfg": 2.5,
                                                      "sampler_name": "euler", "scheduler": "karras", "denoise": 1}},
           "5": {"class_type": "VAEDecode", "inputs": {"samples": ["4", 0], "vae": ["1", 2]}},
           "6": {"class_type": "SaveAnimatedWEBP", "inputs": {"images": ["5", 0], "fps": 10}}}
    conv = convert(doc, "svd")
    gen = _gens(conv, "video_models.image_to_video")[0]
    assert (gen.params["motion"], gen.params["noise_aug"], gen.params["frames"]) == (90, 0.0, 25)
    assert "SVD_img2vid_Conditioning's fps 6" in _text(conv)
    # SVD samples with its own Euler (EDM) scheduler: 'euler' would be refused at the run (a flow models' sampler)
    assert gen.params["sampler"] == "auto" and "Stable Video Diffusion samples with the scheduler Studio gives " \
        "ComfyUI's SVD checkpoint" in _text(conv)  # (its released scheduler, no model folder: heldout74)


def test_key_frame_segments_become_a_generator_each_joined_in_order():
    """templates-6-key-frames: five Wan 2.2 first-and-last-frame takes (keyframes 1-2, 2-3 ... 5-6) joined by
    an image batch: five Image to Video, each with its two stills, concatenated in that order into one Save
    Video at the output's 24 fps."""
    conv = convert(_doc("templates-6-key-frames"), "k")
    g = conv.graph
    assert g.validate() == []
    gens = _gens(conv, "video_models.image_to_video")
    assert len(gens) == 5

    def still(gen, port):
        link = g.input_link(gen.id, port)
        return g.nodes[link.src].params["path"]
    pairs = {(still(x, "image"), still(x, "last_image")) for x in gens}
    files = ["6-key-frames-1.jpg"] + [f"6-key-frames-{k}.png" for k in range(2, 7)]
    assert pairs == set(zip(files, files[1:]))
    assert all(x.params["fps"] == 24.0 and x.params["frames"] == 25 for x in gens)
    saves = _gens(conv, "io.save_video")
    assert len(saves) == 1 and len(_gens(conv, "edit.concatenate")) == 2
    order, node = [], g.input_link(saves[0].id, "video").src  # the concatenation, read back from the save
    while g.nodes[node].type_id == "edit.concatenate":
        parts = [g.input_link(node, p) for p in "abcd"]
        order = [still(g.nodes[p.src], "image") for p in parts[1:] if p] + order
        node = parts[0].src
    order = [still(g.nodes[node], "image")] + order
    assert order == files[:5]


def test_a_picture_a_paid_node_generates_is_not_wired_as_its_file():
    """The looped restyler's restyled still is made by GeminiImageNode from the init image: no take has the init
    image as both start and last frame; what the node makes is said."""
    conv = convert(_doc("templates_mjm_looped_restyler"), "r")
    g = conv.graph
    for gen in _gens(conv, "video_models.image_to_video"):
        ins = [g.input_link(gen.id, p) for p in ("image", "last_image")]
        assert not (ins[0] and ins[1] and ins[0].src == ins[1].src)
    assert "is made by ComfyUI's 'GeminiImageNode' (GeminiImageNode, #89:5) from image 'looped_restyler_init.png'" \
        in _text(conv)


def _api(latent_cls, extra=None):
    doc = {"1": {"class_type": "UNETLoader", "inputs": {"unet_name": "wan2.1_i2v_480p_14B_fp16.safetensors"}},
           "2": {"class_type": "LoadImage", "inputs": {"image": "start.png"}},
           "3": {"class_type": "CLIPTextEncode", "inputs": {"text": "a cat"}},
           "4": {"class_type": latent_cls, "inputs": {"image": ["2", 0], "width": 640, "height": 480}},
           "5": {"class_type": "KSampler", "inputs": {"model": ["1", 0], "positive": ["3", 0], "negative": ["3", 0],
                                                      "latent_image": ["4", 0], "seed": 3, "steps": 20, "cfg": 5,
                                                      "sampler_name": "euler", "scheduler": "simple", "denoise": 1}},
           "6": {"class_type": "VAEDecode", "inputs": {"samples": ["5", 0]}},
           "7": {"class_type": "SaveVideo", "inputs": {"video": ["6", 0]}}}
    doc.update(extra or {})
    return doc


def test_an_unknown_latent_maker_given_an_image_is_held_never_text_to_video():
    """A node pack's latent maker Studio does not know, fed a Load Image: told a latent maker by the inputs it
    feeds (API JSON: no types saved), its image not wirable: no generator, one sentence first naming the node
    and the image; never a text to video with the image dropped."""
    conv = convert(_api("SomePackImageToVideoLatent"), "u")
    assert not _gens(conv, "video_models.text_to_video") and not _gens(conv, "video_models.image_to_video")
    assert conv.log[0].startswith("This workflow makes a video from image given to the sampler by "
                                  "SomePackImageToVideoLatent (latent maker) with Wan 2.1; Studio cannot wire")
    assert [n.params["path"] for n in _gens(conv, "io.load_image")] == ["start.png"]


def test_a_model_patch_between_loader_and_sampler_is_said_and_an_ic_lora_loader_is_a_video_lora():
    """SkipLayerGuidanceDiT between the model loader and the sampler: said with what it is, never passed over;
    ComfyUI-LTXVideo's LTXICLoRALoaderModelOnly (its IC-LoRA loader) is a Video LoRA with its file and strength."""
    doc = _api("EmptyHunyuanLatentVideo", {
        "8": {"class_type": "LTXICLoRALoaderModelOnly", "inputs": {"model": ["1", 0], "lora_name": "ic.safetensors",
                                                                   "strength_model": 0.8}},
        "9": {"class_type": "SkipLayerGuidanceDiT", "inputs": {"model": ["8", 0], "double_layers": "9,10",
                                                               "scale": 3}}})
    doc["4"]["inputs"] = {"width": 640, "height": 480, "length": 33}
    doc["5"]["inputs"]["model"] = ["9", 0]
    del doc["2"]
    conv = convert(doc, "p")
    assert "'SkipLayerGuidanceDiT' (SkipLayerGuidanceDiT, #9: a model patch) between the model loader and 'KSampler' " \
           "(#5) is not applied" in _text(conv)
    lora = _gens(conv, "video_models.lora")[0]
    assert (lora.params["lora"], lora.params["strength"]) == ("ic.safetensors", 0.8)


def test_a_video_sampled_by_a_packs_sampler_is_held_with_its_sentence():
    """An output made by ComfyUI-LTXVideo's LTXVLoopingSampler (no core sampler): held, said first."""
    doc = {"1": {"class_type": "CheckpointLoaderSimple", "inputs": {"ckpt_name": "ltx-2-19b-dev.safetensors"}},
           "2": {"class_type": "LoadImage", "inputs": {"image": "a.png"}},
           "3": {"class_type": "LTXVLoopingSampler", "inputs": {"model": ["1", 0], "image": ["2", 0]}},
           "4": {"class_type": "VAEDecode", "inputs": {"samples": ["3", 0], "vae": ["1", 2]}},
           "5": {"class_type": "SaveVideo", "inputs": {"video": ["4", 0]}}}
    conv = convert(doc, "loop")
    assert conv.log[0].startswith("This workflow makes a long take sampled in overlapping loops (LTXVLoopingSampler) "
                                  "with LTX-2; Studio cannot read ComfyUI's LTXVLoopingSampler")


def test_a_packs_sampler_giving_its_options_too_is_told_a_sampler():
    """RES4LYF's ClownsharKSampler_Beta gives its options beside its latents (UI types): still a sampler Studio does
    not read, so the output is held naming it, not 'no video output with a sampler found'."""
    from tests.convert.test_comfy_wiring import UI
    w = UI()
    unet = w.add("UNETLoader", ["wan2.1_t2v_1.3B_fp16.safetensors", "default"], ["MODEL"])
    clip = w.add("CLIPLoader", ["umt5_xxl_fp8_e4m3fn_scaled.safetensors", "wan", "default"], ["CLIP"])
    vae = w.add("VAELoader", ["wan_2.1_vae.safetensors"], ["VAE"])
    pos = w.add("CLIPTextEncode", ["a fox"], ["CONDITIONING"], {"clip": (clip, 0, "CLIP")})
    latent = w.add("EmptyHunyuanLatentVideo", [640, 352, 33, 1], ["LATENT"])
    ks = w.add("ClownsharKSampler_Beta", [0.5, "exponential/res_2s", "beta57", 30, -1, 1, 5.5, 0, "fixed"],
               ["LATENT", "LATENT", "OPTIONS"], {"model": (unet, 0, "MODEL"), "positive": (pos, 0, "CONDITIONING"),
                                                 "latent_image": (latent, 0, "LATENT"), "options": "OPTIONS"})
    dec = w.add("VAEDecode", [], ["IMAGE"], {"samples": (ks, 0, "LATENT"), "vae": (vae, 0, "VAE")})
    w.add("VHS_VideoCombine", {"frame_rate": 16, "filename_prefix": "fox", "format": "video/h264-mp4"}, [],
          {"images": (dec, 0, "IMAGE")})
    conv = convert(w.doc(), "clown")
    assert conv.log[0].startswith("This workflow makes a take sampled by a node pack's sampler (ClownsharKSampler_Beta)")


def test_a_samplers_types_of_a_packs_own_model_and_prompts_tell_it_a_sampler():
    """WanVideoWrapper's WanVideoSamplerv2 takes the wrapper's own model and prompt types (WANVIDEOMODEL,
    WANVIDEOTEXTEMBEDS) and gives latents: a sampler Studio does not read, the output held naming it (had been 'no
    video output with a sampler found'); a math node on the frames' way, its expression 'a - (b + 3)', is no prompt."""
    from tests.convert.test_comfy_wiring import UI
    w = UI()
    model = w.add("WanVideoModelLoader", ["Wan2_1-I2V-14B-480P_fp8.safetensors", "fp16", "disabled", "offload_device",
                                          "sdpa"], ["WANVIDEOMODEL"])
    text = w.add("WanVideoTextEncodeCached", ["umt5-xxl-enc-bf16.safetensors", "bf16", "a woman talks", "", "disabled",
                                               False, "gpu"], ["WANVIDEOTEXTEMBEDS"])
    face = w.add("LoadImage", ["woman.jpg", "image"], ["IMAGE", "MASK"])
    emb = w.add("WanVideoImageToVideoEncode", [832, 480, 81, 0, 1, 1, True], ["WANVIDIMAGE_EMBEDS"],
                {"start_image": (face, 0, "IMAGE")})
    s = w.add("WanVideoSamplerv2", [1.0, 42, "fixed"], ["LATENT", "LATENT"],
              {"model": (model, 0, "WANVIDEOMODEL"), "text_embeds": (text, 0, "WANVIDEOTEXTEMBEDS"),
               "image_embeds": (emb, 0, "WANVIDIMAGE_EMBEDS")})
    vae = w.add("WanVideoVAELoader", ["Wan2_1_VAE_bf16.safetensors", "bf16"], ["WANVAE"])
    dec = w.add("WanVideoDecode", [False, 272, 272, 144, 128], ["IMAGE"], {"samples": (s, 0, "LATENT"),
                                                                          "vae": (vae, 0, "WANVAE")})
    count = w.add("GetImageSizeAndCount", [], ["IMAGE", "INT", "INT", "INT"], {"image": (dec, 0, "IMAGE")})
    math = w.add("SimpleMath+", ["a - (b + 3)"], ["INT", "FLOAT"], {"a": (count, 3, "INT")})
    cut = w.add("GetImageRangeFromBatch", [0, 1], ["IMAGE", "MASK"], {"images": (count, 0, "IMAGE"),
                                                                      "num_frames": (math, 0, "INT")})
    w.add("VHS_VideoCombine", {"frame_rate": 25, "filename_prefix": "talk", "format": "video/h264-mp4"}, [],
          {"images": (cut, 0, "IMAGE")})
    conv = convert(w.doc(), "samplerv2")
    assert conv.log[0].startswith("This workflow makes a take sampled by a node pack's sampler (WanVideoSamplerv2)")


EXAMPLES = os.path.join(os.path.dirname(__file__), "data", "comfyui_examples")  # ComfyUI_examples' (its licence)


def _example(name):
    with open(os.path.join(EXAMPLES, name), encoding="utf-8") as f:
        return convert(json.load(f), name)


def test_workflows_from_comfyui_examples_are_kept_or_held_with_their_sentence():
    """Three of ComfyUI's own examples, from outside the package (first measured as unseen workflows): Cosmos'
    image to video (read by families/cosmos) keeps its task, start image, size and length; HunyuanVideo's image
    to video (read by families/hunyuan) keeps its start image, size and length too: neither is made as text to
    video; Wan's Fun Camera example keeps its task, its start image and its camera path."""
    conv = _example("image_to_video_cosmos_7B.json")
    gen = _gens(conv, "video_models.image_to_video")[0]
    assert (gen.params["width"], gen.params["height"], gen.params["frames"]) == (1024, 1024, 121)
    assert [n.params["path"] for n in _gens(conv, "io.load_image")] == ["ComfyUI_256804_.png"]
    assert any(l.dst == gen.id and l.dst_port == "image" for l in conv.graph.links)
    assert not _gens(conv, "video_models.text_to_video")
    conv = _example("hunyuan_video_image_to_video.json")
    gen = _gens(conv, "video_models.image_to_video")[0]
    assert (gen.params["width"], gen.params["height"], gen.params["frames"]) == (720, 720, 57)
    assert [n.params["path"] for n in _gens(conv, "io.load_image")] == ["flux_dev_example.png"]
    assert not _gens(conv, "video_models.text_to_video")
    conv = _example("camera_image_to_video_wan_example.json")
    gen = _gens(conv, "video_models.wan_fun_camera")[0]
    wired = {l.dst_port for l in conv.graph.links if l.dst == gen.id}
    assert {"image", "camera"} <= wired


def test_an_expression_or_numbers_are_no_prompt_a_sentence_is():
    """A node that holds a sentence draws what it is told (an API model: the video is its own); a math node's
    expression or a list of numbers is no sentence (the wrapper's SkyReels-A2 workflow had been held as 'a video made
    by SimpleMath+')."""
    from studio.convert.reading.workflow import CNode
    from studio.convert.tracing.roles import prompted
    assert not prompted(CNode("1", "SimpleMath+", widgets={"#0": "a - (b + 3)"}))
    assert not prompted(CNode("2", "ManualSigmas", widgets={"#0": "0.909375, 0.725, 0.421875, 0.0"}))
    assert prompted(CNode("3", "SomeVideoAPI", widgets={"#0": "a fox runs through the snow"}))


@pytest.mark.parametrize("noise", ["DisableNoise", "RandomNoise"])
def test_a_clip_sampled_with_no_noise_added_is_held_not_said_noised_away(noise):
    """An encoded clip sampled from the top of the schedule (denoise 1) with no noise added (ComfyUI's DisableNoise: an
    inversion or an edit, FlowEdit's) is the clip itself sampled: held, not 'noised away, made from the prompt'; with
    noise added it is noised away, as before."""
    from tests.convert.test_comfy_wiring import UI
    w = UI()
    unet = w.add("UNETLoader", ["wan2.1_t2v_1.3B_fp16.safetensors", "default"], ["MODEL"])
    clip = w.add("CLIPLoader", ["umt5_xxl_fp8_e4m3fn_scaled.safetensors", "wan", "default"], ["CLIP"])
    vae = w.add("VAELoader", ["wan_2.1_vae.safetensors"], ["VAE"])
    pos = w.add("CLIPTextEncode", ["a fox in anime style"], ["CONDITIONING"], {"clip": (clip, 0, "CLIP")})
    load = w.add("LoadVideo", ["fox.mp4", "image"], ["VIDEO"])
    src = w.add("GetVideoComponents", [], ["IMAGE", "AUDIO", "FLOAT"], {"video": (load, 0, "VIDEO")})
    enc = w.add("VAEEncode", [], ["LATENT"], {"pixels": (src, 0, "IMAGE"), "vae": (vae, 0, "VAE")})
    nz = w.add(noise, [] if noise == "DisableNoise" else [7, "fixed"], ["NOISE"])
    guider = w.add("CFGGuider", [1.0], ["GUIDER"], {"model": (unet, 0, "MODEL"), "positive": (pos, 0, "CONDITIONING"),
                                                     "negative": (pos, 0, "CONDITIONING")})
    pick = w.add("KSamplerSelect", ["euler"], ["SAMPLER"])
    sig = w.add("BasicScheduler", ["simple", 20, 1.0], ["SIGMAS"], {"model": (unet, 0, "MODEL")})
    s = w.add("SamplerCustomAdvanced", [], ["LATENT", "LATENT"],
              {"noise": (nz, 0, "NOISE"), "guider": (guider, 0, "GUIDER"), "sampler": (pick, 0, "SAMPLER"),
               "sigmas": (sig, 0, "SIGMAS"), "latent_image": (enc, 0, "LATENT")})
    dec = w.add("VAEDecode", [], ["IMAGE"], {"samples": (s, 0, "LATENT"), "vae": (vae, 0, "VAE")})
    cv = w.add("CreateVideo", [16], ["VIDEO"], {"images": (dec, 0, "IMAGE")})
    w.add("SaveVideo", ["fox", "auto", "auto"], [], {"video": (cv, 0, "VIDEO")})
    conv = convert(w.doc(), "edit")
    if noise == "DisableNoise":
        assert conv.log[0].startswith("This workflow makes a video sampled from the encoded clip video 'fox.mp4' itself")
        assert not _gens(conv, "video_models.text_to_video")
    else:  # noised: made from the prompt, the clip said noised away (as ComfyUI makes it)
        assert _gens(conv, "video_models.text_to_video") and "is noised away" in _text(conv)
