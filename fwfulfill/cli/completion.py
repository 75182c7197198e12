"""Shell completion answered from a table of the commands and options, without importing Typer.

One TAB runs `fwfulfill` with `_FWFULFILL_COMPLETE=complete_<shell>`. Importing Typer (and, from
typer 0.26 on, pydantic) would cost more than the answer, so the console script asks `answer()`
first: it reads the committed table (completion_table.py, generated from the Typer app) and replies
in the format of Typer's completion scripts in completions/. Anything it is not sure of (`--`,
`--opt=value`, `-vv`, an unknown option or command, an eager option such as --version) returns
None, and the Typer app answers as before. Regenerate the table after changing a command or option:

    .venv/bin/python -m fwfulfill.cli.completion

tests/test_typer_support.py fails when the committed table differs from the app, and checks the
answers against Typer's own.
"""

from __future__ import annotations

import re

from fwfulfill.cli.global_options import (
    GLOBAL_FLAGS,
    GLOBAL_VALUED,
    hoist_global_options,
    own_output_start,
)

TYPE_CHECKING = False  # not typing's: importing typing costs a TAB about 10 ms
if TYPE_CHECKING:
    from collections.abc import Mapping
    from pathlib import Path
    from typing import Any, TypeAlias, TypedDict

    class OptionEntry(TypedDict):
        opts: list[str]
        secondary: list[str]
        help: str | None
        takes_value: bool  # False for flags and counters
        multiple: bool
        eager: bool  # --help, --version: they act even while completing, so Typer answers
        hidden: bool
        dynamic: bool  # has its own autocompletion function: Typer answers
        choices: list[str] | None
        case_sensitive: bool
        source: str | None  # values read at the TAB (completion_values.DYNAMIC_SOURCES)

    class ArgumentEntry(TypedDict):
        nargs: int
        dynamic: bool
        choices: list[str] | None
        case_sensitive: bool

    class CommandEntry(TypedDict):
        help: str  # the short help Typer shows beside a command name
        hidden: bool
        options: list[OptionEntry]
        arguments: list[ArgumentEntry]
        commands: dict[str, CommandEntry]

    Item: TypeAlias = tuple[str, str | None]  # a completion and its help

COMPLETE_VAR = "_FWFULFILL_COMPLETE"
_WHITESPACE = re.compile(r"\s")
_SHELLS = ("bash", "zsh", "fish", "powershell", "pwsh")


class _Unsure(Exception):
    """The table cannot answer this one exactly; the Typer app will."""


class _Values(list):  # type: ignore[type-arg]  # `typing` is not imported at a TAB
    """The values of an option that has a known set (statuses, profiles): when none match, zsh
    offers nothing rather than file names."""


# ---- answering -----------------------------------------------------------------------------------


def answer(environ: Mapping[str, str], table: CommandEntry | None = None) -> tuple[str, int] | None:
    """(text for stdout, exit code) for a completion request, or None when Typer must answer."""
    instruction = environ.get(COMPLETE_VAR, "")
    action, _, shell = instruction.partition("_")  # Typer's style: complete_bash, source_zsh
    if action != "complete" or shell not in _SHELLS:
        return None  # not a TAB, or `source_<shell>`: Typer prints the script
    if table is None:
        from fwfulfill.cli.completion_table import TABLE

        table = TABLE
    args, incomplete = _completion_args(shell, environ)
    try:
        items = complete(table, args, incomplete)
    except _Unsure:
        return None
    return _format(shell, items, environ, values_only=isinstance(items, _Values))


def exit_if_answered(environ: Mapping[str, str]) -> None:
    """Print the answer and exit when this run is a TAB the table can answer; else return."""
    answered = answer(environ)
    if answered is None:
        return
    text, code = answered
    import sys

    sys.stdout.write(text)
    sys.stdout.flush()
    raise SystemExit(code)


def complete(root: CommandEntry, args: list[str], incomplete: str) -> list[Item]:
    """What click's completion offers for `fwfulfill ARGS INCOMPLETE` (ARGS: words before it)."""
    if "--" in args or incomplete == "=" or (incomplete.startswith("-") and "=" in incomplete):
        raise _Unsure
    # `orders export --output FILE` (or `-o FILE`): there the option is the command's own.
    start = own_output_start(args)
    own_output = args[-1:] in (["--output"], ["-o"]) and start is not None and len(args) - 1 > start
    if args and args[-1] in GLOBAL_VALUED and not own_output:  # a global option's value
        _resolve(root, args[:-1])  # what comes before must parse
        return _values(_option_named(root, args[-1])[1], incomplete)
    command, given, positionals, root_given = _resolve(root, args)
    if incomplete.startswith("-"):
        return _names(command, given, incomplete) + _globals(root, command, root_given, incomplete)
    if args and args[-1].startswith("-"):  # the value of the option just before the cursor
        for option in command["options"]:
            if option["takes_value"] and args[-1] in option["opts"]:
                return _values(option, incomplete)
    if positionals < len(command["arguments"]):
        return _values(command["arguments"][positionals], incomplete)
    return _names(command, given, incomplete)


def _globals(
    root: CommandEntry, command: CommandEntry, given: set[int], incomplete: str
) -> list[Item]:
    """After the command, the global options not given yet: they are accepted there too."""
    if command is root:
        return []
    items: list[Item] = []
    for number, option in enumerate(root["options"]):
        names = [name for name in option["opts"] if name in GLOBAL_FLAGS or name in GLOBAL_VALUED]
        if number in given or not names:
            continue
        items.extend(
            (name, option["help"]) for name in option["opts"] if name.startswith(incomplete)
        )
    return items


def _resolve(root: CommandEntry, args: list[str]) -> tuple[CommandEntry, set[int], int, set[int]]:
    """The innermost command ARGS reach, the options given to it (by index), its positionals, and
    the global options given (by index in the root's options).

    Parses as click does: a group stops at its first positional (the subcommand), a command takes
    options between its arguments; the root first moves global options to the front.
    """
    command = root
    tokens = hoist_global_options(list(args))
    root_given: set[int] | None = None
    while True:
        is_group = bool(command["commands"])
        given: set[int] = set()
        positionals: list[str] = []
        index = 0
        while index < len(tokens):
            token = tokens[index]
            if token.startswith("-") and len(token) > 1:
                number, option = _option_named(command, token)
                given.add(number)
                index += 2 if option["takes_value"] else 1  # a missing value ends the parse
                continue
            if is_group:
                break
            positionals.append(token)
            index += 1
        rest = tokens[index:] if is_group else []
        if root_given is None:
            root_given = given
        if not rest:
            return command, given, len(positionals), root_given
        if rest[0] not in command["commands"]:
            raise _Unsure  # click would look for an error to report
        command, tokens = command["commands"][rest[0]], rest[1:]


def _option_named(command: CommandEntry, token: str) -> tuple[int, OptionEntry]:
    for number, option in enumerate(command["options"]):
        if token in option["opts"] or token in option["secondary"]:
            if option["eager"]:
                raise _Unsure
            return number, option
    raise _Unsure  # unknown, `-vv`, `-ojson` or `--opt=value`: not worth copying click's parser


def _names(command: CommandEntry, given: set[int], incomplete: str) -> list[Item]:
    """Subcommand names, then (when INCOMPLETE starts like an option) option names not yet given."""
    items: list[Item] = [
        (name, sub["help"])
        for name, sub in command["commands"].items()
        if name.startswith(incomplete) and not sub["hidden"]
    ]
    if incomplete and not incomplete[0].isalnum():
        for number, option in enumerate(command["options"]):
            if option["hidden"] or (number in given and not option["multiple"]):
                continue
            names = [*option["opts"], *option["secondary"]]
            items.extend((name, option["help"]) for name in names if name.startswith(incomplete))
    return items


def _values(parameter: OptionEntry | ArgumentEntry, incomplete: str) -> list[Item]:
    if parameter["dynamic"]:
        raise _Unsure
    choices = parameter["choices"]
    if parameter.get("source") == "profiles":
        from fwfulfill.cli.completion_values import profile_names

        choices = profile_names()
    if choices is None:
        return []  # free text or a path: the shell offers files
    if parameter["case_sensitive"]:
        return _Values((choice, None) for choice in choices if choice.startswith(incomplete))
    lowered = incomplete.lower()
    return _Values((choice, None) for choice in choices if choice.lower().startswith(lowered))


# ---- the shells' side: what Typer's completion scripts send and expect --------------------------


def _split(line: str) -> list[str]:
    """Words as click splits them (shlex; an unfinished quote keeps its partial word)."""
    import shlex

    lexer = shlex.shlex(line, posix=True)
    lexer.whitespace_split = True
    lexer.commenters = ""
    words: list[str] = []
    try:
        words.extend(lexer)
    except ValueError:
        words.append(lexer.token)
    return words


def _completion_args(shell: str, environ: Mapping[str, str]) -> tuple[list[str], str]:
    if shell == "bash":
        words = _split(environ.get("COMP_WORDS", ""))
        cword = int(environ.get("COMP_CWORD", "0"))
        return words[1:cword], words[cword] if cword < len(words) else ""
    line = environ.get("_TYPER_COMPLETE_ARGS", "")
    words = _split(line)[1:]
    if shell in ("powershell", "pwsh"):
        incomplete = environ.get("_TYPER_COMPLETE_WORD_TO_COMPLETE", "")
        return (words[:-1] if incomplete else words), incomplete
    if words and not line.endswith(" "):
        return words[:-1], words[-1]
    return words, ""


def _zsh_escape(text: str) -> str:
    return (
        text.replace('"', '""')
        .replace("'", "''")
        .replace("$", "\\$")
        .replace("`", "\\`")
        .replace(":", r"\\:")
    )


def _format(
    shell: str, items: list[Item], environ: Mapping[str, str], *, values_only: bool = False
) -> tuple[str, int]:
    """The text Typer would print (its echo ends it with a newline) and the exit code."""
    if shell == "bash":
        return "\n".join(value for value, _ in items) + "\n", 0
    if shell == "zsh":
        if not items:
            return ("_arguments '*: :(())'\n" if values_only else "_files\n"), 0
        lines = [
            f'"{_zsh_escape(value)}":"{_zsh_escape(help)}"' if help else f'"{_zsh_escape(value)}"'
            for value, help in items
        ]
        joined = "\n".join(lines)
        return f"_arguments '*: :(({joined}))'\n", 0
    if shell == "fish":
        action = environ.get("_TYPER_COMPLETE_FISH_ACTION", "")
        if action == "is-args":  # exit 0: complete these; 1: let fish offer files
            return "", 0 if items else 1
        lines = [
            f"{value}\t{_WHITESPACE.sub(' ', help)}" if help else value for value, help in items
        ]
        return ("\n".join(lines) if action == "get-args" else "") + "\n", 0
    lines = [f"{value}:::{help or ' '}" for value, help in items]  # PowerShell
    return "\n".join(lines) + "\n", 0


# ---- building the table from the Typer app -------------------------------------------------------


def build_table() -> CommandEntry:
    """The table of the Typer app as it is now (imports Typer and every command module)."""
    import typer.main

    from fwfulfill.cli.app import app

    group = typer.main.get_command(app)
    context = group.make_context("fwfulfill", [], resilient_parsing=True)
    return _entry(group, context)


def _entry(command: Any, context: Any) -> CommandEntry:
    params = command.get_params(context)
    commands: dict[str, CommandEntry] = {}
    names = command.list_commands(context) if hasattr(command, "commands") else []
    for name in names:
        sub = command.get_command(context, name)
        sub_context = sub.make_context(name, [], parent=context, resilient_parsing=True)
        commands[name] = _entry(sub, sub_context)
    return {
        "help": command.get_short_help_str(),
        "hidden": bool(command.hidden),
        "options": [_option(p, context) for p in params if p.param_type_name == "option"],
        "arguments": [_argument(p) for p in params if p.param_type_name == "argument"],
        "commands": commands,
    }


def _choices(param: Any) -> tuple[list[str] | None, bool]:
    descriptor = getattr(param, "type_descriptor", None)  # typer >= 0.26
    source = descriptor if descriptor is not None else param.type  # else a click ParamType
    choices = getattr(source, "choices", None)
    if choices is None:
        return None, True
    values = [str(getattr(choice, "value", choice)) for choice in choices]
    return values, bool(getattr(source, "case_sensitive", True))


def _option(param: Any, context: Any) -> OptionEntry:
    from fwfulfill.cli.completion_values import DYNAMIC_SOURCES

    choices, case_sensitive = _choices(param)
    custom = getattr(param, "_custom_shell_complete", None) is not None
    source = next((DYNAMIC_SOURCES[name] for name in param.opts if name in DYNAMIC_SOURCES), None)
    if custom and source is None:  # a fixed list (completion_values): baked into the table
        choices = [item.value for item in param.shell_complete(context, "")]
        case_sensitive = True  # as click filters them
    if param.nargs != 1:
        raise ValueError(f"{param.opts}: nargs {param.nargs} is not in the completion table")
    opts = list(param.opts)
    if param.name == "help":  # click builds these from a set: its order changes between runs
        opts = [name for name in context.help_option_names if name in opts]
    return {
        "opts": opts,
        "secondary": list(param.secondary_opts),
        "help": param.help,
        "takes_value": not (param.is_flag or param.count),
        "multiple": bool(param.multiple),
        "eager": bool(param.is_eager),
        "hidden": bool(param.hidden),
        "dynamic": False,
        "choices": choices,
        "case_sensitive": case_sensitive,
        "source": source,
    }


def _argument(param: Any) -> ArgumentEntry:
    choices, case_sensitive = _choices(param)
    if param.nargs != 1:
        raise ValueError(f"{param.name}: nargs {param.nargs} is not in the completion table")
    return {
        "nargs": param.nargs,
        "dynamic": getattr(param, "_custom_shell_complete", None) is not None,
        "choices": choices,
        "case_sensitive": case_sensitive,
    }


def render_table(table: CommandEntry) -> str:
    """The source of completion_table.py for TABLE."""
    import pprint

    body = pprint.pformat(table, width=320, sort_dicts=False)
    return (
        '"""Generated by `python -m fwfulfill.cli.completion` from the Typer app; do not edit.\n\n'
        "The commands and options shell completion answers from (see completion.py).\n"
        '"""\n\n'
        "from __future__ import annotations\n\n"
        "TYPE_CHECKING = False  # not typing's: a TAB would pay for importing it\n"
        "if TYPE_CHECKING:\n"
        "    from fwfulfill.cli.completion import CommandEntry\n\n"
        f"TABLE: CommandEntry = {body}\n"
    )


def table_file() -> Path:
    from pathlib import Path

    return Path(__file__).with_name("completion_table.py")


def main() -> None:
    table_file().write_text(render_table(build_table()), encoding="utf-8")
    print(f"wrote {table_file()}")


if __name__ == "__main__":
    main()
