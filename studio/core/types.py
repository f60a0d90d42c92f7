"""Types on the wires: a name, a colour for the UI, and what each may connect to."""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class DataType:
    name: str
    color: tuple[int, int, int]
    help: str = ""
    # Other type names whose values this type's inputs also accept (the engine converts them).
    accepts_from: tuple[str, ...] = field(default=())

    def accepts(self, other: "DataType") -> bool:
        return (other.name == self.name or "Any" in (self.name, other.name)
                or other.name in self.accepts_from)


VIDEO = DataType("Video", (86, 156, 214), "a lazy clip: frames pulled by index or chunk", ("Image", "Mask"))
IMAGE = DataType("Image", (78, 201, 176), "one RGB frame, float32 HxWx3 in [0, 1]")
AUDIO = DataType("Audio", (220, 170, 80), "sampled sound, float32 [samples, channels]")
TEXT = DataType("Text", (200, 200, 200), "a prompt or caption")
FEATURES = DataType("Features", (197, 134, 192), "a tensor per clip [D] or per frame [T, D]")
FLOW = DataType("Flow", (240, 110, 90), "a lazy clip of 2-channel pixel displacements")
KEYPOINTS = DataType("Keypoints", (250, 220, 70), "point tracks [T, N, 2] with visibility")
# a camera's poses over a clip (Camera Path): what a camera-controlled generator follows (Wan Fun Camera)
CAMERA = DataType("Camera", (120, 200, 230), "camera poses per frame [T, 4, 4] with the lens (Camera Path)")
MASK = DataType("Mask", (150, 150, 150), "a lazy clip of 1-channel values in [0, 1]", ("Image",))
LATENT = DataType("Latent", (255, 140, 200), "a latent tensor of a generator")
MODEL = DataType("Model", (120, 120, 255), "a trained network with its config")
# a text/image-to-video model (Load Video Model, Video LoRA): its own type, so its wire goes only
# to the nodes that take one (generators, Video LoRA, Train Video LoRA), not to a depth or pose model's input
VIDEO_MODEL = DataType("Video Model", (170, 110, 255), "a video generation model (a diffusers pipeline) with its LoRAs")
DATASET = DataType("Dataset", (100, 200, 100), "captioned clips for training")
NUMBER = DataType("Number", (170, 220, 120), "an int or float")
ANY = DataType("Any", (230, 230, 230), "anything (viewers, reroutes)")

TYPES: dict[str, DataType] = {t.name: t for t in
                              (VIDEO, IMAGE, AUDIO, TEXT, FEATURES, FLOW, KEYPOINTS, CAMERA, MASK, LATENT,
                               MODEL, VIDEO_MODEL, DATASET, NUMBER, ANY)}


def get_type(name: str | DataType) -> DataType:
    if isinstance(name, DataType):
        return name
    try:
        return TYPES[name]
    except KeyError:
        raise KeyError(f"unknown data type '{name}' (known: {', '.join(TYPES)})") from None


def can_connect(src: str | DataType, dst: str | DataType) -> bool:
    """May an output of type ``src`` feed an input of type ``dst``?"""
    return get_type(dst).accepts(get_type(src))
