"""A save's sound whose way ends at a picture's loader (a model's sound made from a reference picture: yameprogrammer's
ltx23I2VWorkflow_v20 walked from VHS_VideoCombine's audio through LTX-2's audio decode and sampler to a Load Image,
wiring that picture into Save Video's 'audio': the conversion was refused) is no file's sound."""
from __future__ import annotations

from studio.convert.reading.workflow import Workflow
from studio.convert.takes.sound import sound_loader
from studio.convert.tracing.walks import find_loader

API = {
    "1": {"class_type": "LoadImage", "inputs": {"image": "face.png"}},
    "2": {"class_type": "InventedSoundFromPicture", "inputs": {"image": ["1", 0], "seconds": 4}},
    "3": {"class_type": "VHS_VideoCombine", "inputs": {"images": ["1", 0], "audio": ["2", 0], "frame_rate": 24,
                                                       "filename_prefix": "talk", "format": "video/h264-mp4"}},
}


def test_a_pictures_loader_is_not_a_sound():
    wf = Workflow.read(API)
    save = wf.nodes["3"]
    used: set = set()
    assert find_loader(wf, save, "audio", set())[0].id == "1"  # the generic walk reaches the picture
    assert sound_loader(wf, save, "audio", used) is None
    assert used == set()  # nothing marked as read by a walk that found no sound


def test_a_sound_file_is_found():
    api = dict(API, **{"4": {"class_type": "LoadAudio", "inputs": {"audio": "voice.wav"}},
                       "3": dict(API["3"], inputs=dict(API["3"]["inputs"], audio=["4", 0]))})
    wf = Workflow.read(api)
    found = sound_loader(wf, wf.nodes["3"], "audio", set())
    assert found is not None and found[0].id == "4"

