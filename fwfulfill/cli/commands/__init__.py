"""One module per command (noun or verb) of the `fwfulfill` command line."""
