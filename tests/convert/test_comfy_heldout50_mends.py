"""heldout50 (issue 112) mends, each failing without its change. Minimal workflows built here from node types, values
and links (no fetched file).

1. A held take whose reader declined it says the reader's own reason first (09, 11: two voices with a batch of face
   masks were said "no reading of Studio's takes it as a ComfyUI core node" and, given a clip, "it has no
   counterpart", though Studio's InfiniteTalk reads the wrapper's node and dubs a clip)."""
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
