"""Issue 112, heldout98's mends (fresh set judged on main 542d1661): each test builds its workflow from node types,
values and links and fails without its mend.

1. A family's task node no pack in the catalogue declares (MiniMax H3's MiniMaxH3ImageToVideo, read by Studio's rules)
   was named among the types "no pack in Studio's catalogue declares: what they do is not known" on a sampler's way,
   and as maybe an output node (98/09, 98/10): it is known, passed through to the unknown nodes beyond it.
2. A node of a pack's own widget that saves an empty text as its setting and its text in its properties (Pixaroma's
   prompt node, 'promptState') was said to give "''" to the prompt it is wired to, its text said nowhere (98/09,
   98/10): what it gives is not known from the file, said so, with the text its properties keep, whole.
3. A held pack task whose sound is saved by a node Studio knows and whose video half ends at nodes of types no pack
   declares (a pack's decode-and-save, a frame-sequence save) was said "This workflow makes a sound", its video not
   named (98/02, 98/03): those ends are named beside it.
4. A pack's video save whose UI file names none of its settings (Pixaroma's MP4 save: its values by place alone),
   the only node ComfyUI could run the workflow from, was not read: nothing was made (98/09, 98/10). It is read as a
   video output, written at the take's own rate, its settings said not read.
5. An unknown node giving its pictures to an input named a pose (a pose retargeter before Wan Animate): the raw clip
   was wired as the pose video (98/05); made as Studio's drawn poses of its clip, its other pictures said not read.
6. A held task's remark "(a value 'from' a node ...)" followed the last value of its node's entry (a length Studio
   read), not the wired value it explains (98/02, 98/04)."""
from __future__ import annotations

from studio.convert.mapping.convert import convert
from tests.convert.said import api, said, ui

PROMPT = "a red fox runs through the snow at dawn, the camera tracking it low"


def _h3(prompt_props: dict | None, saved: str = "", save_outs: tuple = ("STRING",), preview: bool = False):
    """MiniMax H3's image to video given its prompt by a pack's prompt widget, its take written by a pack's save."""
    nodes = [
        (1, "UNETLoader", [], ["MODEL"], ["minimax_h3_fl2va_int8_convrot.safetensors", "default"]),
        (2, "CLIPLoader", [], ["CLIP"], ["qwen3vl_32b_minimax_h3_int8_convrot.safetensors", "minimax", "default"]),
        (3, "VAELoader", [], ["VAE"], ["minimax_h3_video_vae_fp16.safetensors"]),
        (4, "VAELoader", [], ["VAE"], ["minimax_h3_audio_vae_fp32.safetensors"]),
        (5, "AcmePromptBox", [("text_in", "STRING")], ["STRING"], [saved]),
        (6, "MiniMaxH3ImageToVideo", [("clip", "CLIP"), ("vae", "VAE"), ("prompt", "STRING")],
         ["CONDITIONING", "LATENT"], ["", 768, 432, 73]),
        (7, "ConditioningZeroOut", [("conditioning", "CONDITIONING")], ["CONDITIONING"], []),
        (8, "KSampler", [("model", "MODEL"), ("positive", "CONDITIONING"), ("negative", "CONDITIONING"),
                         ("latent_image", "LATENT")], ["LATENT"], [7, "fixed", 20, 1, "res_multistep", "simple", 1]),
        (9, "VAEDecode", [("samples", "LATENT"), ("vae", "VAE")], ["IMAGE"], []),
        (10, "VAEDecodeAudio", [("samples", "LATENT"), ("vae", "VAE")], ["AUDIO"], []),
        (11, "AcmeSaveMp4", [("video_frames", "IMAGE"), ("audio", "AUDIO")], list(save_outs), [24, "Video"]),
    ] + ([(12, "PreviewImage", [("images", "IMAGE")], [], [])] if preview else [])
    links = [(2, 0, 6, "clip"), (3, 0, 6, "vae"), (5, 0, 6, "prompt"), (6, 0, 7, "conditioning"), (1, 0, 8, "model"),
             (6, 0, 8, "positive"), (7, 0, 8, "negative"), (6, 1, 8, "latent_image"), (8, 0, 9, "samples"),
             (3, 0, 9, "vae"), (8, 0, 10, "samples"), (4, 0, 10, "vae"), (9, 0, 11, "video_frames"),
             (10, 0, 11, "audio")] + ([(9, 0, 12, "images")] if preview else [])
    doc = ui(nodes, links)
    if prompt_props is not None:
        doc["nodes"][4]["properties"] = prompt_props
    return convert(doc, "h3_pack_widgets")


def test_a_family_task_node_no_pack_declares_is_not_named_among_the_unknown_types():
    text = said(_h3({"promptState": {"text": PROMPT}}))
    line = next(x for x in text.splitlines() if "no video output Studio reads after the sampler" in x)
    assert "'AcmeSaveMp4' (AcmeSaveMp4, #11)" in line and "'AcmePromptBox' (AcmePromptBox, #5)" in line
    assert "MiniMaxH3ImageToVideo" not in line  # (its family reads it: neither unknown nor maybe an output node)


def test_an_empty_setting_beside_a_text_the_node_keeps_in_its_properties_is_not_what_it_gives():
    text = said(_h3({"promptState": {"text": PROMPT, "lastRun": PROMPT}, "Node name for S&R": "AcmePromptBox"}))
    line = next(x for x in text.splitlines() if "'AcmePromptBox' (AcmePromptBox, #5) gives" in x)
    assert "'prompt' a value Studio cannot work out when converting" in line
    assert "'prompt' ''" not in line
    assert "keeps a text in its properties, maybe what it gives when the workflow runs" in line and PROMPT in line
    # with no text kept beside it, the empty setting is what it gives, as before
    plain = next(x for x in said(_h3({"cnr_id": "acme-nodes"})).splitlines() if "(AcmePromptBox, #5) gives" in x)
    assert "'prompt' ''" in plain and "keeps a text" not in plain


def _pack_av(frames_save: bool):
    """A pack's audio-video sampler (its type no pack declares) of LTX-2's latents: the sound saved by SaveAudio, the
    video half decoded and given to a pack's frame save (or to nothing)."""
    nodes = {
        "1": ("UNETLoader", {"unet_name": "ltx-2.3-22b-dev.safetensors", "weight_dtype": "default"}),
        "2": ("AcmeAVSampler", {"chunks": 4, "model": ["1", 0]}),
        "3": ("LTXVSeparateAVLatent", {"av_latent": ["2", 0]}),
        "4": ("VAELoader", {"vae_name": "ltx-2.3-22b-dev_video_vae.safetensors"}),
        "5": ("VAEDecode", {"samples": ["3", 0], "vae": ["4", 0]}),
        "6": ("VAELoader", {"vae_name": "ltx-2.3-22b-dev_audio_vae.safetensors"}),
        "7": ("LTXVAudioVAEDecode", {"samples": ["3", 1], "audio_vae": ["6", 0]}),
        "8": ("SaveAudio", {"filename_prefix": "audio/take", "audio": ["7", 0]}),
    }
    if frames_save:
        nodes["9"] = ("AcmeSaveFrames", {"filename_prefix": "frames/take_", "images": ["5", 0]})
    return convert(api(nodes), "pack_av")


def test_a_held_sound_names_the_unknown_ends_its_makers_video_reaches():
    first = next(x for x in said(_pack_av(True)).splitlines() if x.startswith("This workflow makes"))
    assert first.startswith("This workflow makes a sound ('SaveAudio', #8), and what reaches 'AcmeSaveFrames' "
                            "(AcmeSaveFrames, #9) on its 'images' (a node of a type no pack in Studio's catalogue "
                            "declares, read by nothing: what it does with it is not known")
    alone = next(x for x in said(_pack_av(False)).splitlines() if x.startswith("This workflow makes"))
    assert "what reaches" not in alone  # (a sound alone: as before)


def test_a_save_whose_file_names_none_of_its_settings_is_read_where_no_node_is_an_output_by_its_type():
    conv = _h3({"promptState": {"text": PROMPT}}, save_outs=())
    assert [(t["family"], t["generator"]) for t in conv.tasks] == [("MiniMax H3", "video_models.text_to_video")]
    assert ("'AcmeSaveMp4' (AcmeSaveMp4, #11) saves a video, told by its types (a node no pack in Studio's catalogue "
            "declares, its UI file listing no output and naming none of its settings, given the frames on "
            "'video_frames' and a sound on 'audio'") in said(conv)
    assert "its settings, which its file does not name, #0 24, #1 'Video', are not read" in said(conv)
    # a declared output node beside it (a preview of the frames): ComfyUI may run the workflow from that one alone
    assert "(AcmeSaveMp4, #11) saves a video" not in said(_h3(None, save_outs=(), preview=True))


def _animate(retarget_type: str):
    """Wan Animate (ComfyUI's WanAnimateToVideo) given its pose video by a pack's node of ``retarget_type`` made of
    the clip and the reference picture."""
    clip = {"video": "dance.mp4", "force_rate": 16, "custom_width": 0, "custom_height": 0, "frame_load_cap": 0,
            "skip_first_frames": 0, "select_every_nth": 1, "format": "AnimateDiff"}
    nodes = [
        (1, "UNETLoader", [], ["MODEL"], ["Wan2_2-Animate-14B.safetensors", "default"]),
        (2, "CLIPLoader", [], ["CLIP"], ["umt5.safetensors", "wan", "default"]),
        (3, "CLIPTextEncode", [("clip", "CLIP")], ["CONDITIONING"], ["a dancer"]),
        (4, "CLIPTextEncode", [("clip", "CLIP")], ["CONDITIONING"], ["blurry"]),
        (5, "VAELoader", [], ["VAE"], ["wan_vae.safetensors"]),
        (6, "LoadImage", [], ["IMAGE", "MASK"], ["me.png", "image"]),
        (7, "VHS_LoadVideo", [], ["IMAGE", "INT", "AUDIO", "VHS_VIDEOINFO"], clip),
        (8, retarget_type, [("images", "IMAGE"), ("ref_image", "IMAGE")], ["IMAGE"], []),
        (9, "WanAnimateToVideo", [("positive", "CONDITIONING"), ("negative", "CONDITIONING"), ("vae", "VAE"),
                                  ("reference_image", "IMAGE"), ("pose_video", "IMAGE")],
         ["CONDITIONING", "CONDITIONING", "LATENT", "INT", "INT", "INT"], [640, 640, 77, 1, 5, 0]),
        (10, "KSampler", [("model", "MODEL"), ("positive", "CONDITIONING"), ("negative", "CONDITIONING"),
                          ("latent_image", "LATENT")], ["LATENT"], [3, "fixed", 6, 1.0, "euler", "simple", 1.0]),
        (11, "VAEDecode", [("samples", "LATENT"), ("vae", "VAE")], ["IMAGE"], []),
        (12, "CreateVideo", [("images", "IMAGE")], ["VIDEO"], [16]),
        (13, "SaveVideo", [("video", "VIDEO")], [], ["animate", "auto", "auto"]),
    ]
    links = [(2, 0, 3, "clip"), (2, 0, 4, "clip"), (7, 0, 8, "images"), (6, 0, 8, "ref_image"), (3, 0, 9, "positive"),
             (4, 0, 9, "negative"), (5, 0, 9, "vae"), (6, 0, 9, "reference_image"), (8, 0, 9, "pose_video"),
             (1, 0, 10, "model"), (9, 0, 10, "positive"), (9, 1, 10, "negative"), (9, 2, 10, "latent_image"),
             (10, 0, 11, "samples"), (5, 0, 11, "vae"), (11, 0, 12, "images"), (12, 0, 13, "video")]
    return convert(ui(nodes, links), "animate_retarget")


def test_an_unknown_node_giving_a_pose_input_pictures_is_made_as_studios_drawn_poses_of_its_clip():
    conv = _animate("AcmePoseRetarget")
    g = conv.graph
    gen = next(n for n in g.nodes.values() if n.type_id == "video_models.wan_animate")
    assert g.nodes[g.input_link(gen.id, "pose").src].type_id == "preprocess.draw_pose"  # (not the raw clip)
    line = next(x for x in said(conv).splitlines() if "'pose' is made by Studio's Detect People" in x)
    assert "for 'AcmePoseRetarget' (AcmePoseRetarget, #8)" in line
    assert "the pictures it is given on 'ref_image' are not read (the poses drawn are the clip's own" in line


def test_the_remark_on_a_value_from_a_node_follows_that_value_not_a_later_one_read():
    """98/02, 98/04: "'EmptyLTXVLatentVideo' (#14) width from 'Get Image Size' (#9), height from ..., length 97 (a
    value 'from' a node: ...)" put the remark after the length, which Studio read."""
    from tests.convert.test_comfy_held_values import _held, still_then_svd
    wf = still_then_svd()
    wf["90"] = {"class_type": "InventedStepsFromServer", "inputs": {"server": "local"}}
    wf["3"]["inputs"]["steps"] = ["90", 0]
    line = _held(convert(wf, "still_then_svd.json"))
    assert ("steps from 'InventedStepsFromServer' (#90) (a value 'from' a node: one Studio cannot work out when "
            "converting), cfg 2.5") in line
    assert line.count("a value 'from' a node") == 1
