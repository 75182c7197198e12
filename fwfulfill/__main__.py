"""`python -m fwfulfill` runs the command-line interface."""

from fwfulfill.cli.app import main

main()
