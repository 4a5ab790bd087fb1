#!/usr/bin/env python3
"""Build the wenji site: ``python build.py --help`` lists the options, ``python build.py import
--help`` those of the import of a dataset (routed here, so a build never loads its module)."""
import gc
import os
import sys

# Imports make objects that live as long as the process: the cyclic garbage collector ran 57
# times while wenji was imported and freed nothing that mattered (550 objects), 8-16 ms of
# start-up. A build keeps it off anyway (``wenji.cli.run``, which turns it back on for ``serve``).
gc.disable()

# wenji's own modules keep their compiled form in __pycache__ beside them, as an installed
# package's do, even where the environment says not to write bytecode (PYTHONDONTWRITEBYTECODE,
# common in containers): compiling them again took 0.13-0.15 s of every build (0.30-0.37 s of
# start-up against 0.17-0.18 s), a sixth of a build of the seeds. A folder that cannot be
# written to is left alone by Python, which then compiles in memory as before.
sys.dont_write_bytecode = False

# numpy's OpenBLAS starts a thread per core when numpy is imported, which spins for a while
# waiting for work that never comes: wenji multiplies no float matrices (its sparse products are
# scipy's own loops), and its processes already use every core. On the seeds a build spent 0.07 s
# of CPU in that thread (perf: blas_thread_server), a tenth of a second core that the build's
# other processes use: 1.07 s of CPU rather than 1.14 s (medians of 20, alternating). A value
# the environment gives is kept.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

if sys.argv[1:2] == ["import"]:
    from wenji.import_command import run
    gc.enable()  # importing a dataset runs as usual
else:
    from wenji.cli import run

if __name__ == "__main__":
    run()
