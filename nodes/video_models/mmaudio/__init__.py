"""MMAudio (Cheng et al., hkchengrex/MMAudio, MIT): a sound made for a video clip, or from words alone."""
