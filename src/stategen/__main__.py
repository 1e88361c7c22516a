"""`python -m stategen` runs the command line."""

from .cli import main

main()
