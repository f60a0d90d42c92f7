"""Viewer display controls: exposure/gain, gamma, one channel, proxy scale, safe-area/aspect overlay.
For viewing only: the value the graph made is untouched."""
import numpy as np
import pytest

from studio.engine.clip import ArrayClip
from studio.ui.preview.view_controls import (ViewSettings, apply_view, draw_overlay, overlay_rects, proxy_frame)
from studio.ui.preview.qimages import qimage_to_array


def test_pixel_functions():
    f = np.array([[[0.25, 0.5, 0.125, 0.8]]], np.float32)
    assert apply_view(f, ViewSettings(exposure=1.0))[0, 0, :3] == pytest.approx([0.5, 1.0, 0.25])
    assert apply_view(f, ViewSettings(gain=0.5, gamma=2.0))[0, 0, 0] == pytest.approx(0.125 ** 0.5)
    assert apply_view(f, ViewSettings(channel="g")).shape == (1, 1, 1)
    assert apply_view(f, ViewSettings(channel="a"))[0, 0, 0] == pytest.approx(0.8)
    assert apply_view(f[..., :3], ViewSettings(channel="a"))[0, 0, 0] == 1.0  # no alpha: opaque
    assert apply_view(f, ViewSettings(channel="luma"))[0, 0, 0] == pytest.approx(
        0.2126 * 0.25 + 0.7152 * 0.5 + 0.0722 * 0.125)
    flow = np.ones((2, 2, 2), np.float32)
    assert apply_view(flow, ViewSettings(exposure=3), "flow") is flow
    assert proxy_frame(np.zeros((361, 641, 3), np.float32), 2).shape == (181, 321, 3)
    assert proxy_frame(np.zeros((361, 641, 1), np.float32), 4).shape == (91, 161, 1)
    rects, keep = overlay_rects(1920, 1080, "2.39:1")
    assert keep[2] - keep[0] + 1 == 1920 and keep[3] - keep[1] + 1 == round(1920 / 2.39)
    rects, keep = overlay_rects(1000, 1000, "safe areas")
    assert keep is None and rects[0][:2] == (35, 35) and rects[1][:2] == (50, 50)
    buf = np.full((100, 200, 4), 200, np.uint8)
    draw_overlay(buf, "1:1")
    assert buf[50, 10, 0] == 100 and buf[50, 100, 0] == 200 and buf[0, 50, 1] == 220  # dimmed, kept, edge


def _area_with(make_area, qtbot, frames):
    area = make_area(500, 400, auto_thumbnails=False)
    clip = ArrayClip(frames, 24.0)
    area.show_value("v", "Video", clip, "v:video")
    qtbot.waitUntil(lambda: area.shown_frame == 0)
    return area, clip


def test_controls_change_the_picture_not_the_value(qtbot, make_area):
    frames = np.zeros((2, 40, 60, 3), np.float32)
    frames[..., 0] = 0.25
    frames[..., 1] = 0.5
    area, clip = _area_with(make_area, qtbot, frames)
    view, vc = area.stack.image, area.view_controls
    assert qimage_to_array(view.image)[5, 5].tolist() == [64, 128, 0]
    assert not vc.isVisible()  # folded away until asked for: small windows keep their height
    area.display_button.click()
    assert vc.isVisible()
    vc.exposure.setValue(1.0)  # a user typing +1 stop
    qtbot.waitUntil(lambda: qimage_to_array(view.image)[5, 5].tolist() == [128, 255, 0])
    vc.channel.setCurrentIndex(1)  # R as grey
    qtbot.waitUntil(lambda: qimage_to_array(view.image)[5, 5].tolist() == [128, 128, 128])
    assert np.array_equal(view.raw, frames[0]) and np.array_equal(clip.frame(0), frames[0])  # untouched
    assert area.display_button.text() == "Display •" and "exposure +1.0, channel R" in area.display_button.toolTip()
    vc.reset_button.click()
    qtbot.waitUntil(lambda: qimage_to_array(view.image)[5, 5].tolist() == [64, 128, 0])
    assert area.display_button.text() == "Display"


def test_proxy_shows_a_smaller_image_in_the_full_frame(qtbot, make_area):
    frames = np.random.default_rng(0).random((2, 361, 641, 3), dtype=np.float32)
    area, clip = _area_with(make_area, qtbot, frames)
    view = area.stack.image
    area.view_controls.proxy.setCurrentIndex(1)  # 1/2
    qtbot.waitUntil(lambda: view.image.width() == 321)
    assert view.image_size() == (641, 361)  # geometry, hover and overlays stay in full-frame pixels
    assert view.raw.shape == (361, 641, 3)  # the pixel under the cursor reads the full frame
    area.seek(1)
    qtbot.waitUntil(lambda: area.shown_frame == 1)
    assert view.image.width() == 321
    area.view_controls.overlay.setCurrentIndex(1)  # safe areas
    qtbot.waitUntil(lambda: qimage_to_array(view.image)[6, 160].tolist() == [255, 220, 0])  # action safe line
