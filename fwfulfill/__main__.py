"""`python -m fwfulfill` runs the command-line interface."""

from fwfulfill.cli.entry import main

main()
