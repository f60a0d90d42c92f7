"""A run made in windows (windows.py) and what it keeps so that a Stop, a crash or an out-of-memory decode loses
nothing: finished windows (kept_windows.py), the last finished step (kept_steps.py, skip_steps.py, replay.py), the
sampled latents (kept_latents.py), each in a file that proves itself when read (kept_file.py). What a run will
take, said before it, is estimates/."""
