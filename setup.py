"""Builds quote extraction as C extensions with mypyc; everything else is in pyproject.toml.

Extraction is most of the CPU a big import spends (bench/), and compiled it takes a quarter
less. Set PADDOCK_PURE_PYTHON=1 to install without compiling, on a machine with no C
compiler: the code and its results are the same either way.
"""

import os

from setuptools import setup

# Quote extraction, where import workers spend four fifths of their time
# (bot/work_ahead.py). Name finding (bot/mentions.py) already runs in C string and set
# methods and gains nothing. Makefile lists these too, so that editing one rebuilds it.
COMPILED = ["bot/quotes.py", "bot/quote_speakers.py"]

ext_modules = []
if os.environ.get("PADDOCK_PURE_PYTHON", "") in ("", "0"):
    from mypyc.build import mypycify

    # One shared library inside the package, so the installed `paddock` finds it.
    ext_modules = mypycify(COMPILED, group_name="bot.compiled")

setup(ext_modules=ext_modules)
