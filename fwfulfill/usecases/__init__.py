"""What fwfulfill does, one function per use case: plain arguments in, a result object out.

No typer, no rich, no terminal: the CLI builds the arguments and renders the result; a script can
call the same functions.
"""
