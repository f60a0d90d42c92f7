"""Issue 112 (standin11): kijai's WanVideoWrapper Stand-In workflows (WanVideoAddStandInLatent on a
WanVideoEmptyEmbeds, a face picture encoded by WanVideoEncode on 'ip_image_latent', the Stand-In file a LoRA on the
model loader) read as Studio's Stand-In node: the picture its face, the empty embeds' size and frames, freq_offset its
reference_offset, the Stand-In LoRA its 'standin' (the other LoRAs kept as LoRAs); steps between the loaded picture
and the encode said as not made; wired another way, the task held with its sentence. The workflows are built here
from node types, values and links (API layout)."""
from __future__ import annotations

from studio.convert.mapping.convert import convert
from tests.convert.said import api, nodes_of, said, source_of

PROMPT = "a woman touching a rippling wall"
STANDIN = "video_models.standin"
FILE = "WanVideo/Stand-In/Stand-In_wan2.1_T2V_14B_ver1.0.safetensors"


def _workflow(face_steps=False, embeds="WanVideoEmptyEmbeds", standin_lora=FILE, offset=1) -> dict:
    nodes = {
        "1": ("WanVideoModelLoader", {"model": "WanVideo/Wan2_1-T2V-14B_fp8_e4m3fn_scaled_KJ.safetensors",
                                      "base_precision": "fp16", "quantization": "fp8_e4m3fn_scaled",
                                      "load_device": "offload_device", "lora": ["20", 0]}),
        "20": ("WanVideoLoraSelect", {"lora": standin_lora, "strength": 0.8, "prev_lora": ["21", 0]}),
        "21": ("WanVideoLoraSelect", {"lora": "WanVideo/lightx2v_T2V_14B_cfg_step_distill_v2_lora_rank64.safetensors",
                                      "strength": 1.0}),
        "2": ("LoadWanVideoT5TextEncoder", {"model_name": "umt5-xxl-enc-bf16.safetensors", "precision": "bf16"}),
        "3": ("WanVideoTextEncode", {"positive_prompt": PROMPT, "negative_prompt": "blurry", "t5": ["2", 0]}),
        "4": ("WanVideoVAELoader", {"model_name": "Wan2_1_VAE_bf16.safetensors", "precision": "bf16"}),
        "5": ("LoadImage", {"image": "face.png"}),
        "6": ("WanVideoEncode", {"vae": ["4", 0], "image": ["5", 0], "enable_vae_tiling": False}),
        "11": ("WanVideoAddStandInLatent", {"embeds": ["7", 0], "ip_image_latent": ["6", 0], "freq_offset": offset}),
        "14": ("WanVideoSampler", {"model": ["1", 0], "text_embeds": ["3", 0], "image_embeds": ["11", 0], "steps": 4,
                                   "cfg": 1.0, "shift": 5.0, "seed": 50, "force_offload": True,
                                   "scheduler": "unipc", "riflex_freq_index": 0}),
        "15": ("WanVideoDecode", {"vae": ["4", 0], "samples": ["14", 0], "enable_vae_tiling": False}),
        "17": ("VHS_VideoCombine", {"images": ["15", 0], "frame_rate": 16, "filename_prefix": "standin",
                                    "format": "video/h264-mp4"}),
    }
    if embeds == "WanVideoEmptyEmbeds":
        nodes["7"] = (embeds, {"width": 832, "height": 480, "num_frames": 81})
    else:  # a start image's encode: not the wrapper's Stand-In wiring
        nodes["7"] = (embeds, {"width": 832, "height": 480, "num_frames": 81, "noise_aug_strength": 0.0,
                               "start_latent_strength": 1.0, "end_latent_strength": 1.0, "force_offload": True,
                               "vae": ["4", 0], "start_image": ["5", 0]})
    if face_steps:  # the face set on a white picture before the encode (the wrapper's example's last steps)
        nodes["8"] = ("EmptyImage", {"width": 512, "height": 512, "batch_size": 1, "color": 16777215})
        nodes["9"] = ("ImageCompositeMasked", {"destination": ["8", 0], "source": ["5", 0], "x": 0, "y": 0,
                                               "resize_source": False})
        nodes["6"][1]["image"] = ["9", 0]
    return api(nodes)


def test_the_wrappers_standin_is_read_as_the_standin_node():
    conv = convert(_workflow(offset=3), "standin")
    assert [t["generator"] for t in conv.tasks] == [STANDIN]
    gen = nodes_of(conv, STANDIN)[0]
    p = gen.params
    assert (p["width"], p["height"], p["frames"], p["steps"], p["guidance"], p["seed"]) == (832, 480, 81, 4, 1.0, 50)
    assert p["prompt"] == PROMPT and p["reference_offset"] == 3
    assert (p["standin"], p["strength"]) == (FILE, 0.8)
    assert source_of(conv, gen.id, "face").params["path"] == "face.png"
    loras = [n.params["lora"] for n in nodes_of(conv, "video_models.lora")]
    assert loras == ["WanVideo/lightx2v_T2V_14B_cfg_step_distill_v2_lora_rank64.safetensors"]  # Stand-In's taken out
    text = said(conv)
    assert f"LoRA '{FILE}' on 'WanVideoLoraSelect' (#20) is Stand-In's file" in text
    assert "'WanVideoAddStandInLatent' (WanVideoAddStandInLatent, #11) on 'WanVideoEmptyEmbeds' (#7) is read as " \
           "Studio's Stand-In node, the take's size and frames the empty embeds': its face the picture " \
           "'WanVideoEncode' (#6) encodes on 'ip_image_latent' (the node pads it square on white and encodes it " \
           "itself)" in text


def test_steps_between_the_loaded_face_and_the_encode_are_said_not_made():
    conv = convert(_workflow(face_steps=True), "standin")
    gen = nodes_of(conv, STANDIN)[0]
    assert source_of(conv, gen.id, "face").params["path"] == "face.png"
    text = said(conv)
    assert "is read as Studio's Stand-In node, the take's size and frames the empty embeds': its face the picture " \
           "LoadImage (#5) 'face.png' loads, padded square on white and scaled to its face_size (512): the picture " \
           "'WanVideoEncode' (#6) encodes on 'ip_image_latent' is made from it through 2 nodes ('ImageCompositeMasked' " \
           "(#9), 'EmptyImage' (#8)), not made" in text


def test_a_stand_in_file_not_named_so_is_left_to_set_and_said():
    conv = convert(_workflow(standin_lora="WanVideo/my_identity_module.safetensors"), "standin")
    gen = nodes_of(conv, STANDIN)[0]
    assert gen.params["standin"] == ""
    assert "none of the LoRAs on the model is named for Stand-In: set the Stand-In node's 'standin' to the file by " \
           "hand" in said(conv)


def test_wired_otherwise_the_task_is_held_with_its_sentence():
    conv = convert(_workflow(embeds="WanVideoImageToVideoEncode"), "standin")
    assert not nodes_of(conv, STANDIN)
    assert "is read as Stand-In where it is given a WanVideoEmptyEmbeds (no start latents) on 'embeds' and a picture " \
           "encoded on 'ip_image_latent', as the wrapper's example wires them: not so here, so held" in said(conv)


def test_the_releases_pickled_file_is_carried_and_said_refused_when_run():
    conv = convert(_workflow(standin_lora="Stand-In_wan2.1_T2V_14B_ver1.0.ckpt"), "standin")
    assert nodes_of(conv, STANDIN)[0].params["standin"] == "Stand-In_wan2.1_T2V_14B_ver1.0.ckpt"
    assert "'Stand-In_wan2.1_T2V_14B_ver1.0.ckpt' is not a .safetensors file (the release's .ckpt is a pickle, which " \
           "Studio never loads): the Stand-In node refuses it when run" in said(conv)


def test_the_encodes_own_strengths_are_said_not_applied():
    wf = _workflow()
    wf["6"]["inputs"].update(latent_strength=0.8, noise_aug_strength=0.05)
    text = said(convert(wf, "standin"))
    assert "'WanVideoEncode' (#6)'s latent_strength 0.8 is not applied: Studio's Stand-In encodes the face as it is" in text
    assert "'WanVideoEncode' (#6)'s noise_aug_strength 0.05 is not applied" in text
    assert "latent_strength" not in said(convert(_workflow(), "standin"))


def test_a_stand_in_file_given_through_set_loras_is_said_loaded_as_a_plain_lora_there():
    wf = _workflow()
    del wf["1"]["inputs"]["lora"]
    wf["22"] = {"class_type": "WanVideoSetLoRAs", "inputs": {"model": ["1", 0], "lora": ["20", 0]}}
    wf["14"]["inputs"]["model"] = ["22", 0]
    conv = convert(wf, "standin")
    assert nodes_of(conv, STANDIN)[0].params["standin"] == FILE
    assert "'WanVideoLoraSelect' (#20) gives '" + FILE + "' to 'WanVideoSetLoRAs' (#22), which loads it as a plain " \
           "LoRA: the wrapper applies Stand-In's weights only where the file is given to its model loader's 'lora'" \
           in said(conv)
    assert "which loads it as a plain LoRA" not in said(convert(_workflow(), "standin"))
