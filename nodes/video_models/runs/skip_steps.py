"""A plain take (one pipeline call, no context windows) resumes from its last finished step too.

kept_steps.py keeps the latent and the scheduler's state of the last finished step when a run is
stopped; a re-run puts them back at the end of that step. The steps before it need no denoiser: a
hook on every denoiser of the pipeline (diffusers' ``ModelHook`` through ``HookRegistry``, on
``transformer`` and ``transformer_2``) returns zeros of the prediction's shape while the keeper says
the step under way was made by the stopped run, and calls the denoiser as it is otherwise. The
scheduler steps those zeros cheaply and its state is replaced at the kept step, so the take is the one
an uninterrupted run makes. The prediction's shape is the input's with the denoiser's
``out_channels`` on the family's channel axis (``BCTHW``: axis 1; ``packed`` tokens: the last) where the
family declares it (its ``ContextWindows``).

Elsewhere the shape is learned (``layout`` None): the first skipped call of each input shape runs the
denoiser, and its output, as zeros of the same structure (every tensor of it: a prediction in several
parts too), stands for the later ones. That one real call is thrown away like the zeros (the kept state
replaces what the skipped steps made), so the take is the same; it costs one step's denoiser call a
resume. The Sampler asks this only of a call whose picture's state the step callback holds (sampler.py
``plain_resumable``: its latents put back by the pipeline, one loop).

A family that makes sound in the same call (LTX-2, Kandinsky 6, Cosmos 3: its Outputs) samples sound latents
beside the picture's with a scheduler of their own, which the step callback does not hand over. Their steps are
replayed instead (:class:`Replay`): while a take is sampled, every part of each denoiser output but the first
(the picture's prediction) is held, in call order; a Stop keeps those of the kept steps with the step, and a
re-run hands them back in place of the denoiser's for the skipped steps (the picture's part zeros, as above).
The sound's own scheduler then steps the very predictions it stepped before, so its latents at the kept step
are the stopped run's, exactly. The parts held are the sound's predictions: small beside the picture's (LTX-2:
a few tens of kilobytes a call)."""
from __future__ import annotations

HOOK = "studio_kept_steps"


class Replay:
    """The parts of each denoiser output after the first (a sound's predictions), in call order: ``records``,
    each a list of tensors (None where the output held none); those of a kept run are handed back by
    :meth:`replayed` for its skipped calls, then every call's are held again by :meth:`record`. ``miss(why)``:
    kept records that do not fit the call (fewer calls, other shapes) are a miss of the kept steps (it raises)."""

    def __init__(self, miss):
        self.miss = miss
        self.records: list[list] = []
        self.at = 0  # the next kept record to hand back

    def clear(self) -> None:
        self.records, self.at = [], 0

    def record(self, out) -> None:
        self.records.append([None if t is None else t.detach().clone() for t in leaves(out)[1:]])

    def replayed(self, out):
        """``out`` (zeros in the output's structure) with its parts after the first as the kept call's."""
        if self.at >= len(self.records):
            self.miss("it holds fewer denoiser calls than this take makes in its kept steps")
        kept, self.at = self.records[self.at], self.at + 1
        parts = leaves(out)
        if len(kept) != len(parts) - 1 or any((a is None) != (b is None) or (a is not None and a.shape != b.shape)
                                              for a, b in zip(kept, parts[1:])):
            self.miss("its denoiser outputs are not of this take's shape")
        return with_leaves(out, parts[:1] + [None if t is None else t.to(p.device, p.dtype)
                                             for t, p in zip(kept, parts[1:])])

    # the kept file: tensors 'r.<call>.<part>' and the parts a call held (info["replay"])
    def tensors(self, n: int) -> tuple[dict, list[int]]:
        out = {}
        for j, rec in enumerate(self.records[:n]):
            for k, t in enumerate(rec):
                if t is not None:
                    out[f"r.{j}.{k}"] = t.to("cpu").contiguous()
        return out, [len(r) for r in self.records[:n]]

    def load(self, tensors: dict, counts) -> None:
        self.records = [[tensors.get(f"r.{j}.{k}") for k in range(n)] for j, n in enumerate(counts)]
        self.at = 0


def input_shapes(args: tuple, kwargs: dict) -> tuple:
    """The shape of a denoiser call's input latents; where it takes none by that name (Cosmos 3's packs its
    modalities' tokens in lists), the shapes of every tensor it is given."""
    from ..base.hooks import hidden_states_of
    if "hidden_states" in kwargs or args:
        return tuple(hidden_states_of(args, kwargs).shape)
    return tuple((k, tuple(t.shape)) for k, v in sorted(kwargs.items()) for t in leaves(v) if t is not None)


def leaves(out) -> list:
    """The tensors of a denoiser output (a tensor, a tuple, a list, an output object) in order, None for its
    other leaves."""
    import torch
    if isinstance(out, torch.Tensor):
        return [out]
    if isinstance(out, (tuple, list)):
        return [x for v in out for x in leaves(v)]
    if isinstance(out, dict):
        return [x for v in out.values() for x in leaves(v)]
    return [None]


def with_leaves(out, new: list):
    """``out`` with its leaves (as :func:`leaves` lists them) replaced by ``new``, in order."""
    import torch
    it = iter(new)

    def put(v):
        if isinstance(v, torch.Tensor) or not isinstance(v, (tuple, list, dict)):
            x = next(it)
            return v if x is None and not isinstance(v, torch.Tensor) else x
        if isinstance(v, dict):
            return type(v)(**{k: put(x) for k, x in v.items()})
        return type(v)(put(x) for x in v)
    return put(out)


def make_hook(layout: str | None, skip, replay: Replay | None = None):
    from diffusers.hooks import ModelHook

    from ..base.hooks import hidden_states_of, no_prediction

    class _Skip(ModelHook):
        def __init__(self):
            super().__init__()
            self.learned: dict = {}  # (input shape, return_dict) -> zeros in the structure of the output

        def new_forward(self, module, *args, **kwargs):
            if not skip():
                out = self.fn_ref.original_forward(*args, **kwargs)
                if replay is not None:
                    replay.record(out)
                return out
            if layout is not None and replay is None:
                return no_prediction(module, hidden_states_of(args, kwargs), layout, kwargs.get("return_dict", True))
            key = (input_shapes(args, kwargs), kwargs.get("return_dict", True))
            if key not in self.learned:
                out = self.fn_ref.original_forward(*args, **kwargs)
                self.learned[key] = zeros_like_output(out)
                return out if replay is None else replay.replayed(out)
            return self.learned[key] if replay is None else replay.replayed(self.learned[key])
    return _Skip()


def zeros_like_output(out):
    """``out`` (a denoiser's output: a tensor, a tuple, a list, an output object) with every tensor as zeros."""
    import torch
    if isinstance(out, torch.Tensor):
        return torch.zeros_like(out)
    if isinstance(out, (tuple, list)):
        return type(out)(zeros_like_output(v) for v in out)
    if isinstance(out, dict):  # diffusers' BaseOutput: an ordered dict of its fields
        return type(out)(**{k: zeros_like_output(v) for k, v in out.items()})
    return out


def kept_steps_skipped(pipe, layout: str | None, skip, replay: Replay | None = None):
    """The hook on every denoiser of ``pipe`` inside the block (base.hooks: removed however it ends); with
    ``replay``, the outputs' parts after the first held and handed back (the module's docstring)."""
    from ..base.hooks import denoiser_hooks
    return denoiser_hooks(pipe, HOOK, lambda mod: make_hook(layout, skip, replay))
