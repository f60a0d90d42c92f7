"""What a video model's run will take, said before it starts: its time (before F5 on the node, and as a long take's
plan before its first step) and its GPU memory peak. Everything here is read from this machine's own measured runs
(times.py keeps them, phases.py splits each into loading, steps and decoding, records.py picks the nearest) and
scaled to the run asked for; no table of card speeds.

* foresee_time.py: a generator node's time before F5: this model's runs, else its family's, a kin's, or other
  families' scaled by cross_scale.py (a step by its multiply-adds over the tokens its folder's configs say:
  step_shape.py; a decode by its VAE's counted work: vae_work.py, decode_cost.py);
* times.py: the record each run writes, and the running estimate of a run under way; warm_scale.py and warm_decode.py: a
  warm run's encode and decode told from a cold first run alone;
* peaks.py: the run's memory peak on a CUDA card; take_time.py: a long take's plan, refused in words when hours.

What differs between families comes from the family's declared Cost (base/capabilities.py: how its step grows,
which config keys count its blocks, VAEs that keep every frame, windows it encodes, its own call shape, what its
first load starts), never from a table of class names here: a new family's estimates need nothing but its Cost.
The generator nodes ask through sampling/time_before.py (their settings as the run takes them); the running guard's
step arithmetic is base/step_time.py, base/work.py and base/estimate_figure.py (base/guard.py holds them: base may
not import this room). Plain Python: torch and diffusers only where imported already."""
