"""heldout50 (issue 112) mends, each failing without its change. Minimal workflows built here from node types, values
and links (no fetched file).

1. A held take whose reader declined it says the reader's own reason first (09, 11: two voices with a batch of face
   masks were said "no reading of Studio's takes it as a ComfyUI core node" and, given a clip, "it has no
   counterpart", though Studio's InfiniteTalk reads the wrapper's node and dubs a clip).
2. Two face boxes on the picture's halves, gathered into the embeds' mask batch, are Studio's two speakers (09, 11;
   since wrapper9 boxes anywhere, made as Control Masks).
3. A later continued-take pass's decoder whose frames go to the joins alone is said so, not "(what it feeds, a
   preview or a save of that pass, shows the whole take)" (01: Hearmeman's SVI segments feed their joins only).
4. MiniMax H3's text / image to video keeps the soundtrack its sampler's latent carries: the sound VAEDecodeAudio
   decodes for the save is read as the generator clip's own (03: it was said "Studio's generator gives the video
   alone")."""
from __future__ import annotations

from studio.convert.mapping.convert import convert

from .said import said
from .test_comfy_wrapper_embeds import _talk
from .test_comfy_wrappers import UI


def _two_voices_masked(w: UI, clip: bool = False):
    """The wrapper's InfiniteTalk given two voices and their face masks in one batch (optionally a clip's latents
    on the sampler's 'samples', its video to video)."""
    voice = w.add("LoadAudio", ["second.wav", None, None])
    masks = w.add("LoadImageMask", ["faces.png", "alpha", "image"])
    emb = _talk(w, audio_2=(voice, 0), ref_target_masks=(masks, 0))
    if clip:
        video = w.add("VHS_LoadVideo", {"video": "source.mp4", "force_rate": 0, "frame_load_cap": 0,
                                        "skip_first_frames": 0, "select_every_nth": 1})
        vae = next(n["id"] for n in w.nodes if n["type"] == "WanVideoVAELoader")
        enc = w.add("WanVideoEncode", [False, 272, 272, 144, 128, 0.0, 1.0], vae=(vae, 0), image=(video, 0))
        s = next(n for n in w.nodes if n["type"] == "WanVideoSampler")
        w.links.append([len(w.links) + 1, enc, 0, s["id"], len(s["inputs"]), "LATENT"])
        s["inputs"].append({"name": "samples", "type": "LATENT", "link": len(w.links)})
    i2v = next(n["id"] for n in w.nodes if n["type"] == "WanVideoImageToVideoMultiTalk")
    return emb, i2v


def test_a_declined_two_voice_take_says_the_readers_reason_first():
    for clip in (False, True):
        w = UI()
        emb, i2v = _two_voices_masked(w, clip)
        conv = convert(w.doc(), "dialogue")
        assert [t["generator"] for t in conv.tasks] == [None]
        first = next(line for line in map(str, conv.log) if line.startswith("This workflow makes"))
        assert (f"Studio cannot make the take of 'WanVideoImageToVideoMultiTalk' (WanVideoImageToVideoMultiTalk, "
                f"#{i2v}) as it is wired here: 'MultiTalkWav2VecEmbeds' (MultiTalkWav2VecEmbeds, #{emb}) gives it 2 "
                "voices together and its face masks come as one batch (ref_target_masks)") in first, first
        text = said(conv)
        assert "no reading of Studio's takes it as a ComfyUI core node" not in text
        assert "it has no counterpart" not in text


def _boxes(w: UI, xs=(160, 480), shapes=("square", "square")):
    """Two face masks drawn from their settings alone as 344x640 boxes of a 640x640 frame at ``xs``, gathered into
    one batch by a node putting masks together (its numbered MASK inputs)."""
    one, two = (w.add("CreateShapeMask", [shape, 1, x, 320, 0, 640, 640, 344, 640]) for x, shape in zip(xs, shapes))
    return w.add("MaskBatchMulti", [2], mask_1=(one, 0), mask_2=(two, 0)), one, two


def _fed(conv, node_id: str, port: str):
    return next((l for l in conv.graph.links if l.dst == node_id and l.dst_port == port), None)


def test_two_face_boxes_on_the_pictures_halves_are_studios_two_speakers():
    w = UI()
    batch, one, two = _boxes(w)
    voice = w.add("LoadAudio", ["second.wav", None, None])
    emb = _talk(w, audio_2=(voice, 0), ref_target_masks=(batch, 0))
    conv = convert(w.doc(), "dialogue")
    assert [t["generator"] for t in conv.tasks] == ["video_models.infinitetalk"]
    gen = next(n for n in conv.graph.nodes.values() if n.type_id == "video_models.infinitetalk")
    assert _fed(conv, gen.id, "speech") is not None and _fed(conv, gen.id, "speech_2") is not None
    text = said(conv)
    # (since wrapper9 the boxes themselves are made, Control Masks on mask_1 / mask_2: test_comfy_wrapper9)
    assert (f"its face masks 'CreateShapeMask' (CreateShapeMask, #{one}: a box 344x640 at 160, 320 of a 640x640 "
            f"frame) and 'CreateShapeMask' (CreateShapeMask, #{two}: a box 344x640 at 480, 320 of a 640x640 frame), "
            f"gathered by 'MaskBatchMulti' (MaskBatchMulti, #{batch}) for 'ref_target_masks'") in text
    assert "face masks come as one batch" not in text and "no face masks" not in text


def test_two_face_masks_of_another_shape_stay_held():
    w = UI()
    batch, _, _ = _boxes(w, shapes=("square", "triangle"))  # (a triangle: not drawn by Studio's Control Mask)
    voice = w.add("LoadAudio", ["second.wav", None, None])
    _talk(w, audio_2=(voice, 0), ref_target_masks=(batch, 0))
    conv = convert(w.doc(), "dialogue")
    assert [t["generator"] for t in conv.tasks] == [None]
    assert "face masks come as one batch (ref_target_masks)" in said(conv)


def test_a_later_passs_decoder_feeding_the_joins_alone_is_said_so():
    from .test_comfy_wan_frames import _svi
    doc, _, _ = _svi()
    text = said(convert(doc, "svi"))
    assert "alone in ComfyUI, for the join of the passes' frames: here the continued take is decoded whole" in text
    assert "a preview or a save of that pass" not in text
    doc, _, _ = _svi()  # a later pass's frames also previewed alone: that sentence kept
    nodes = doc["nodes"]
    dec = [n for n in nodes if n["type"] == "VAEDecode"][1]
    link = max(l[0] for l in doc["links"]) + 1
    doc["links"].append([link, dec["id"], 0, 9999, 0, "IMAGE"])
    dec["outputs"][0].setdefault("links", []).append(link)
    nodes.append({"id": 9999, "type": "PreviewImage", "inputs": [{"name": "images", "type": "IMAGE", "link": link}],
                  "outputs": [], "widgets_values": [], "mode": 0})
    assert "a preview or a save of that pass" in said(convert(doc, "svi_preview"))


def _minimax(image: bool):
    from .said import api
    nodes = {
        "1": ("CLIPLoader", {"clip_name": "qwen3vl_32b_minimax_h3_nvfp4_awq.safetensors", "type": "minimax",
                             "device": "default"}),
        "2": ("UNETLoader", {"unet_name": "minimax_h3_fl2va_pruned_int8_convrot.safetensors", "weight_dtype": "default"}),
        "3": ("VAELoader", {"vae_name": "minimax_h3_video_vae_fp16.safetensors"}),
        "4": ("VAELoader", {"vae_name": "minimax_h3_audio_vae_fp32.safetensors"}),
        "6": ("MiniMaxH3ImageToVideo", {"clip": ["1", 0], "vae": ["3", 0], "prompt": "a fox runs", "width": 640,
                                        "height": 352, "length": 124}),
        "7": ("BasicGuider", {"model": ["2", 0], "conditioning": ["6", 0]}),
        "8": ("RandomNoise", {"noise_seed": 4}),
        "9": ("BasicScheduler", {"model": ["2", 0], "scheduler": "simple", "steps": 12, "denoise": 1}),
        "10": ("KSamplerSelect", {"sampler_name": "euler"}),
        "11": ("SamplerCustomAdvanced", {"noise": ["8", 0], "guider": ["7", 0], "sampler": ["10", 0],
                                         "sigmas": ["9", 0], "latent_image": ["6", 1]}),
        "12": ("VAEDecode", {"samples": ["11", 0], "vae": ["3", 0]}),
        "13": ("VAEDecodeAudio", {"samples": ["11", 0], "vae": ["4", 0]}),
        "14": ("CreateVideo", {"images": ["12", 0], "fps": 24, "audio": ["13", 0]}),
        "15": ("SaveVideo", {"video": ["14", 0], "filename_prefix": "fox", "format": "auto", "codec": "auto"})}
    if image:
        nodes["5"] = ("LoadImage", {"image": "fox.png"})
        nodes["6"][1]["first_frame"] = ["5", 0]
    return convert(api(nodes), "minimax")


def test_minimax_h3_text_and_image_to_video_keep_their_soundtrack():
    for image, title in ((False, "Text to Video"), (True, "Image to Video")):
        conv = _minimax(image)
        assert [t["generator"] for t in conv.tasks] == [
            "video_models.image_to_video" if image else "video_models.text_to_video"]
        text = said(conv)
        assert ("the sound 'VAEDecodeAudio' (VAEDecodeAudio, #13) decodes from 'SamplerCustomAdvanced' (#11)'s latent "
                f"for 'SaveVideo' (#15) is the soundtrack Studio's '{title}' makes with the video: its clip carries it, "
                "Save Video writes it") in text
        assert "gives the video alone" not in text
