"""Playback of the shown clip in the preview area: play, pause, shuttle (J/K/L), loop, mute, the play
button's icon, and the frames a playback dropped."""
from __future__ import annotations

from PySide6.QtWidgets import QStyle

from studio.ui.preview.fetcher import PREFETCH


class Transport:
    """The preview area's transport: the player's frames on the timeline and in the viewer."""

    def __init__(self, area):
        self.area = area
        self.passed = self.shown_count = self.last = 0

    def set_loop(self, on: bool) -> None:
        self.area.player.loop = bool(on)

    def set_mute(self, on: bool) -> None:
        self.area.player.muted = bool(on)
        if self.area.player.playing:
            self.area.player.play(self.area.timeline.current)

    def toggle_play(self) -> None:
        if self.area.timeline.n_frames <= 1:
            return
        self.area.player.current = self.area.timeline.current
        self.area.player.toggle()

    def shuttle(self, key: str) -> None:
        if self.area.timeline.n_frames <= 1:
            return
        self.area.player.current = self.area.timeline.current
        self.area.player.shuttle(key)

    @property
    def dropped_frames(self) -> int:
        """Frames the playhead passed in this playback that never reached the screen."""
        return max(0, self.passed - self.shown_count)

    def on_player_frame(self, i: int) -> None:
        if self.area.player.shown == 0:  # play() just (re)started at frame i
            self.passed, self.shown_count = 1, 0
        else:
            self.passed += abs(i - self.last)
        self.last = i
        self.area.playhead = i
        self.area.timeline.set_current(i)
        self.area.show_frame(i)
        if self.area.player.playing and self.area.clip is not None:
            a, b = self.area.player.range
            step = 1 if self.area.player.speed > 0 else -1
            nxt = [j for j in range(i + step, i + step * (PREFETCH + 1), step) if a <= j < b
                   and (self.area.clip.key, j) not in self.area.frame_cache]
            if nxt:
                clip, gen = self.area.clip, self.area.generation
                self.area.fetcher.request_low([(gen, "prefetch", j, clip.frame) for j in nxt])

    def set_play_icon(self, playing: bool) -> None:
        """The style's own media icons: a '⏸' glyph is missing from many fonts (an empty box)."""
        sp = QStyle.SP_MediaPause if playing else QStyle.SP_MediaPlay
        self.area.play_button.setIcon(self.area.play_button.style().standardIcon(sp))
        self.area.play_button.setProperty("playing", playing)
        self.area.play_button.setAccessibleName("pause" if playing else "play")

    def on_playing(self, playing: bool) -> None:
        self.set_play_icon(playing)
        player = self.area.player
        if playing and player.speed != 1.0:
            self.area.info_label.setText(f"{player.speed:+g}x (muted)")
        elif playing and not player.audio_is_clock and player.audio is not None and not player.muted:
            self.area.info_label.setText("muted: no audio device")
        elif not playing:
            info = self.area.info_label
            info.setText("" if info.text().startswith(("+", "-")) else info.text())
