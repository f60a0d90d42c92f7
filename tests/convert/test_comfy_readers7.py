"""Readers of the seventh round (issue 112): a pass reworking every frame of an earlier take with a family that
declares no video to video (families.abilities) keeps the take alone, the pass said not made (takes.restyle); a
declared node passing a prompt on as it is, said (tracing.prompts.walk); a declared writer giving only its file's
path, read by another node, is a video save (packs.save_shapes)."""
from __future__ import annotations

from studio.convert.mapping.convert import convert
from tests.convert.said import api, nodes_of, said
from tests.convert.test_comfy_wiring import UI


def _reworked(model: str):
    """An LTX-2 take decoded, encoded again by a second checkpoint ``model`` and sampled at denoise 0.4."""
    from tests.convert.test_comfy_restyle_pass import first_take, pass_on
    w = UI()
    frames = first_take(w)
    ck2 = w.add("CheckpointLoaderSimple", [model], ["MODEL", "CLIP", "VAE"])
    return pass_on(w, frames, (ck2, 0), (ck2, 1), (ck2, 2), 0.4)


def test_a_pass_whose_family_does_no_video_to_video_keeps_the_take_alone_said():
    conv = convert(_reworked("mochi_preview_bf16.safetensors"), "reworked")
    assert not nodes_of(conv, "video_models.video_to_video")  # Mochi 1 declares no video to video
    assert len(nodes_of(conv, "video_models.ltx2")) == 1 and len(nodes_of(conv, "io.save_video")) == 1
    text = said(conv)
    assert ("'KSampler' (KSampler, #12) reworks every frame of the take of 'KSampler' (KSampler, #6) (encoded by "
            "'VAEEncode' (VAEEncode, #11), denoise 0.4) with Mochi 1's model, and Mochi 1 does no video to video "
            "in Studio: the pass is not made; Studio writes the take of 'KSampler' (KSampler, #6) unreworked "
            "('out/refined_take.mp4') in place of 'SaveVideo' (SaveVideo, #15)'s video") in text
    assert "Video to Video restyles" not in text
    conv = convert(_reworked("wan2.1_t2v_1.3B_fp16.safetensors"), "reworked")  # Wan declares it: still made
    assert len(nodes_of(conv, "video_models.video_to_video")) == 1 and "does no video to video" not in said(conv)
    conv = convert(_reworked("ltx-video-2b-v0.9.5.safetensors"), "reworked")  # LTX-Video declares it since ltxv2v8
    assert len(nodes_of(conv, "video_models.video_to_video")) == 1 and "does no video to video" not in said(conv)
    conv = convert(_reworked("hunyuan_video_t2v_720p_bf16.safetensors"), "reworked")  # HunyuanVideo since restyle10
    assert len(nodes_of(conv, "video_models.video_to_video")) == 1 and "does no video to video" not in said(conv)



def test_a_declared_node_passing_the_prompt_on_among_inputs_of_any_type_is_said():
    """SeanScripts' UnloadModel (declared: 'value' and 'model' of any type in, one of any type out) on the positive
    prompt's way: the prompt walk marked it read and no sentence named it (catalog6, heldout14); now passing says it
    passes the conditioning on as it is, its unload not done."""
    nodes = {
        "1": ("UNETLoader", {"unet_name": "wan2.1_t2v_1.3B_fp16.safetensors", "weight_dtype": "default"}),
        "2": ("CLIPLoader", {"clip_name": "umt5_xxl_fp8_e4m3fn_scaled.safetensors", "type": "wan",
                             "device": "default"}),
        "3": ("VAELoader", {"vae_name": "wan_2.1_vae.safetensors"}),
        "4": ("CLIPTextEncode", {"text": "a fox in the snow", "clip": ["2", 0]}),
        "5": ("CLIPTextEncode", {"text": "blurry", "clip": ["2", 0]}),
        "6": ("UnloadModel", {"value": ["4", 0], "model": ["2", 0]}),
        "7": ("EmptyHunyuanLatentVideo", {"width": 832, "height": 480, "length": 33, "batch_size": 1}),
        "8": ("KSampler", {"seed": 3, "control_after_generate": "fixed", "steps": 20, "cfg": 5.0,
                           "sampler_name": "euler", "scheduler": "simple", "denoise": 1.0, "model": ["1", 0],
                           "positive": ["6", 0], "negative": ["5", 0], "latent_image": ["7", 0]}),
        "9": ("VAEDecode", {"samples": ["8", 0], "vae": ["3", 0]}),
        "10": ("CreateVideo", {"fps": 16, "images": ["9", 0]}),
        "11": ("SaveVideo", {"filename_prefix": "fox", "format": "auto", "codec": "auto", "video": ["10", 0]}),
    }
    conv = convert(api(nodes), "fox")
    assert nodes_of(conv, "video_models.text_to_video")[0].params["prompt"] == "a fox in the snow"
    assert "'UnloadModel' (UnloadModel, #6) passes what it is given on to 'KSampler' (#8)'s 'positive' as it is; " \
           "what else it does when the workflow runs is not done" in said(conv)


def _written(wired_on: bool):
    """A Wan take decoded into bluee-utils' H.264 writer (declared: pictures, a frame rate, a file name in; a path
    out; no output node), its path given to a PreviewAny where ``wired_on``."""
    from tests.convert.test_comfy_wiring import UI
    w = UI()
    unet = w.add("UNETLoader", ["wan2.1_t2v_1.3B_fp16.safetensors", "default"], ["MODEL"])
    clip = w.add("CLIPLoader", ["umt5_xxl_fp8_e4m3fn_scaled.safetensors", "wan", "default"], ["CLIP"])
    vae = w.add("VAELoader", ["wan_2.1_vae.safetensors"], ["VAE"])
    pos = w.add("CLIPTextEncode", ["a fox in the snow"], ["CONDITIONING"], {"clip": (clip, 0, "CLIP")})
    neg = w.add("CLIPTextEncode", ["blurry"], ["CONDITIONING"], {"clip": (clip, 0, "CLIP")})
    lat = w.add("EmptyHunyuanLatentVideo", [832, 480, 33, 1], ["LATENT"])
    ks = w.add("KSampler", [3, "fixed", 20, 5.0, "euler", "simple", 1.0], ["LATENT"],
               {"model": (unet, 0, "MODEL"), "positive": (pos, 0, "CONDITIONING"),
                "negative": (neg, 0, "CONDITIONING"), "latent_image": (lat, 0, "LATENT")})
    dec = w.add("VAEDecode", [], ["IMAGE"], {"samples": (ks, 0, "LATENT"), "vae": (vae, 0, "VAE")})
    wr = w.add("BlueeCombineImagesAudioH264", [16, "fox", True, 19, "medium"], ["STRING"],
               {"images": (dec, 0, "IMAGE")})
    if wired_on:
        w.add("PreviewAny", [], [], {"source": (wr, 0, "STRING")})
    doc = w.doc()
    doc["nodes"][wr - 1]["outputs"][0]["links"] = [k[0] for k in doc["links"] if k[1] == wr]  # (as a UI file saves)
    return doc


def test_a_declared_writer_giving_only_its_files_path_is_a_video_save():
    """catalog6's bluee-utils case: a declared node taking pictures, a frame rate and a file name and giving only a
    path (no output node), its path read by another node, is a video writer: Studio's Save Video at its rate."""
    conv = convert(_written(True), "fox")
    assert len(nodes_of(conv, "video_models.text_to_video")) == 1
    assert len(nodes_of(conv, "io.save_video")) == 1
    assert "'BlueeCombineImagesAudioH264' (BlueeCombineImagesAudioH264, #9) saves a video, told by its types (a node " \
           "its pack declares (not an output node: run for the node its file name is wired to)" in said(conv)
    # its path read by nothing: ComfyUI does not run a node that is no output node, so nothing is written
    assert not nodes_of(convert(_written(False), "fox"), "io.save_video")
