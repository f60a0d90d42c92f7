"""What an InfiniteTalk window sees of the picture, where the node is not given it: the two speakers' face
regions when no mask is given, and a source clip's frame for each window (video to video, dubbing).

Both after MeiGen-AI/InfiniteTalk@0107cd96421b3b1bef7728bde14447dbff7b2db2 ``wan/multitalk.py``
``generate_infinitetalk`` (Apache-2.0; read for its meaning, written anew here):
- two speakers with no 'bbox' given: speaker 1 in the left half, speaker 2 in the right, each a box
  'face_scale' (0.05) in from its half's edges and from the top and bottom of the picture, made at the
  picture's own size (then fitted to the take's, as the masks are);
- a video as the 'cond_video': the first window starts from its frame 0; each later window's picture
  (its CLIP image and the first frame of its image condition) is the clip's frame at the window's first
  video frame (``extract_specific_frames(cond_file_path, audio_start_idx)``), the clip's last frame past
  its end; the frames carried from the window before stay the ones made (``cond_frame``).
Plain numpy."""
from __future__ import annotations

import numpy as np

FACE_SCALE = 0.05  # generate_infinitetalk's face_scale: the boxes' margin, a share of each half


def halves(h: int, w: int, face_scale: float = FACE_SCALE) -> tuple[np.ndarray, np.ndarray]:
    """The reference's two face regions of an h x w picture with no bbox: left and right boxes."""
    top, bottom = int(h * face_scale), int(h * (1 - face_scale))
    half = w // 2
    left = np.zeros((h, w), np.float32)
    right = np.zeros((h, w), np.float32)
    left[top:bottom, int(half * face_scale):int(half * (1 - face_scale))] = 1
    right[top:bottom, int(half * face_scale + half):int(half * (1 - face_scale) + half)] = 1
    return left, right


def clip_frame(clip, i: int) -> np.ndarray:
    """The clip's frame ``i`` as float32 [h, w, c] (its last past its end, as the reference reads one)."""
    n = int(getattr(clip, "n_frames", 0) or len(clip))
    i = min(max(0, int(i)), n - 1)
    return np.asarray(clip.frame(i) if hasattr(clip, "frame") else clip[i], np.float32)
