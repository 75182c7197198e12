"""The options of the `fwfulfill` root that may also be written after the command, and the step that
moves them to the front. Light: shell completion uses it without importing Typer."""

from __future__ import annotations

GLOBAL_FLAGS = frozenset({"--sandbox", "--no-color", "--verbose", "--wide"})
GLOBAL_VALUED = frozenset({"--profile", "--api-url", "--output", "-o"})


# `orders export --output FILE` names the file it writes: there `--output` and `-o` are the
# command's own.
OWN_OUTPUT_COMMANDS = (("orders", "export"),)
OWN_OUTPUT_NAMES = frozenset({"--output", "-o"})


def hoist_global_options(args: list[str]) -> list[str]:
    """Move global options found after the command name to the front, where the root parses them."""
    front: list[str] = []
    rest: list[str] = []
    own_output_from = own_output_start(args)
    index = 0
    while index < len(args):
        token = args[index]
        if token == "--":
            rest.extend(args[index:])
            break
        name = token.split("=", 1)[0]
        if own_output_from is not None and index > own_output_from and is_output_option(token):
            attached = token not in OWN_OUTPUT_NAMES  # --output=FILE, -oFILE
            rest.extend(args[index : index + (1 if attached else 2)])
            index += 1 if attached else 2
            continue
        is_flag = token in GLOBAL_FLAGS or (token.startswith("-v") and set(token[1:]) == {"v"})
        if is_flag or (name in GLOBAL_VALUED and "=" in token):
            front.append(token)
        elif token in GLOBAL_VALUED and index + 1 < len(args):
            front.extend(args[index : index + 2])
            index += 1
        elif token.startswith("-o") and len(token) > 2 and not token.startswith("--"):
            front.append(token)
        else:
            rest.append(token)
        index += 1
    return front + rest


def is_output_option(token: str) -> bool:
    """`--output`, `-o`, or either with its value attached (`--output=x`, `-ox`)."""
    return token.split("=", 1)[0] == "--output" or (
        token.startswith("-o") and not token.startswith("--")
    )


def own_output_start(args: list[str]) -> int | None:
    """The index of the command word after which `--output` is the command's own, if any."""
    words: list[tuple[int, str]] = []
    index = 0
    while index < len(args) and len(words) < 2:
        token = args[index]
        if token == "--":
            break
        if token in GLOBAL_VALUED:
            index += 2
            continue
        if not token.startswith("-"):
            words.append((index, token))
        index += 1
    if tuple(word for _, word in words) in OWN_OUTPUT_COMMANDS:
        return words[-1][0]
    return None
