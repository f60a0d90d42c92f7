"""The template browser's categories (issue 75, item 6): each shipped template's shelf, as an artist
looks for it (by what it makes from what), in the browser's order. A template may declare its shelf in its
file (``ui.template.category``); one that neither declares nor is listed here (a user's own) is shelved under
OTHER. Plain data."""
from __future__ import annotations

ORDER = ("Make a shot", "People and voices", "Control: pose, depth, tracks, camera", "Footage and finishing",
         "Train", "No model: runs on a CPU")
OTHER = "Other"

CATEGORY = {
    "text_to_video_pretrained": "Make a shot", "image_to_video": "Make a shot",
    "first_last_frame": "Make a shot", "long_take": "Make a shot", "music_video": "Make a shot",
    "talking_clip": "People and voices", "talking_portrait": "People and voices",
    "talking_portrait_infinitetalk": "People and voices", "two_person_dialogue": "People and voices",
    "character_animate": "People and voices", "character_drive": "People and voices",
    "character_replace": "People and voices", "dance_to_music": "People and voices",
    "pose_to_video": "Control: pose, depth, tracks, camera", "pose_to_video_fun": "Control: pose, depth, tracks, camera",
    "depth_to_video": "Control: pose, depth, tracks, camera", "move_along_tracks": "Control: pose, depth, tracks, camera",
    "camera_move": "Control: pose, depth, tracks, camera", "inpaint_object": "Control: pose, depth, tracks, camera",
    "finish_a_clip": "Footage and finishing", "plate_cleanup": "Footage and finishing",
    "slow_motion": "Footage and finishing",
    "train_video_lora": "Train", "text_to_video": "Train", "text_to_video_gpu": "Train",
    "text_to_video_one_object": "Train", "audio_image_to_video": "Train",
    "motion_transfer": "No model: runs on a CPU", "music_visualiser": "No model: runs on a CPU",
    "encoders_fusion": "No model: runs on a CPU",
}


def category_of(name: str, declared=None) -> str:
    """The shelf of template ``name``: the one its file declares (``ui.template.category``, one of ORDER: a
    family's template says its own, no line here), else the one listed above, else OTHER."""
    if isinstance(declared, str) and declared in ORDER:
        return declared
    return CATEGORY.get(name, OTHER)
