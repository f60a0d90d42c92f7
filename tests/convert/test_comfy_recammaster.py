"""Issue 112 (recam15): kijai's WanVideoWrapper ReCamMaster workflows (a camera embeds node given camera poses and the
source clip's latents, the clip encoded by WanVideoEncode, the poses chosen among a node's paths) read as Studio's
ReCamMaster node by their declared types: the clip its source, the chosen path its camera path, the take the clip's
length and size; a path Studio cannot know from its maker's declaration (the wrapper's orbit of chosen degrees) holds
the task with one sentence naming the node. The workflows are built here from node types, values and links."""
from __future__ import annotations

from studio.convert.mapping.convert import convert
from tests.convert.said import api, nodes_of, said, source_file, ui

NODE = "video_models.recammaster"


def _workflow(poses=("WanVideoReCamMasterDefaultCamera", {"camera_type": "arc_left"}), noise=0.0) -> dict:
    cls, values = poses
    nodes = {
        "1": ("WanVideoModelLoader", {"model": "WanVideo/Wan2_1_kwai_recammaster_1_3B_step20000_bf16.safetensors",
                                      "base_precision": "bf16", "quantization": "disabled",
                                      "load_device": "offload_device"}),
        "2": ("LoadWanVideoT5TextEncoder", {"model_name": "umt5-xxl-enc-bf16.safetensors", "precision": "bf16"}),
        "3": ("WanVideoTextEncode", {"positive_prompt": "a red panda on a bamboo stem", "negative_prompt": "blurry",
                                     "t5": ["2", 0]}),
        "4": ("WanVideoVAELoader", {"model_name": "Wan2_1_VAE_bf16.safetensors", "precision": "bf16"}),
        "5": ("VHS_LoadVideo", {"video": "panda.mp4"}),
        "6": ("WanVideoEncode", {"vae": ["4", 0], "image": ["5", 0], "enable_vae_tiling": False, "tile_x": 272,
                                 "tile_y": 272, "tile_stride_x": 144, "tile_stride_y": 128,
                                 "noise_aug_strength": noise, "latent_strength": 1.0}),
        "7": (cls, {**values, **({"latents": ["6", 0]} if cls.endswith("DefaultCamera") else {})}),
        "8": ("WanVideoReCamMasterCameraEmbed", {"camera_poses": ["7", 0], "latents": ["6", 0]}),
        "9": ("WanVideoSampler", {"model": ["1", 0], "text_embeds": ["3", 0], "image_embeds": ["8", 0], "steps": 20,
                                  "cfg": 6.0, "shift": 5.0, "seed": 42, "force_offload": True, "scheduler": "unipc",
                                  "riflex_freq_index": 0}),
        "10": ("WanVideoDecode", {"vae": ["4", 0], "samples": ["9", 0], "enable_vae_tiling": False}),
        "11": ("VHS_VideoCombine", {"images": ["10", 0], "frame_rate": 16, "filename_prefix": "recam",
                                    "format": "video/h264-mp4"}),
    }
    return api(nodes)


def test_the_wrappers_recammaster_is_read_as_the_recammaster_node():
    conv = convert(_workflow(), "recam")
    assert [t["generator"] for t in conv.tasks] == [NODE]
    gen = nodes_of(conv, NODE)[0]
    p = gen.params
    assert (p["camera_path"], p["frames"], p["width"], p["height"]) == ("arc_left", 0, 0, 0)
    assert (p["steps"], p["guidance"], p["seed"], p["prompt"]) == (20, 6.0, 42, "a red panda on a bamboo stem")
    assert source_file(conv, gen.id, "source") == "panda.mp4"
    assert nodes_of(conv, "video_models.load")[0].params["model"].endswith("recammaster_1_3B_step20000_bf16.safetensors")
    text = said(conv)
    assert ("'WanVideoReCamMasterCameraEmbed' (WanVideoReCamMasterCameraEmbed, #8) is read as Studio's ReCamMaster "
            "node: the clip 'WanVideoEncode' (#6) encodes as its source clip, the path "
            "'WanVideoReCamMasterDefaultCamera' (WanVideoReCamMasterDefaultCamera, #7) chooses (camera_type 'arc_left')"
            in text)
    assert "the take is the source clip's length (at most 81 frames) and size" in text
    unread = [line for line in conv.log if "not converted" in line]
    assert not any(k in line for k in ("ReCamMaster", "WanVideoEncode") for line in unread)
    assert "noise_aug_strength" not in text  # the encode's defaults: nothing lost, nothing said


def test_the_encodes_noise_is_said_as_not_taken():
    text = said(convert(_workflow(noise=0.05), "recam"))
    assert "'WanVideoEncode' (#6): its noise_aug_strength 0.05 (noise added to the clip before it is encoded) is not " \
           "taken (Studio's ReCamMaster encodes the clip as it is)" in text


def test_an_orbit_of_chosen_degrees_holds_the_task_naming_its_maker():
    conv = convert(_workflow(("WanVideoReCamMasterGenerateOrbitCamera", {"num_frames": 81, "degrees": 90})), "recam")
    assert not nodes_of(conv, NODE)
    assert ("'WanVideoReCamMasterCameraEmbed' (WanVideoReCamMasterCameraEmbed, #8) is read as ReCamMaster where it is "
            "given a clip encoded on its latents and poses chosen among a node's paths: its camera poses come from "
            "'WanVideoReCamMasterGenerateOrbitCamera' (WanVideoReCamMasterGenerateOrbitCamera, #7), which makes them "
            "other than by choosing one of its paths") in said(conv)


def test_an_embeds_node_of_another_name_is_read_by_its_declared_inputs():
    # a fork's embeds node Studio has never seen: a UI file's types (CAMERAPOSES and LATENT in) say what it takes
    nodes = [(1, "WanVideoModelLoader", [], ["WANVIDEOMODEL"],
              ["Wan2_1_kwai_recammaster_1_3B_step20000_bf16.safetensors", "bf16", "disabled", "offload_device", "sdpa"]),
             (2, "LoadWanVideoT5TextEncoder", [], ["WANTEXTENCODER"],
              ["umt5-xxl-enc-bf16.safetensors", "bf16", "offload_device", "disabled"]),
             (3, "WanVideoTextEncode", [("t5", "WANTEXTENCODER")], ["WANVIDEOTEXTEMBEDS"], ["a red panda", "blurry", True]),
             (4, "WanVideoVAELoader", [], ["WANVAE"], ["Wan2_1_VAE_bf16.safetensors", "bf16"]),
             (5, "LoadVideo", [], ["VIDEO"], ["panda.mp4", "image"]),
             (12, "GetVideoComponents", [("video", "VIDEO")], ["IMAGE", "AUDIO", "FLOAT"], []),
             (6, "WanVideoEncode", [("vae", "WANVAE"), ("image", "IMAGE")], ["LATENT"],
              [False, 272, 272, 144, 128, 0, 1]),
             (7, "WanVideoReCamMasterDefaultCamera", [("latents", "LATENT")], ["CAMERAPOSES"], ["zoom_out"]),
             (8, "MyForkReCamEmbeds", [("camera_poses", "CAMERAPOSES"), ("latents", "LATENT")],
              ["WANVIDIMAGE_EMBEDS"], []),
             (9, "WanVideoSampler", [("model", "WANVIDEOMODEL"), ("text_embeds", "WANVIDEOTEXTEMBEDS"),
                                     ("image_embeds", "WANVIDIMAGE_EMBEDS")], ["LATENT"],
              [20, 6, 5, 42, "fixed", True, "unipc", 0, 1, False, "comfy"]),
             (10, "WanVideoDecode", [("vae", "WANVAE"), ("samples", "LATENT")], ["IMAGE"], [False, 272, 272, 144, 128]),
             (11, "SaveAnimatedWEBP", [("images", "IMAGE")], [], ["recam", 16, False, 90, "default"])]
    links = [(2, 0, 3, "t5"), (5, 0, 12, "video"), (4, 0, 6, "vae"), (12, 0, 6, "image"), (6, 0, 7, "latents"),
             (7, 0, 8, "camera_poses"), (6, 0, 8, "latents"), (1, 0, 9, "model"), (3, 0, 9, "text_embeds"),
             (8, 0, 9, "image_embeds"), (4, 0, 10, "vae"), (9, 0, 10, "samples"), (10, 0, 11, "images")]
    conv = convert(ui(nodes, links), "fork")
    gen = nodes_of(conv, NODE)
    assert len(gen) == 1 and gen[0].params["camera_path"] == "zoom_out"
    assert "'MyForkReCamEmbeds' (MyForkReCamEmbeds, #8) is read as Studio's ReCamMaster node" in said(conv)
