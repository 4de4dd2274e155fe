"""`python -m incidents`."""

from .cli import run

run()
