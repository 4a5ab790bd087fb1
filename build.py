#!/usr/bin/env python3
"""Build the wenji site: ``python build.py --help`` lists the options, ``python build.py import
--help`` those of the import of a dataset (routed here, so a build never loads its module)."""
import sys

# wenji's own modules keep their compiled form in __pycache__ beside them, as an installed
# package's do, even where the environment says not to write bytecode (PYTHONDONTWRITEBYTECODE,
# common in containers): compiling them again took 0.13-0.15 s of every build (0.30-0.37 s of
# start-up against 0.17-0.18 s), a sixth of a build of the seeds. A folder that cannot be
# written to is left alone by Python, which then compiles in memory as before.
sys.dont_write_bytecode = False

if sys.argv[1:2] == ["import"]:
    from wenji.import_command import run
else:
    from wenji.cli import run

if __name__ == "__main__":
    run()
