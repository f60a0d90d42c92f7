"""Benchmarks read the tiny models and clips they make in the system's temporary folder, a folder no graph
may read from or write into since reads are confined too (issue 76): every benchmark that imports this
package allows it for its own process (``STUDIO_ALLOWED_DIRS``, as ``--allow-dir`` would), unless the
caller set the variable; not inside the test suite. A benchmark run as a plain script without importing the package sets it itself."""
import os
import sys
import tempfile

if "pytest" not in sys.modules:  # a test importing a benchmark keeps its own folders (tests see only theirs)
    os.environ.setdefault("STUDIO_ALLOWED_DIRS", os.path.realpath(tempfile.gettempdir()))
