"""A take stopped in its steps resumes with its sound too.

A family that makes sound in the same call (LTX-2, Kandinsky 6, Cosmos 3: its Outputs) samples sound latents
beside the picture's with a scheduler of their own, which the step callback does not hand over: the kept step
(kept_steps.py) restores the picture's alone. The sound's steps are replayed instead (:class:`Replay`, fed by
the hook of skip_steps.py): while a take is sampled, every part of each denoiser output but the first (the
picture's prediction) is held, in call order; a Stop keeps those of the kept steps with the step, and a re-run
hands them back in place of the denoiser's for the skipped steps (the picture's part zeros, its state put back
at the kept step).
The sound's own scheduler then steps the very predictions it stepped before, so its latents at the kept step
are the stopped run's, exactly. The parts held are the sound's predictions: small beside the picture's (LTX-2:
a few tens of kilobytes a call)."""
from __future__ import annotations


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
