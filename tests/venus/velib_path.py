"""Finds Victron's velib_python for the stand-ins in this folder and puts it on sys.path.

Order: the --velib argument, then $VELIB_PYTHON, then ../shared/venus/velib_python next to the
project root (this file is <root>/tests/venus/velib_path.py), where CI has it too.
Run the stand-ins with Debian's /usr/bin/python3: it has python3-dbus and python3-gi.
"""

import os
import sys


def add_velib(explicit=None):
    here = os.path.dirname(os.path.abspath(__file__))
    root = os.path.dirname(os.path.dirname(here))
    candidates = [explicit, os.environ.get('VELIB_PYTHON'),
                  os.path.join(os.path.dirname(root), 'shared', 'venus', 'velib_python')]
    for c in candidates:
        if c and os.path.isfile(os.path.join(c, 'vedbus.py')):
            sys.path.insert(1, c)
            return c
    sys.exit('velib_python not found (tried %s): pass --velib DIR'
             % ', '.join(c for c in candidates if c))
