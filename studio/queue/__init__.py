"""One queue of render jobs for the window, the command line and the server (studio.serve): plain
Python, no Qt. A job is a graph plus overrides; the queue keeps them on disk (store.py), runs them one
at a time on the device (queue.py, run.py) and tells listeners what happens."""
