"""The things fwfulfill does, as plain functions a script can call: connect to a shop, import a
tracking CSV into a plan, send a plan. No terminal, no Typer: each takes plain arguments and returns
a result object (the plan, the outcomes, the exit status they imply); the CLI asks and renders."""
