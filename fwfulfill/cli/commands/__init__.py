"""One module per command of `fwfulfill`: a verb (`create`) or a noun and its verbs (`auth`).

Each module adds itself to the root app with `register(root)`; cli/app.py calls them in help order.
"""
