"""Issue 19: the README's commands are the real ones: every `newsdesk …` line of its code
blocks parses, and the slash commands its table lists are the registered ones with the
options it names."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
import simcord
from discord import app_commands

from bot.cli import parser

README = (Path(__file__).resolve().parent.parent / "README.md").read_text("utf-8")


def _command_lines() -> list[str]:
    """Indented code lines that run newsdesk, cut at a comment or a redirection."""
    lines = []
    for line in README.splitlines():
        if not line.startswith("    "):
            continue
        words = shlex.split(line.strip(), comments=True)
        if not words or Path(words[0]).name != "newsdesk":
            continue
        for i, word in enumerate(words):
            if word in ("<", ">", "|"):
                words = words[:i]
                break
        lines.append(shlex.join(words[1:]))
    return lines


COMMAND_LINES = _command_lines()


def test_the_readme_shows_the_commands_a_new_user_needs() -> None:
    named = {shlex.split(line)[0] for line in COMMAND_LINES}
    subcommands = set(parser()._subparsers._group_actions[0].choices)  # type: ignore[union-attr]
    assert subcommands - {"run"} <= named, subcommands - named  # `run` is inline, with Discord


@pytest.mark.parametrize("line", COMMAND_LINES)
def test_every_newsdesk_line_of_the_readme_parses(line: str) -> None:
    try:
        parser().parse_args(shlex.split(line))
    except SystemExit as exc:  # argparse's way of saying no
        pytest.fail(f"`newsdesk {line}` does not parse (exit {exc.code})")


def _readme_slash() -> dict[tuple[str, ...], set[str] | None]:
    """Each slash command of the README's table: its path, and the options it lists (None
    where it lists none)."""
    table = [row for row in README.splitlines() if row.startswith("| members")
             or row.startswith("| moderators") or row.startswith("| admins")]
    out: dict[tuple[str, ...], set[str] | None] = {}
    for row in table:
        for code in re.findall(r"`(/[^`]+)`", row):
            words = code.replace("\\|", "|").split()
            path, options = [words[0][1:]], set()
            for word in words[1:]:
                bare = word.strip("[]")
                if word.startswith("[") or bare.endswith(":"):
                    options.add(bare.rstrip(":"))
                else:
                    path.append(word)
            *head, last = path
            for leaf in last.split("|"):
                out[(*head, leaf)] = options or None
    return out


def _registered(commands: list) -> dict[tuple[str, ...], set[str]]:
    out: dict[tuple[str, ...], set[str]] = {}
    for command in commands:
        if isinstance(command, app_commands.Group):
            for path, options in _registered(command.commands).items():
                out[(command.name, *path)] = options
        else:
            out[(command.name,)] = {p.name for p in command.parameters}
    return out


async def test_the_readme_lists_the_registered_slash_commands_with_their_options(
        env: simcord.Env) -> None:
    registered = _registered(env.bot.tree.get_commands())
    listed = _readme_slash()
    assert set(listed) == set(registered), (set(listed) ^ set(registered))
    for path, options in listed.items():
        if options is not None:
            assert options == registered[path], (path, options, registered[path])
