"""Near misses (near16): workflows where Studio makes the generator but an output beside it was left 'not
converted' though Studio makes what it saves. Minimal workflows built here from node types, values and links."""
from __future__ import annotations

from studio.convert.mapping.convert import convert
from tests.convert.said import nodes_of, said


class UI:
    """A UI workflow built node by node: ``add(type, widgets, **inputs)``, each input (node id, output slot)."""

    def __init__(self):
        self.nodes, self.links = [], []

    def add(self, cls: str, widgets=None, **inputs) -> int:
        nid = len(self.nodes) + 1
        ins = []
        for name, (src, slot) in inputs.items():
            self.links.append([len(self.links) + 1, src, slot, nid, len(ins), "*"])
            ins.append({"name": name, "type": "*", "link": len(self.links)})
        self.nodes.append({"id": nid, "type": cls, "mode": 0, "inputs": ins, "outputs": [],
                           "widgets_values": widgets if widgets is not None else []})
        return nid

    def doc(self) -> dict:
        return {"nodes": self.nodes, "links": self.links}


def _wan_animate(face_slot_saved: int):
    """The wrapper's Wan Animate with PoseAndFaceDetectionV2's face pictures (its output 1) given to the embeds, and
    a VHS_VideoCombine saving that detector's output ``face_slot_saved``; (doc, the save's id)."""
    w = UI()
    model = w.add("WanVideoModelLoader", ["Wan2_2-Animate-14B_fp8.safetensors", "fp16", "fp8_e4m3fn",
                                          "offload_device", "sdpa"])
    t5 = w.add("LoadWanVideoT5TextEncoder", ["umt5-xxl-enc-bf16.safetensors", "bf16", "offload_device", "disabled"])
    text = w.add("WanVideoTextEncode", ["a dancer", "blurry", True], t5=(t5, 0))
    vae = w.add("WanVideoVAELoader", ["Wan2_1_VAE_bf16.safetensors", "bf16"])
    clip = w.add("CLIPVisionLoader", ["clip_vision_h.safetensors"])
    ref = w.add("LoadImage", ["hero.png", "image"])
    drive = w.add("VHS_LoadVideo", {"video": "dance.mp4", "force_rate": 16, "frame_load_cap": 0})
    vis = w.add("WanVideoClipVisionEncode", [1.0, 1.0, "center", "average", True], clip_vision=(clip, 0),
                image_1=(ref, 0))
    found = w.add("PoseAndFaceDetectionV2", [832, 480], images=(drive, 0))
    drawn = w.add("DrawViTPose", [832, 480, 4, 4, 2], pose_data=(found, 0))
    emb = w.add("WanVideoAnimateEmbeds", [832, 480, 81, True, 77, "disabled", 1.0, 1.0, False], vae=(vae, 0),
                clip_embeds=(vis, 0), ref_images=(ref, 0), pose_images=(drawn, 0), face_images=(found, 1))
    s = w.add("WanVideoSampler", [6, 1.0, 5.0, 3, "fixed", True, "lcm", 0, 1.0], model=(model, 0),
              text_embeds=(text, 0), image_embeds=(emb, 0))
    dec = w.add("WanVideoDecode", [True, 272, 272, 144, 128], vae=(vae, 0), samples=(s, 0))
    w.add("VHS_VideoCombine", {"frame_rate": 16, "filename_prefix": "take", "format": "video/h264-mp4"},
          images=(dec, 0))
    face = w.add("VHS_VideoCombine", {"frame_rate": 12, "filename_prefix": "faces", "format": "video/h264-mp4",
                                      "save_output": False}, images=(found, face_slot_saved))
    return w.doc(), face


def test_a_save_of_the_face_pictures_a_generator_is_given_is_a_save_of_studios_face_crops():
    """A VHS_VideoCombine saving the very face pictures Wan Animate's face input is given (a detector's IMAGE output,
    whatever its name) is a Save Video of Studio's Face Crops made for that input, at the save's own rate, said; not
    left 'not converted' (near16: the Wan Animate examples' face previews)."""
    doc, face = _wan_animate(1)
    conv = convert(doc, "faces")
    assert conv.graph.validate() == []
    g = conv.graph
    crops = nodes_of(conv, "preprocess.face_crops")
    assert len(crops) == 1
    saves = nodes_of(conv, "io.save_video")
    assert len(saves) == 2
    chain = []  # from each save back to the first node not a Frame Rate / Replace Audio
    for s in saves:
        link = g.input_link(s.id, "video")
        while g.nodes[link.src].type_id in ("edit.frame_rate", "edit.replace_audio"):
            chain.append(g.nodes[link.src])
            link = g.input_link(link.src, "video")
        chain.append(g.nodes[link.src])
    assert crops[0] in chain
    assert any(n.type_id == "edit.frame_rate" and n.params["fps"] == 12 for n in chain)
    text = said(conv)
    assert f"(#{face}, VHS_VideoCombine) shows what" in text
    assert f"(VHS_VideoCombine, #{face})" not in text.split("ComfyUI nodes not converted")[-1]


def test_a_save_of_another_output_of_the_face_detector_stays_said_not_converted():
    """A save of the detector's other pictures (its debug image, output 6), which Studio's Face Crops does not make,
    is not made a save of the face crops: it stays listed as not converted (never a silent change)."""
    doc, face = _wan_animate(6)
    conv = convert(doc, "debug")
    assert len(nodes_of(conv, "io.save_video")) == 1
    assert f"(VHS_VideoCombine, #{face})" in said(conv)
    assert f"(#{face}, VHS_VideoCombine) shows what" not in said(conv)


def _drawn_pose_video(audio: bool):
    """The wrapper's Wan Animate (_wan_animate) with its drawn poses made a video by CreateVideo at 12 fps (given the
    sound of a LoadAudio where ``audio``) and saved by SaveVideo; (doc, the save's id, CreateVideo's id)."""
    doc, _ = _wan_animate(1)
    w = UI()
    w.nodes, w.links = doc["nodes"][:-1], doc["links"][:-1]  # the face save left out
    drawn = next(n["id"] for n in w.nodes if n["type"] == "DrawViTPose")
    more = {"audio": (w.add("LoadAudio", ["voice.wav"]), 0)} if audio else {}
    video = w.add("CreateVideo", [12.0], images=(drawn, 0), **more)
    save = w.add("SaveVideo", ["poses", "auto", "auto"], video=(video, 0))
    return w.doc(), save, video


def test_a_save_of_a_video_made_of_a_pose_step_a_generator_reads_is_a_save_of_studios_node():
    """SaveVideo of CreateVideo (an IMAGE in, a VIDEO out, no sound given) of the drawn poses a generator's input
    reads: a Save Video of Studio's Draw Pose at CreateVideo's rate, silent, said naming both; not left 'nothing
    converted gives them what they write' (near16: ComfyUI's Wan Animate template's pose and face previews)."""
    doc, save, video = _drawn_pose_video(audio=False)
    conv = convert(doc, "poses")
    assert conv.graph.validate() == []
    g = conv.graph
    saves = nodes_of(conv, "io.save_video")
    assert len(saves) == 2
    pose_save = next(s for s in saves if "poses" in s.params["path"])
    chain, link = [], g.input_link(pose_save.id, "video")
    while link is not None:
        chain.append(g.nodes[link.src])
        link = g.input_link(link.src, "video") if chain[-1].type_id.startswith("edit.") else None
    assert chain[-1].type_id == "preprocess.draw_pose"
    assert [n.params["fps"] for n in chain if n.type_id == "edit.frame_rate"] == [12.0]
    assert any(n.type_id == "edit.replace_audio" for n in chain)
    text = said(conv)
    assert f"(#{save}, SaveVideo) shows what" in text and f"(#{video}, CreateVideo) makes a video of" in text
    assert f"(SaveVideo, #{save})" not in text.split("ComfyUI nodes not converted")[-1]


def test_a_video_made_with_a_sound_of_its_own_is_not_followed_and_stays_said():
    """The same CreateVideo given a sound (a LoadAudio Studio's Draw Pose does not carry): not made a save of the
    drawn poses (the sound would be lost unsaid); the save stays listed as not converted."""
    doc, save, _ = _drawn_pose_video(audio=True)
    conv = convert(doc, "poses_sound")
    assert len(nodes_of(conv, "io.save_video")) == 1
    assert f"(SaveVideo, #{save})" in said(conv)


def test_an_extensions_own_noise_is_named_where_its_settings_are_said_not_taken():
    """An LTXVExtendSampler given a RandomNoise of its own (a seed feeding nothing else, by its declared NOISE input):
    named with its seed in the sentence saying the extension's own settings are not taken, not left listed as 'not
    converted' (near16: the LTX-Video pack's ltxv-13b i2v extend examples); a noise the first sampler shares is not."""
    from tests.convert.test_comfy_ltx2_loops import _head, _save
    from tests.convert.test_comfy_wiring import UI as Wired
    w = Wired()
    ck, inputs = _head(w, 121)
    first = w.add("SamplerCustomAdvanced", [], ["LATENT", "LATENT"],
                  {k: inputs[k] for k in ("noise", "guider", "sampler", "sigmas")} | {"latent_image": inputs["latents"]})
    own = w.add("RandomNoise", [2840, "fixed"], ["NOISE"])
    ext = w.add("LTXVExtendSampler", [80, 16, 0.5, 1.0, ""], ["LATENT", "CONDITIONING", "CONDITIONING"],
                {k: inputs[k] for k in ("model", "vae", "sampler", "sigmas", "guider")}
                | {"noise": (own, 0, "NOISE"), "latents": (first, 0, "LATENT")})
    _save(w, ck, ext)
    conv = convert(w.doc(), "extend_noise")
    text = said(conv)
    assert f"the extension's own noise ('RandomNoise' (RandomNoise, #{own}): noise_seed 2840), guider" in text
    assert str(own) not in conv.dropped
    assert "RandomNoise" not in next((x for x in conv.log if "not converted (listed" in x), "")
    shared = inputs["noise"][0]
    assert f"#{shared})" not in text.split("the extension's own")[-1].split("are not taken")[0]


def _wrapper_i2v(second: dict) -> dict:
    """A WanVideoWrapper image to video (API) whose CLIP-vision encode is given a second picture, ``second``: the
    nodes giving it ({id: (type, inputs)}, '6' the one on 'image_2')."""
    from tests.convert.said import api
    return api({
        "1": ("WanVideoModelLoader", {"model": "wan2.1_i2v_480p_14B_fp8.safetensors", "base_precision": "bf16",
                                      "quantization": "disabled", "load_device": "offload_device",
                                      "attention_mode": "sdpa"}),
        "2": ("LoadWanVideoT5TextEncoder", {"model_name": "umt5-xxl-enc-bf16.safetensors", "precision": "bf16"}),
        "3": ("WanVideoVAELoader", {"model_name": "wan_2.1_vae.safetensors", "precision": "bf16"}),
        "4": ("CLIPVisionLoader", {"clip_name": "clip_vision_h.safetensors"}),
        "5": ("LoadImage", {"image": "dancer.png"}),
        **second,
        "7": ("WanVideoClipVisionEncode", {"clip_vision": ["4", 0], "image_1": ["5", 0], "image_2": ["6", 0],
                                           "strength_1": 1.0, "strength_2": 1.0, "force_offload": True,
                                           "crop": "center", "combine_embeds": "concat"}),
        "10": ("WanVideoTextEncode", {"positive_prompt": "a dancer turns", "negative_prompt": "blurry",
                                      "t5": ["2", 0]}),
        "24": ("WanVideoImageToVideoEncode", {"vae": ["3", 0], "clip_embeds": ["7", 0], "start_image": ["5", 0],
                                              "width": 832, "height": 480, "num_frames": 33,
                                              "noise_aug_strength": 0.0, "start_latent_strength": 1.0,
                                              "end_latent_strength": 1.0, "force_offload": True}),
        "30": ("WanVideoSampler", {"model": ["1", 0], "text_embeds": ["10", 0], "image_embeds": ["24", 0], "steps": 20,
                                   "cfg": 5.0, "shift": 5.0, "seed": 7, "force_offload": True, "scheduler": "unipc",
                                   "riflex_freq_index": 0}),
        "40": ("WanVideoDecode", {"vae": ["3", 0], "samples": ["30", 0], "enable_vae_tiling": False, "tile_x": 272,
                                  "tile_y": 272, "tile_stride_x": 144, "tile_stride_y": 128}),
        "50": ("VHS_VideoCombine", {"images": ["40", 0], "frame_rate": 16, "loop_count": 0, "filename_prefix": "dance",
                                    "format": "video/h264-mp4", "pingpong": False, "save_output": True}),
    })


def test_a_second_picture_for_the_clip_vision_encode_is_named_with_its_loader():
    """The wrapper's CLIP-vision encode given a second picture (not applied: Studio's generator encodes its one
    picture): the sentence names the LoadImage giving it and its file, and that loader (read by nothing else) is not
    left listed as not converted (near16: an InfiniteTalk API workflow's second face picture)."""
    conv = convert(_wrapper_i2v({"6": ("LoadImage", {"image": "face.png"})}), "second.json")
    text = said(conv)
    assert "'WanVideoClipVisionEncode' (WanVideoClipVisionEncode, #7)'s image_2 (a second picture from 'LoadImage' " \
           "(LoadImage, #6), 'face.png', combined by 'concat')" in text
    assert "6" not in conv.dropped


def test_a_second_picture_a_loader_also_gives_elsewhere_is_named_but_the_loader_not_taken_for_it():
    """The same, the second picture's node given a picture by another node (a resize of the loader): named in the
    sentence, but only a loader read by the encode alone is taken with it; the resize stays the passing rules'."""
    conv = convert(_wrapper_i2v({"8": ("LoadImage", {"image": "face.png"}),
                                 "6": ("ImageScale", {"image": ["8", 0], "upscale_method": "lanczos", "width": 512,
                                                      "height": 512, "crop": "disabled"})}), "second2.json")
    assert "a second picture from 'ImageScale' (ImageScale, #6)" in said(conv)
