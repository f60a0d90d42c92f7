"""The Wan mapping's FantasyTalking (comfy.py): the node the wrapper's FantasyTalking is read as (comfy_wrapper_fantasy's
``TASK``) made into Studio's FantasyTalking (talk/fantasy_node.py): its start image and voice its inputs, its file,
audio scale, audio guidance and frame rate its settings; the voice (an AudioEncoderEncode of the Load Audio with the
wrapper's wav2vec2 folder) as Speech Features of wav2vec2's last hidden state at the encoder's own 50 a second, as
the release reads it (Fantasy-AMAP/fantasy-talking@8c2d0c9 utils.py get_audio_features). Plain data."""
from __future__ import annotations

from studio.convert.api import Generator, Task, Voice

from .comfy_wrapper_fantasy import TASK, WAV2VEC2

FANTASY = "video_models.fantasytalking"
WIDGETS = ("width", "height", "length", "weights", "audio_scale", "fps", "audio_guidance")
TASK_SPEC = Task("a talking video from speech (FantasyTalking)", FANTASY,
                 (("start_image", "image"), ("audio_encoder_output", "speech")), "Wan 2.1 FantasyTalking",
                 settings=(("weights", "weights", ""), ("audio_scale", "audio_scale", ""), ("fps", "fps", ""),
                           ("audio_guidance", "audio_guidance", "")))
GENERATOR = Generator(FANTASY, describe=lambda inputs, params: "a talking video from speech (FantasyTalking)",
                      heard=("speech",))
VOICE = Voice(True, TASK, {"layers": "last", "fps": 50.0}, WAV2VEC2,
              "wav2vec2 (FantasyTalking's), its last hidden state at the encoder's own 50 frames a second")
