#!/usr/bin/env python3
"""Build the wenji site: ``python build.py --help`` lists the options, ``python build.py import
--help`` those of the import of a dataset (routed here, so a build never loads its module)."""
import sys

if sys.argv[1:2] == ["import"]:
    from wenji.import_command import run
else:
    from wenji.cli import run

if __name__ == "__main__":
    run()
