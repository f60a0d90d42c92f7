"""Typed node parameters. One declaration drives the properties panel, validation, files and the CLI.

``Param.coerce(value)`` turns a JSON value into the parameter's Python value or raises a
:class:`ParamTypeError` / :class:`ParamRangeError`; ``Param.parse(text)`` does the same for
the CLI's ``--set node.param=value``.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from .errors import ParamRangeError, ParamTypeError
from .limits import MAX_PATH_LENGTH, MAX_STRING_LENGTH, check_text


@dataclass(frozen=True)
class Param:
    name: str
    default: Any = None
    help: str = ""
    label: str = ""
    kind: str = field(default="param", init=False)

    @property
    def title(self) -> str:
        return self.label or self.name.replace("_", " ").capitalize()

    def coerce(self, value: Any) -> Any:  # pragma: no cover - overridden
        return value

    def parse(self, text: str) -> Any:
        return self.coerce(text)

    def to_json(self, value: Any) -> Any:
        return value

    def describe(self) -> str:
        return f"{self.name}: {self.kind} = {self.default!r}"

    def _type_error(self, value: Any, expected: str) -> ParamTypeError:
        shown = repr(value)
        if len(shown) > 60:
            shown = shown[:57] + "..."
        return ParamTypeError(self.name, f"expected {expected}, got {shown}")


def _is_number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


@dataclass(frozen=True)
class Int(Param):
    default: int = 0
    min: int | None = None
    max: int | None = None
    step: int = 1
    special: str = ""  # a word that stands for the minimum (Train's batch: 'auto' for 0), shown and accepted
    kind: str = field(default="int", init=False)

    def coerce(self, value: Any) -> int:
        if isinstance(value, str) and self.special and self.min is not None and \
                value.strip().lower() == self.special.lower():
            return self.min
        if isinstance(value, str):
            try:
                value = int(value.strip(), 0)
            except ValueError:
                raise self._type_error(value, "an integer") from None
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if not isinstance(value, int) or isinstance(value, bool):
            raise self._type_error(value, "an integer")
        if (self.min is not None and value < self.min) or (self.max is not None and value > self.max):
            raise ParamRangeError(self.name, f"{value} is outside [{self.min}, {self.max}]")
        return value

    def describe(self) -> str:
        return f"{self.name}: int = {self.default} [{self.min}..{self.max}]"


@dataclass(frozen=True)
class Float(Param):
    default: float = 0.0
    min: float | None = None
    max: float | None = None
    step: float = 0.01
    decimals: int = 3
    kind: str = field(default="float", init=False)

    def coerce(self, value: Any) -> float:
        if isinstance(value, str):
            try:
                value = float(value.strip())
            except ValueError:
                raise self._type_error(value, "a number") from None
        if not _is_number(value):
            raise self._type_error(value, "a number")
        try:
            value = float(value)
        except OverflowError:
            raise ParamRangeError(self.name, "the number is too large") from None
        if not math.isfinite(value):
            raise ParamRangeError(self.name, f"{value} is not a finite number")
        if (self.min is not None and value < self.min) or (self.max is not None and value > self.max):
            raise ParamRangeError(self.name, f"{value:g} is outside [{self.min}, {self.max}]")
        return value

    def describe(self) -> str:
        return f"{self.name}: float = {self.default} [{self.min}..{self.max}]"


@dataclass(frozen=True)
class Bool(Param):
    default: bool = False
    kind: str = field(default="bool", init=False)

    def coerce(self, value: Any) -> bool:
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.strip().lower() in ("1", "true", "yes", "on"):
            return True
        if isinstance(value, str) and value.strip().lower() in ("0", "false", "no", "off"):
            return False
        raise self._type_error(value, "true or false")


@dataclass(frozen=True)
class Choice(Param):
    default: str = ""
    choices: tuple[str, ...] = ()
    kind: str = field(default="choice", init=False)

    def coerce(self, value: Any) -> str:
        if not isinstance(value, str):
            raise self._type_error(value, "one of " + ", ".join(self.choices))
        if value not in self.choices:
            raise ParamRangeError(self.name, f"'{value}' is not one of: {', '.join(self.choices)}")
        return value

    def describe(self) -> str:
        return f"{self.name}: choice = {self.default!r} of {'|'.join(self.choices)}"


@dataclass(frozen=True)
class String(Param):
    default: str = ""
    multiline: bool = False
    max_length: int = MAX_STRING_LENGTH
    kind: str = field(default="string", init=False)

    def coerce(self, value: Any) -> str:
        if not isinstance(value, str):
            raise self._type_error(value, "text")
        if len(value) > self.max_length:
            raise ParamRangeError(self.name, f"text is {len(value)} characters, at most {self.max_length}"
                                             + (" (MAX_STRING_LENGTH)" if self.max_length == MAX_STRING_LENGTH else ""))
        why = check_text(value)
        if why:
            raise ParamRangeError(self.name, f"the text {why}")
        return value


def Text(name: str, default: str = "", help: str = "", label: str = "") -> String:  # noqa: N802
    """A multi-line text parameter (prompts)."""
    return String(name, default, help, label, multiline=True)


@dataclass(frozen=True)
class Path(Param):
    """A file or folder path. ``mode`` is 'open', 'save' or 'dir'; ``filters`` like 'Video (*.mp4 *.mov)'.
    ``lookup``: a relative value may also be a name the node looks up itself (a model in the models
    folders), so the engine passes it as written instead of resolving it against the graph's folder.
    ``models``: the kinds of model found in the models folders that this path takes, space-separated
    ('pipeline denoiser checkpoint', 'lora', 'text_encoder', 'vae', 'clip_vision'): the window offers
    a picker of them (its node class answers ``model_choices(kinds)``) and its file dialog opens in
    the models folder; empty: a plain path."""
    default: str = ""
    mode: str = "open"
    filters: str = ""
    lookup: bool = False
    models: str = ""
    kind: str = field(default="path", init=False)

    def coerce(self, value: Any) -> str:
        if not isinstance(value, str):
            raise self._type_error(value, "a file path")
        if len(value) > MAX_PATH_LENGTH:
            raise ParamRangeError(self.name, f"the path is {len(value)} characters, at most {MAX_PATH_LENGTH} "
                                             "(MAX_PATH_LENGTH)")
        if "\x00" in value:
            raise ParamRangeError(self.name, "not a valid path (it contains a NUL character)")
        why = check_text(value)
        if why:
            raise ParamRangeError(self.name, f"the path {why}")
        return value


@dataclass(frozen=True)
class Color(Param):
    """An RGB colour, stored as a '#rrggbb' string."""
    default: str = "#ffffff"
    kind: str = field(default="color", init=False)

    def coerce(self, value: Any) -> str:
        if isinstance(value, (list, tuple)) and len(value) == 3 and all(_is_number(c) for c in value):
            if not all(0 <= c <= 255 for c in value):
                raise ParamRangeError(self.name, f"{value} has a component outside 0..255")
            return "#%02x%02x%02x" % tuple(int(c) for c in value)
        if not isinstance(value, str):
            raise self._type_error(value, "a colour like '#ff8800'")
        v = value.strip().lower()
        if len(v) == 7 and v[0] == "#":
            try:
                int(v[1:], 16)
                return v
            except ValueError:
                pass
        raise self._type_error(value, "a colour like '#ff8800'")

    @staticmethod
    def rgb(value: str) -> tuple[float, float, float]:
        """'#rrggbb' -> (r, g, b) floats in [0, 1]."""
        return tuple(int(value[i:i + 2], 16) / 255.0 for i in (1, 3, 5))  # type: ignore[return-value]


def frame_marks(text: str, name: str = "frames") -> list[tuple[int, int]]:
    """The frames a :class:`Frames` value names: ``(at, source)`` pairs in order. ``at`` is a frame of
    the clip made (negative: from its end, -1 the last); ``source`` a frame of the clip on the
    matching input (``'96=-1'``: that clip's last frame at 96; 0 when not given: an Image, or a clip's
    first frame; a run ``'0=-15..last'``: its first frame). ``last`` stands for -1 on either side. Raises
    :class:`ParamRangeError` naming ``name``."""
    return [(at, src) for at, src, _ in frame_runs(text, name)]


def frame_runs(text: str, name: str = "frames") -> list[tuple[int, int, int | None]]:
    """:func:`frame_marks` with each entry's run: ``(at, first, last)``, ``last`` None for one frame; ``'0=-15..last'``
    puts the clip's frames -15 to -1 (its last 15) at 0, 1, ... 14 (``(0, -15, -1)``)."""
    out = []
    for entry in text.replace(";", ",").replace("\n", ",").split(","):
        entry = entry.strip()
        if not entry:
            continue
        parts = [x.strip().lower() for x in entry.split("=")]
        try:
            if len(parts) > 2 or parts[0].count("..") or parts[-1].count("..") > 1:
                raise ValueError
            ends = (parts[1] if len(parts) == 2 else "0").split("..")
            at, src, *run = (int(-1 if x.strip() == "last" else x) for x in [parts[0], *ends])
        except ValueError:
            raise ParamRangeError(name, f"'{entry}' is not a frame number: write frame numbers like '0, 48, last' "
                                        "(negative: from the end), each optionally '=F' to take frame F of a clip "
                                        "('96=last') or '=F..G' its frames F to G ('0=-15..last')") from None
        out.append((at, src, run[0] if run else None))
    return out


@dataclass(frozen=True)
class Frames(String):
    """Frame numbers of the clip a node makes, as text: '0, 48, last' (keyframes); syntax checked when
    set (:func:`frame_marks`), ranges by the node once the clip's length is known. The viewer's
    timeline marks where they sit."""
    multiline: bool = False
    kind: str = field(default="frames", init=False)

    def coerce(self, value: Any) -> str:
        if isinstance(value, (list, tuple)) and all(_is_number(v) for v in value):
            value = ", ".join(str(int(v)) for v in value)
        value = String.coerce(self, value)
        frame_marks(value, self.name)
        return value


@dataclass(frozen=True)
class CameraKeys(String):
    """A camera path's keys as text (Camera Path's 'poses': studio.core.camera_keys), keyed on the
    viewer by hand; the viewer's timeline marks their frames. Read when the path is made (a custom
    path's bad keys are said by the node's checks), so a file's text always loads."""
    multiline: bool = True
    kind: str = field(default="camera_keys", init=False)


@dataclass(frozen=True)
class Seed(Int):
    """A random seed. Combined with the graph seed and the node id, so copies of a node differ."""
    default: int = 0
    min: int | None = 0
    max: int | None = 2**31 - 1
    kind: str = field(default="seed", init=False)


PARAM_KINDS = {c.__dataclass_fields__["kind"].default: c for c in (Int, Float, Bool, Choice, String, Path, Color, Seed,
                                                                       Frames, CameraKeys)}
