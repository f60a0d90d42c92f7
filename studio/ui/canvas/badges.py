"""Run badges on canvas nodes: border colour and status line per node."""
from __future__ import annotations

from typing import TYPE_CHECKING

from NodeGraphQt.constants import Z_VAL_NODE

from studio.ui.canvas.items import (BYPASS_BORDER, CACHED_COLOR, DEFAULT_BORDER, ERROR_BORDER, ERROR_COLOR,
                                    ERROR_LINES, NOT_RUN_COLOR, RUN_BORDER, STATUS_LINES, TEXT_COLOR, WARN_COLOR,
                                    StatusItem)
from studio.ui.text import escape_html, fmt_seconds, shorten

RAISED_Z = Z_VAL_NODE + 2  # a failed node over its neighbours (NodeGraphQt: Z_VAL_NODE, + 1 when selected)

if TYPE_CHECKING:
    from studio.ui.canvas.api import CanvasApi


class RunBadges:
    """The run state of each node: its border colour and the status line under it (running,
    progress, time, cached, skipped, failed, not run, stale)."""

    def __init__(self, canvas: CanvasApi):
        self.canvas = canvas
        self._status: dict[str, StatusItem] = {}  # model id -> the status line under its node
        self._run_state: dict[str, dict] = {}     # model id -> {"text", "color", "progress", "error"}
        self._checks: dict[str, list] = {}        # model id -> [(level, words)] said while it is edited
        self._estimates: dict[str, str] = {}      # model id -> its time before a run (edit_checks.node_estimate)
        canvas.index.view_created.connect(self._view_created)
        canvas.index.view_removed.connect(self.forget)

    def _view_created(self, nid: str, ng) -> None:
        self.attach(nid, ng)
        self.refresh(nid)

    def reset(self) -> None:
        self._status.clear()
        self._run_state.clear()

    def attach(self, nid: str, ng) -> None:
        """A status line under a node the canvas just made."""
        st = StatusItem(ng.view)
        st.setPos(0, ng.view.boundingRect().height() + 1)
        self._status[nid] = st

    def set_check(self, nid: str, said: list) -> None:
        """What the node will not do as set (studio.engine.edit_checks), under it until its next run
        says otherwise: '⚠ ...' in amber (a warning) or red (it would not run), all of it in its tooltip."""
        if list(said) == self._checks.get(nid, []):
            return  # the same again (a selection asks anew): nothing to redraw
        if said:
            self._checks[nid] = list(said)
        else:
            self._checks.pop(nid, None)
        self.refresh(nid)

    def set_estimate(self, nid: str, words: str | None) -> None:
        """The node's time before a run ('time: about 2 min (load ..., 25 steps ..., decode ...)'), under it while it
        has not run (or its result is stale) and nothing is wrong with it, whole in its tooltip."""
        if (words or "") == self._estimates.get(nid, ""):
            return
        if words:
            self._estimates[nid] = words
        else:
            self._estimates.pop(nid, None)
        self.refresh(nid)

    def estimate(self, nid: str) -> str:
        return self._estimates.get(nid, "")

    def forget(self, nid: str) -> None:
        self._estimates.pop(nid, None)
        self._checks.pop(nid, None)
        self._status.pop(nid, None)
        self._run_state.pop(nid, None)

    def mark_stale(self, nid: str) -> None:
        """A node's parameter or mode changed: its result and those downstream are stale. Its own run's failure is
        gone (of the settings it had: the walk of issue 116 saw an old model's 'not found' stay under Load Video Model
        once another was set, beside Properties' words of the new one); what is wrong now is its checks' to say."""
        if (self._run_state.get(nid) or {}).get("error"):
            self._run_state.pop(nid)
        for m in {nid} | self.canvas.doc.graph.downstream(nid):
            st = self._run_state.get(m)
            if st and not st.get("error"):
                st["text"] = (st.get("text") or "").replace(" · stale", "") + " · stale"
        for m in {nid} | self.canvas.doc.graph.downstream(nid):
            self.refresh(m)

    def clear(self) -> None:
        self._run_state.clear()
        for nid in self.canvas.index.model_ids():
            self.refresh(nid)

    def set_running(self, nid: str) -> None:
        self._run_state[nid] = {"text": "running…", "progress": 0.0, "running": True}
        self.refresh(nid)

    def set_progress(self, nid: str, step: int, total: int | None, budget_end: int | None = None) -> None:
        """Cheap (one per frame): only the status item under the node is updated. A time budget
        that will stop the node before ``total`` is shown, and the bar fills towards it."""
        st = self._run_state.setdefault(nid, {"running": True})
        end = budget_end if budget_end is not None and total and budget_end < total else None
        st["progress"] = (step / (end or total)) if total else None
        st["text"] = ((f"{step}/{total}" + (f" · budget ≈{end}" if end else "")) if total else f"step {step}") \
            + (" · " + st["note"] if st.get("note") else "")
        item = self._status.get(nid)
        if item is None or not st.get("running"):
            self.refresh(nid)
            return
        item.set(st["text"], None, st["progress"])

    def set_finished(self, nid: str, seconds: float, cached: bool, extra: str = "") -> None:
        """Done: its time (or "cached"), then ``extra`` (the frames it made, its model in memory)."""
        text = "cached" if cached else fmt_seconds(seconds)
        self._run_state[nid] = {"text": text + (" · " + extra if extra else ""), "cached": cached}
        self.refresh(nid)

    def set_note(self, nid: str, text: str, warn: bool = False) -> None:
        """A line about a node (NodeNote, ModelStatus): beside the progress of a running node
        ("1/25 · about 40 min on the CPU…"), or in place of the status of a finished one
        ("model in memory on cuda · 4.5 GB")."""
        st = self._run_state.setdefault(nid, {})
        if st.get("running"):
            st["note"] = text
            st["text"] = (st.get("text", "running…").split(" · ")[0]) + " · " + text
        else:
            st["text"] = text
        if warn:
            st["color"] = WARN_COLOR
        self.refresh(nid)

    def set_failed(self, nid: str, message: str, short: str | None = None) -> None:
        self._run_state[nid] = {"text": "⚠ " + " ".join(str(short or message).split()), "error": message}
        self.refresh(nid)

    def set_skipped(self, nid: str, reason: str, is_output: bool = False) -> None:
        """Skipped, with the reason in full (wrapped under the node, whole in its tooltip); amber
        when the node is an output: a file the user asked for was not made."""
        self._run_state[nid] = {"text": "skipped: " + " ".join(str(reason).split()), "reason": reason,
                                "color": WARN_COLOR if is_output else NOT_RUN_COLOR}
        self.refresh(nid)

    def set_cost(self, nid: str, seconds: float, frames: int, extra: str = "", total: int = 0) -> None:
        """The time spent pulling frames through the node's lazy clip (``NodeCost``), which
        replaces the '<1 ms' it took to build the clip, the frames made ("8 of 48 frames" when
        the run made only part of its ``total``-frame clip); then ``extra`` (its model in memory)."""
        st = self._run_state.get(nid)
        if st is None or st.get("error") or st.get("running"):
            return
        made = (f" · {frames} of {total} frames" if total > frames else f" · {frames} frames") if frames else ""
        # a cached node whose clip made frames again for this run (its frames no longer held) stays said cached
        st["text"] = ("cached · " if st.get("cached") else "") + fmt_seconds(seconds) + made + (
            " · " + extra if extra else "")
        st["cost"] = seconds
        self.refresh(nid)

    def set_not_run(self, nid: str, hint: str, reason: str | None = None) -> None:
        """A node the run did not reach: a short ``hint`` under it (a long one crossed the wires
        below), why and what to do in its tooltip (``reason``, default the hint); also one that was
        running when the node whose clip it read failed."""
        if nid in self._run_state and not self._run_state[nid].get("running"):
            return
        self._run_state[nid] = {"text": hint, "reason": reason or hint, "color": NOT_RUN_COLOR, "not_run": True}
        self.refresh(nid)

    def state(self, nid: str) -> dict:
        return dict(self._run_state.get(nid, {}))

    def stop_running(self) -> None:
        for nid, st in list(self._run_state.items()):
            if st.get("running"):
                self._run_state[nid] = {"text": "stopped"}
                self.refresh(nid)

    def status_text(self, nid: str) -> str:
        st = self._status.get(nid)
        return st.text if st is not None else ""

    def refresh(self, nid: str) -> None:
        ng = self.canvas.index.view_of(nid)
        inst = self.canvas.doc.graph.nodes.get(nid)
        if ng is None or inst is None:
            return
        st = self._run_state.get(nid, {})
        error = st.get("error") or inst.error
        border = DEFAULT_BORDER
        if error:
            border = ERROR_BORDER
        elif st.get("running"):
            border = RUN_BORDER
        elif inst.mode == "bypass":
            border = BYPASS_BORDER
        ng.set_property("border_color", border, push_undo=False)
        disabled = inst.mode == "mute"
        if ng.disabled() != disabled:
            ng.set_property("disabled", disabled, push_undo=False)
        text = st.get("text", "")
        if inst.mode == "mute" and text == "skipped: muted":
            text = ""  # "muted · skipped: muted" says it twice
        if inst.mode != "normal":
            text = ("muted" if inst.mode == "mute" else "bypassed") + (" · " + text if text else "")
        if inst.error and not st.get("error"):
            text = "⚠ " + " ".join(str(inst.error).split())
        color = ERROR_COLOR if error else (CACHED_COLOR if st.get("cached") else st.get("color", TEXT_COLOR))
        checks = self._checks.get(nid, [])
        worst = next((c for c in checks if c[0] == "error"), checks[0]) if checks else None
        whole = bool(error)  # an error under the node wraps to be read whole
        ran = st.get("text") or ""  # a run's word stays unless it is stale, or the check is an error the run did not say
        if worst and not error and not st.get("running") and (not ran or ran.endswith("stale") or (
                worst[0] == "error" and not st.get("not_run") and not st.get("color"))):
            words = " ".join(worst[1].split()) if worst[0] == "error" else shorten(worst[1], 60)  # an error: whole
            text = "⚠ " + words + (f" (+{len(checks) - 1})" if len(checks) > 1 else "")
            color = ERROR_COLOR if worst[0] == "error" else WARN_COLOR
            whole = worst[0] == "error"
        elif self._estimates.get(nid) and not error and not st.get("running") and inst.mode == "normal" and (
                not ran or ran.endswith("stale")):  # before F5: its time here, in parts (foresee_time.py)
            text = self._estimates[nid] + (" · stale" if ran else "")
            color = NOT_RUN_COLOR
        item = self._status.get(nid)
        raised = ng.view.zValue() == RAISED_Z
        if whole != raised and not ng.view.isSelected():  # a wrapped error reads over the nodes below it
            ng.view.setZValue(RAISED_Z if whole else RAISED_Z - 2)
        if item is not None:
            item.setPos(0, ng.view.boundingRect().height() + 1)
            item.set(text, color, st.get("progress") if st.get("running") else None,
                     max_lines=ERROR_LINES if whole else STATUS_LINES)
        tip = f"<b>{inst.label}</b> <i>({inst.type_id}, id {nid})</i>"
        if inst.spec is not None and inst.spec.help:
            tip += "<br>" + inst.spec.help
        if error:
            tip += f"<br><span style='color:#ff6e6e'>{escape_html(error)}</span>"
        elif st.get("reason"):
            tip += f"<br><span style='color:#e6b450'>{escape_html(st['reason'])}</span>"
        if self._estimates.get(nid) and not error:
            tip += f"<br>{escape_html(self._estimates[nid])}"
        for level, words in checks if not error else ():
            tip += f"<br><span style='color:{'#ff6e6e' if level == 'error' else '#e6b450'}'>⚠ {escape_html(words)}</span>"
        ng.view.setToolTip(tip)
        ng.view.update()
