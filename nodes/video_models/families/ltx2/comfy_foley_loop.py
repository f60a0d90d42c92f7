"""The LTX-2.3 Foley node pack's window loop read onto LTX-2 Sound for Clip's windows (held-out 102/03): its
LTXFoleyWindowPlan ('images': the clip; 'window_frames', 'overlap_seconds', 'max_windows'), LTXFoleyWindowSelect
(one window of the clip, given to LTXFoleyVideoToAudioLatent), LTXFoleyForLoopOpen ... LTXFoleyForLoopClose and
LTXFoleyAudioStitch (the windows' sounds faded and summed by weight). Read for these facts from the stored source of
the pack's nodes (index file 58015900413, its repository not named by the index); its types are not catalogued, so
they are named here. The latent maker fed one window is given the whole clip in place, its type read as
LATENT_WINDOWED (comfy_foley's task: the plan's window length and overlap carried as its settings); the stitch is read
as the one sound decoded (LTXVAudioVAEDecode of the decoder's latent: Sound for Clip's sound, its windows' joined).
Plain data and readings."""
from __future__ import annotations

from studio.convert.api import CNode, Workflow

LATENT = "LTXFoleyVideoToAudioLatent"
LATENT_WINDOWED = "LTXFoleyVideoToAudioLatent (in the pack's windows)"  # read as: no pack's type
DECODE, STITCH = "LTXFoleyAudioVAEDecode", "LTXFoleyAudioStitch"  # a window's sound decoded; the windows' joined
SELECT = "LTXFoleyWindowSelect"  # its 'images': the clip given to the window loop; its IMAGE out: one window of it
PLAN = "LTXFoleyWindowPlan"  # its 'window_plan' out: the windows' length and overlap, read by the picker
CARRIED = (("window_frames", "window_frames"), ("overlap_seconds", "overlap_seconds"))  # plan -> latent maker
LOOP = ("LTXFoleyForLoopOpen", "LTXFoleyForLoopClose", "LTXFoleyAudioAccumulator")  # the loop and its gathering
WINDOW_SAVE = "LTXFoleyWindowAudioSave"  # each window's sound written to a WAV of its own (its 'save_audio')


def _what(n: CNode) -> str:
    return f"'{n.title or n.shown_cls}' ({n.shown_cls}, #{n.id})"


def _number(v) -> str | None:
    return f"{v:g}" if isinstance(v, (int, float)) and not isinstance(v, bool) else None


def translate(wf: Workflow) -> list[str]:
    """Each Foley latent maker fed one window of a clip by the pack's window picker given the whole clip, read in
    place as Sound for Clip's windows over that clip (the plan's settings carried); what is said."""
    said = []
    for n in wf.nodes.values():
        if not n.enabled or n.cls != LATENT or "images" not in n.links:
            continue
        pick = wf.nodes.get(n.links["images"][0])
        if pick is None or pick.cls != SELECT or "images" not in pick.links:
            continue
        plan = wf.source(pick, "window_plan") if "window_plan" in pick.links else None
        n.links["images"] = pick.links["images"]
        n.origin, n.cls = n.cls, LATENT_WINDOWED
        said.append(_windows(wf, n, pick, plan))
        if plan is not None:
            said += _plan_values(wf, n, plan)
    if said:
        said += _stitched(wf) + _loop_read(wf)
    return said


def _loop_read(wf: Workflow) -> list[str]:
    """The loop's own nodes, the plan, the picker and the windows' decoder counted read (Sound for Clip's windows and
    sound); the windows' own WAV files said not written."""
    said = []
    for n in wf.nodes.values():
        if not n.enabled or n.cls not in (*LOOP, PLAN, SELECT, DECODE, WINDOW_SAVE):
            continue
        wf.taken.add(n.id)
        if n.cls == WINDOW_SAVE and wf.value(n, "save_audio") is not False:
            prefix = wf.value(n, "filename_prefix")
            said.append(f"{_what(n)} writes each window's sound to a WAV file of its own (ComfyUI's output folder, "
                        f"ltx_foley_windows/{prefix if isinstance(prefix, str) else '(wired)'}_001.wav and on): not "
                        "made, Studio writes the windows' sounds joined, with the clip")
    return said


def _windows(wf: Workflow, n: CNode, pick: CNode, plan: CNode | None) -> str:
    frames, overlap = (_number(wf.value(plan, k)) if plan is not None else None for k in
                       ("window_frames", "overlap_seconds"))
    of = f" of {frames} frames" if frames else ""
    shared = f" sharing at least {overlap} s" if overlap else ""
    return (f"{_what(pick)} gives {_what(n)} the clip in windows (the pack's window plan and loop, its sound "
            f"stitched): read as LTX-2 Sound for Clip's windows{of}{shared}, spread evenly over the whole clip, their "
            "sounds crossfaded over the frames they share (the pack steps them by the window less the overlap from the "
            "clip's start and puts the last at its end)")


def _plan_values(wf: Workflow, n: CNode, plan: CNode) -> list[str]:
    """The plan's window length and overlap carried onto the latent maker (its task's settings); what is not."""
    said = []
    for k, into in CARRIED:
        v = wf.value(plan, k)
        if _number(v) is not None:
            n.widgets[into] = v
        else:
            said.append(f"{_what(plan)}'s {k} is given by a node Studio cannot work out when converting: LTX-2 Sound "
                        "for Clip's own default is used")
    most = wf.value(plan, "max_windows")
    said.append(f"{_what(plan)}'s max_windows {_number(most) or '(wired)'} is not taken: LTX-2 Sound for Clip scores "
                "every window the clip needs (ComfyUI makes at most that many, the sound silent after the last)")
    return said


def _stitched(wf: Workflow) -> list[str]:
    """The pack's joined sound of the windows (its stitch node) read as the one sampled sound decoded (ComfyUI's
    LTXVAudioVAEDecode of the latent the pack's decoder reads), where the workflow has one such decoder: the sound
    the generator makes, not a file's."""
    decoders = [n for n in wf.nodes.values() if n.enabled and n.cls == DECODE and "samples" in n.links]
    if len(decoders) != 1:
        return []
    said = []
    for n in wf.nodes.values():
        if n.enabled and n.cls == STITCH:
            n.links = {k: v for k, v in decoders[0].links.items() if k in ("samples", "audio_vae")}
            n.origin, n.cls = n.cls, "LTXVAudioVAEDecode"
            said.append(f"{_what(n)} joins the windows' sounds decoded by {_what(decoders[0])}: read as the sound "
                        "LTX-2 Sound for Clip makes, its windows' sounds crossfaded")
    return said
