"""rejudge10 (issue 112): what the merges brought to held-out sets 57-61, re-read on main 2f9b3d91. The wrapper's
InfiniteTalk now made for two voices (heldout58 04) read the voice embeds' fps, wired from a clip's measure (VHS's
Video Info), as InfiniteTalk's 25 with no node named; it is said. Minimal workflows built here from node types,
values and links."""
from __future__ import annotations

from studio.convert.mapping.convert import convert

from .said import nodes_of, said
from .test_comfy_wrapper_embeds import _talk
from .test_comfy_wrappers import UI


def test_the_voice_embeds_fps_from_a_clips_measure_is_said_not_taken():
    w = UI()
    clip = w.add("VHS_LoadVideo", {"video": "clip.mp4", "force_rate": 0, "custom_width": 0, "custom_height": 0,
                                   "frame_load_cap": 0, "skip_first_frames": 0, "select_every_nth": 1})
    info = w.add("VHS_VideoInfo", [], video_info=(clip, 3))
    emb = _talk(w, fps=(info, 0))
    conv = convert(w.doc(), "talk_rate")
    assert [t["generator"] for t in conv.tasks] == ["video_models.infinitetalk"]
    assert nodes_of(conv, "video_models.infinitetalk")[0].params["fps"] == 25.0
    assert (f"'MultiTalkWav2VecEmbeds' (MultiTalkWav2VecEmbeds, #{emb})'s fps comes from 'VHS_VideoInfo' "
            f"(VHS_VideoInfo, #{info}), whose value Studio cannot work out when converting: not taken, InfiniteTalk's "
            "voice features and its take are made at 25 frames a second") in said(conv)
    w = UI()  # its own 25 (InfiniteTalk's rate): nothing said
    emb = _talk(w)
    assert f"#{emb})'s fps" not in said(convert(w.doc(), "talk_rate"))
