"""benchmarks.effects_rank groups image operations by what their declared sockets and widgets say they do."""
from benchmarks.effects_rank import kind


def test_kinds_are_told_by_declared_inputs_and_widgets():
    assert kind(None, {"image_ref": "IMAGE", "image_target": "IMAGE"}, ["method", "strength"], "KJNodes/image Color Match") == \
        "colour match"
    assert kind(None, {"image1": "IMAGE", "image2": "IMAGE"}, ["blend_factor", "blend_mode"], "image ImageBlend") == \
        "blend"
    assert kind(None, {"video1": "IMAGE", "video2": "IMAGE"}, [], "VideoCrossfadeNode (uncatalogued)") == "transition"
    assert kind(None, {"a": "IMAGE", "b": "IMAGE"}, ["transition_frames"], "wipe pack") == "transition"
    assert kind(None, {"image": "IMAGE"}, ["sharpen_radius", "sigma", "alpha"], "image/postprocessing") == "sharpen"
    assert kind(None, {"image": "IMAGE"}, ["width", "height", "pad_color"], "KJNodes resize") == \
        "geometry / size (not finishing)"
