"""KJNodes' LTXVImgToVideoInplaceKJ on an LTX-2 workflow's latent (its images each at a frame, with a strength; its
settings named by the inputs a UI file lists): one image at frame 0 is LTX-2's start image, more are keyframes at
their frames. Two of an artist's LTX-2.3 image-to-video workflows had been held, that node named."""
from __future__ import annotations

import pytest

from studio.convert.mapping.convert import convert
from tests.convert.test_comfy_wiring import UI
from tests.convert.test_comfy_wrappers import _nodes

CKPT = "ltx-2.3-22b-distilled.safetensors"


def _ltx2_head(w: UI) -> tuple[int, int, int, int]:
    """An LTX-2.3 checkpoint, its Gemma text encoder, the two prompts and an empty 768x512x97 latent: their ids
    (checkpoint, positive, negative, latent)."""
    ck = w.add("CheckpointLoaderSimple", [CKPT], ["MODEL", "CLIP", "VAE"])
    te = w.add("LTXAVTextEncoderLoader", ["gemma_3_12B_it.safetensors", CKPT, "default"], ["CLIP"])
    pos = w.add("CLIPTextEncode", ["a lighthouse at dusk"], ["CONDITIONING"], {"clip": (te, 0, "CLIP")})
    neg = w.add("CLIPTextEncode", ["blurry"], ["CONDITIONING"], {"clip": (te, 0, "CLIP")})
    return ck, pos, neg, w.add("EmptyLTXVLatentVideo", [768, 512, 97, 1], ["LATENT"])


def _doc(images):
    """``images``: (file, frame index, strength) for the node's image_1, image_2..."""
    w = UI()
    ck, pos, neg, empty = _ltx2_head(w)
    loads = [w.add("LoadImage", [f, "image"], ["IMAGE", "MASK"]) for f, _, _ in images]
    inputs = {"vae": (ck, 2, "VAE"), "latent": (empty, 0, "LATENT")}
    for i, img in enumerate(loads, 1):
        inputs[f"num_images.image_{i}"] = (img, 0, "IMAGE")
    kj = w.add("LTXVImgToVideoInplaceKJ", [], ["LATENT"], inputs)
    node = w.nodes[kj - 1]
    values = [str(len(images))]
    node["inputs"].insert(2, {"name": "num_images", "type": "COMFY_DYNAMICCOMBO_V3", "link": None, "widget": {"name": "num_images"}})
    for i, (_, at, strength) in enumerate(images, 1):
        node["inputs"] += [{"name": f"num_images.strength_{i}", "type": "FLOAT", "link": None, "widget": {"name": "s"}},
                           {"name": f"num_images.index_{i}", "type": "INT", "link": None, "widget": {"name": "i"}}]
        values += [strength, at]
    node["widgets_values"] = values
    avae = w.add("LTXVAudioVAELoader", [CKPT], ["VAE"])
    audio = w.add("LTXVEmptyLatentAudio", [97, 24, 1], ["LATENT"], {"audio_vae": (avae, 0, "VAE")})
    cat = w.add("LTXVConcatAVLatent", [], ["LATENT"], {"video_latent": (kj, 0, "LATENT"), "audio_latent": (audio, 0, "LATENT")})
    ks = w.add("KSampler", [5, "fixed", 8, 1.0, "euler", "simple", 1.0], ["LATENT"],
               {"model": (ck, 0, "MODEL"), "positive": (pos, 0, "CONDITIONING"), "negative": (neg, 0, "CONDITIONING"),
                "latent_image": (cat, 0, "LATENT")})
    sep = w.add("LTXVSeparateAVLatent", [], ["LATENT", "LATENT"], {"av_latent": (ks, 0, "LATENT")})
    dec = w.add("VAEDecode", [], ["IMAGE"], {"samples": (sep, 0, "LATENT"), "vae": (ck, 2, "VAE")})
    sound = w.add("LTXVAudioVAEDecode", [], ["AUDIO"], {"samples": (sep, 1, "LATENT"), "audio_vae": (avae, 0, "VAE")})
    cv = w.add("CreateVideo", [24], ["VIDEO"], {"images": (dec, 0, "IMAGE"), "audio": (sound, 0, "AUDIO")})
    w.add("SaveVideo", ["lh", "auto", "auto"], [], {"video": (cv, 0, "VIDEO")})
    return w.doc()


def _wired(conv, gen, port):
    link = conv.graph.input_link(gen.id, port)
    return conv.graph.nodes[link.src].params["path"] if link is not None else None


def test_one_image_at_frame_0_is_the_start_image_at_its_strength():
    conv = convert(_doc([("lighthouse.png", 0, 0.75)]), "kj")
    assert conv.graph.validate() == []
    gen = _nodes(conv, "video_models.ltx2")[0]
    assert [(t["task"], t["inputs"]) for t in conv.tasks] == [("image to video", ["image"])]
    assert _wired(conv, gen, "image") == "lighthouse.png"
    said = "\n".join(conv.log + [n["text"] for n in conv.graph.ui["notes"]])
    assert gen.params["image_strength"] == 0.75 and "0.75 (the start image" not in said  # (samplers18: said not taken before)


def test_images_at_other_frames_are_keyframes_the_last_at_minus_1():
    conv = convert(_doc([("first.png", 0, 1.0), ("mid.png", 48, 0.8), ("end.png", -1, 0.8)]), "kj3")
    gen = _nodes(conv, "video_models.ltx2")[0]
    assert [_wired(conv, gen, f"keyframe_{i}") for i in (1, 2, 3)] == ["first.png", "mid.png", "end.png"]
    assert gen.params["keyframes"] == "0, 48, last" and gen.params["keyframe_strength"] == 0.8


def test_a_start_image_made_by_nodes_studio_does_not_read_holds_the_take():
    """The start image made by a pack's node Studio does not read (a folder's images picked at random): the take is
    held with its sentence, as a core image-to-video is, not made as a text to video with the image said missing."""
    doc = _doc([("lighthouse.png", 0, 1.0)])
    picker = {"id": 99, "type": "LTXRandomFolderImage", "mode": 0, "inputs": [], "pos": [0, 0], "size": [200, 100],
              "outputs": [{"name": "IMAGE", "type": "IMAGE"}], "widgets_values": ["", 0, 0, 1], "properties": {}}
    doc["nodes"] = [n for n in doc["nodes"] if n["type"] != "LoadImage"] + [picker]
    for link in doc["links"]:
        if link[5] == "IMAGE" and link[3] == next(n["id"] for n in doc["nodes"] if n["type"] == "LTXVImgToVideoInplaceKJ"):
            link[1] = 99
    conv = convert(doc, "picked")
    assert conv.graph.validate() == []
    assert not _nodes(conv, "video_models.ltx2")
    assert conv.log[0].startswith("This workflow makes image to video with LTX-2; Studio cannot read the start image "
                                  "ComfyUI's 'LTXRandomFolderImage' (LTXRandomFolderImage, #99) gives")


@pytest.mark.parametrize("thumbnail", [0, 250_000, 3_000_000])
def test_a_timeline_node_naming_its_pictures_in_its_settings_holds_the_take(thumbnail):
    """A node pack's timeline editor (LTX Director's kind) wired to the model, naming its pictures inside its settings'
    JSON and making the latent: its pictures reach the sampler, Studio cannot read them, so the take is held naming
    that node. It had become a text to video, the pictures unsaid; and so again where the pictures were named after
    a thumbnail of 250,000 characters (issue 101: the ledger stopped reading a setting after 200,000, unsaid)."""
    from tests.convert.test_comfy_wiring import UI
    w = UI()
    ck = w.add("CheckpointLoaderSimple", [CKPT], ["MODEL", "CLIP", "VAE"])
    te = w.add("LTXAVTextEncoderLoader", ["gemma_3_12B_it.safetensors", CKPT, "default"], ["CLIP"])
    thumb = '"thumb":"data:image/png;base64,' + "iVBORw0K" * (thumbnail // 8) + '",' if thumbnail else ""
    timeline = w.add("ShotTimeline", ['{' + thumb + '"segments":[{"start":0,"imageFile":"shots/first.png"},'
                                      '{"start":48,"imageFile":"/view?filename=second.jpg&type=input"}]}', 97],
                     ["CONDITIONING", "LATENT"], {"model": (ck, 0, "MODEL"), "clip": (te, 0, "CLIP")})
    ks = w.add("KSampler", [5, "fixed", 8, 1.0, "euler", "simple", 1.0], ["LATENT"],
               {"model": (ck, 0, "MODEL"), "positive": (timeline, 0, "CONDITIONING"),
                "negative": (timeline, 0, "CONDITIONING"), "latent_image": (timeline, 1, "LATENT")})
    dec = w.add("VAEDecode", [], ["IMAGE"], {"samples": (ks, 0, "LATENT"), "vae": (ck, 2, "VAE")})
    cv = w.add("CreateVideo", [24], ["VIDEO"], {"images": (dec, 0, "IMAGE")})
    w.add("SaveVideo", ["lh", "auto", "auto"], [], {"video": (cv, 0, "VIDEO")})
    conv = convert(w.doc(), "timeline")
    assert conv.graph.validate() == []
    assert not _nodes(conv, "video_models.ltx2")
    assert conv.log[0].startswith("This workflow makes a video from image given to the sampler by ShotTimeline")


def test_add_guide_multi_makes_each_image_a_keyframe_at_its_frame():
    """ComfyUI's LTXVAddGuideMulti (its images each at a frame, with a strength; the values saved after the count):
    each image a keyframe at its frame, as LTXVAddGuide's is (cseti007's LTX-2.3 two-pass workflow had been held)."""
    from tests.convert.test_comfy_wiring import UI
    w = UI()
    ck, pos, neg, empty = _ltx2_head(w)
    first, last = (w.add("LoadImage", [f, "image"], ["IMAGE", "MASK"]) for f in ("dawn.png", "dusk.png"))
    guides = w.add("LTXVAddGuideMulti", ["2", 0, 1.0, 48, 0.75], ["CONDITIONING", "CONDITIONING", "LATENT"],
                   {"positive": (pos, 0, "CONDITIONING"), "negative": (neg, 0, "CONDITIONING"),
                    "vae": (ck, 2, "VAE"), "latent": (empty, 0, "LATENT"),
                    "num_guides.image_1": (first, 0, "IMAGE"), "num_guides.image_2": (last, 0, "IMAGE")})
    ks = w.add("KSampler", [5, "fixed", 8, 1.0, "euler", "simple", 1.0], ["LATENT"],
               {"model": (ck, 0, "MODEL"), "positive": (guides, 0, "CONDITIONING"),
                "negative": (guides, 1, "CONDITIONING"), "latent_image": (guides, 2, "LATENT")})
    crop = w.add("LTXVCropGuides", [], ["CONDITIONING", "CONDITIONING", "LATENT"],
                 {"positive": (guides, 0, "CONDITIONING"), "negative": (guides, 1, "CONDITIONING"),
                  "latent": (ks, 0, "LATENT")})
    dec = w.add("VAEDecode", [], ["IMAGE"], {"samples": (crop, 2, "LATENT"), "vae": (ck, 2, "VAE")})
    cv = w.add("CreateVideo", [24], ["VIDEO"], {"images": (dec, 0, "IMAGE")})
    w.add("SaveVideo", ["lh", "auto", "auto"], [], {"video": (cv, 0, "VIDEO")})
    conv = convert(w.doc(), "guides")
    assert conv.graph.validate() == []
    gen = _nodes(conv, "video_models.ltx2")[0]
    assert conv.tasks[0]["inputs"] == ["keyframe_1", "keyframe_2"]
    assert (_wired(conv, gen, "keyframe_1"), _wired(conv, gen, "keyframe_2")) == ("dawn.png", "dusk.png")
    assert gen.params["keyframes"] == "0, 48"


def test_an_end_image_alone_at_minus_1_is_the_last_keyframe_and_other_negatives_count_from_the_end():
    """Issue 112: an end keyframe at -1 lands on the last frame, never frame 0 (not the start image), and any negative
    index counts from the end of the take (Studio's keyframes count so too)."""
    conv = convert(_doc([("end.png", -1, 1.0)]), "kj_end")
    gen = _nodes(conv, "video_models.ltx2")[0]
    assert _wired(conv, gen, "image") is None and _wired(conv, gen, "keyframe_1") == "end.png"
    assert gen.params["keyframes"] == "last"
    conv = convert(_doc([("first.png", 0, 1.0), ("near_end.png", -9, 1.0)]), "kj_neg")
    gen = _nodes(conv, "video_models.ltx2")[0]
    assert gen.params["keyframes"] == "0, -9" and _wired(conv, gen, "keyframe_2") == "near_end.png"


def test_an_index_studio_cannot_read_is_said_never_frame_0_in_silence():
    doc = _doc([("end.png", -1, 1.0)])
    kj = next(n for n in doc["nodes"] if n["type"] == "LTXVImgToVideoInplaceKJ")
    maths = {"id": 99, "type": "SomePackMath", "mode": 0, "inputs": [], "outputs": [{"name": "INT", "type": "INT"}],
             "widgets_values": ["a - 1", 3], "pos": [0, 0], "size": [10, 10], "properties": {}}
    doc["nodes"].append(maths)
    doc["links"].append([999, 99, 0, kj["id"], len(kj["inputs"]), "INT"])
    slot = next(i for i in kj["inputs"] if i["name"] == "num_images.index_1")
    slot["link"] = 999
    conv = convert(doc, "kj_wired")
    gen = _nodes(conv, "video_models.ltx2")[0]
    said = "\n".join(conv.log + [n["text"] for n in conv.graph.ui["notes"]])
    assert _wired(conv, gen, "image") is None and _wired(conv, gen, "keyframe_1") == "end.png"
    assert "('num_images.index_1') comes from 'SomePackMath' (SomePackMath, #99), whose value Studio cannot work out: " \
           "its image is placed at frame 0" in said
