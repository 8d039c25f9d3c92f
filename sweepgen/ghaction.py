"""The steps of the repository's GitHub workflows that read untrusted text.

`python -m sweepgen.ghaction COMMAND` reads a dispatch input or an issue comment from an
environment variable (never from its own command line, so the shell never sees the text),
checks it against a strict grammar, and writes step outputs for the later steps:

- `e2e-args`: SWEEPGEN_COMMAND is a sweepgen command line (`full-sweep --model-prefix gptoss
  ...`); it is split like a shell splits words (quotes only: no expansion of any kind), its
  subcommand must be one of ALLOWED, and it runs in this process. Its matrix is cut into the
  workflow's fixed shard slots `matrix-1..N` of at most 256 entries each (`[]` for
  unused slots), with `total`.
- `check-names`: NAMES is `plan`'s list of matrix names; every one must be read by a job
  of the workflow, so that a new model (or kind of job) in the configs cannot be dropped in
  silence. The workflow names its jobs' matrices without the scenario the names start with
  (`--scenario 8k1k`: job `dsr1-eval-1` reads `8k1k-dsr1-eval-1`).
- `bump-comment`: COMMENT_BODY must be exactly `/bump-image KEY... NEW_IMAGE`.
- `bump-dispatch`: KEYS (space-separated) or OLD_IMAGE, and NEW_IMAGE.
  Both write `keys` (space-separated), `old-image` and `new-image`.

Entry keys and images are checked with the grammars of the master-config schema, so a
value that passes here is one `sweepgen bump-image` accepts too. Exit codes: 0 done,
1 the request was refused (one line on stderr), 2 usage errors.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import math
import os
import re
import shlex
import sys
from functools import cache
from typing import Any

from .records import record

ALLOWED = ("full-sweep", "test-config", "runner-model-sweep", "runner-sweep", "custom", "plan")
MAX_COMMAND = 2000
MAX_KEYS = 64
MAX_COMMENT = 4000

# Every character a sweepgen argument needs: option names, numbers, entry keys, model names
# (org/name), images (registry#path:tag@sha256:...), relative paths. Nothing a shell would
# treat specially survives this, though none of it ever reaches a shell.
SAFE_TOKEN = re.compile(r"[A-Za-z0-9_.,:=@+#/-]+")
COMMENT = re.compile(r"/bump-image((?: +\S+)+)")
# Options that would make the step write somewhere else than its own outputs.
REFUSED_OPTIONS = ("--github-output",)
# The files through which a step's commands set its outputs, later steps' environment and PATH.
STEP_FILES = ("GITHUB_OUTPUT", "GITHUB_ENV", "GITHUB_PATH")


class Refused(Exception):
    """A request that does not follow the grammar; the message is one line for the log."""


@record
class BumpRequest:
    keys: tuple[str, ...]
    old_image: str
    new_image: str

    def outputs(self) -> dict[str, str]:
        return {"keys": " ".join(self.keys), "old-image": self.old_image, "new-image": self.new_image}


def shown(text: str) -> str:
    """Untrusted text as it may appear in a log: quoted, escaped, short. A repr never holds
    a raw newline, so nothing in it can start a line that Actions reads as a command."""
    return repr(text if len(text) <= 60 else text[:57] + "...")


# ---------------------------------------------------------------------------- e2e-args

def parse_command_line(text: str) -> list[str]:
    """The arguments of an allow-listed sweepgen subcommand, or Refused."""
    if not text.strip():
        raise Refused("the command line is empty")
    if len(text) > MAX_COMMAND:
        raise Refused(f"the command line is longer than {MAX_COMMAND} characters")
    if any(ord(c) < 32 or ord(c) == 127 for c in text):
        raise Refused("the command line must be one line without control characters")
    try:
        args = shlex.split(text, comments=False, posix=True)
    except ValueError as exc:
        raise Refused(f"the command line cannot be split into words: {exc}") from None
    if args and args[0] == "sweepgen":
        args = args[1:]
    if not args or args[0] not in ALLOWED:
        given = shown(args[0]) if args else "nothing"
        raise Refused(f"the subcommand must be one of {', '.join(ALLOWED)}; got {given}")
    for arg in args[1:]:
        if not SAFE_TOKEN.fullmatch(arg):
            raise Refused(f"argument {shown(arg)} has characters outside letters, digits and _.,:=@+#/-")
        for part in arg.split("="):
            if part.startswith("/") or ".." in part.split("/"):
                raise Refused(f"argument {shown(arg)} names a path outside the checkout")
    refused = refused_option(args)
    if refused is not None:
        word, option = refused
        spelled = "" if word.split("=")[0] == option else f" ({shown(word)} stands for it)"
        raise Refused(f"{option} is not allowed here{spelled}: this step writes its own outputs")
    return args


def refused_option(args: list[str]) -> tuple[str, str] | None:
    """The first word (and the option it stands for) that names a refused option, as the
    subcommand's parser would read it: `--github-output`, `--github-output=x`, or any prefix of
    it that the subcommand's parser would expand (`--github-outp`, `--g`; see
    cli.common.unabbreviate), up to a bare `--`, after which words are no longer options. A
    prefix that is ambiguous between a refused option and another is refused too: it names the
    refused one as much as the other."""
    for word in args[1:]:
        if word == "--":
            return None
        name = word.split("=", 1)[0]
        if not name.startswith("--") or name == "--":
            continue
        for option in REFUSED_OPTIONS:
            known = _long_options(args[0])
            if name == option or (option in known and option.startswith(name) and name not in known):
                return word, option
    return None


@cache
def _long_options(subcommand: str) -> frozenset[str]:
    """The long option names of a sweepgen subcommand, as its parser knows them."""
    import click

    from sweepgen.cli import cli

    command = cli.get_command(click.Context(cli), subcommand)
    if command is None:
        return frozenset()
    return frozenset(opt for p in command.get_params(click.Context(command)) for opt in (*p.opts, *p.secondary_opts)
                     if opt.startswith("--"))


def run_sweepgen(args: list[str]) -> tuple[int, str]:
    """Run the sweepgen command line in this process; its exit code and its stdout.
    Its stderr (errors, lint reports) goes to the log as it is. The files through which a step
    sets outputs, environment variables and PATH are hidden from it, so that even an option
    the grammar missed could not write them: only this step writes its outputs."""
    from sweepgen.cli import main

    captured = io.StringIO()
    code: Any = 0
    hidden = {name: os.environ.pop(name) for name in STEP_FILES if name in os.environ}
    try:
        with contextlib.redirect_stdout(captured):
            try:
                main(args)
            except SystemExit as exc:
                code = exc.code
    finally:
        os.environ.update(hidden)
    if code is None:
        code = 0
    elif not isinstance(code, int):
        print(code, file=sys.stderr)
        code = 1
    return code, captured.getvalue()


def matrix_entries(stdout: str) -> list[dict[str, Any]]:
    """The jobs a subcommand printed: a JSON list of objects, or for plan an object of
    named lists (its groups, flattened in order)."""
    try:
        data = json.loads(stdout)
    except ValueError:
        raise Refused("the command printed no JSON matrix") from None
    if isinstance(data, dict):
        groups = [v for v in data.values() if isinstance(v, list)]
        data = [entry for group in groups for entry in group]
    if not isinstance(data, list) or not all(isinstance(entry, dict) for entry in data):
        raise Refused("the command printed something other than a list of matrix entries")
    return data


def shard(entries: list[dict[str, Any]], slots: int) -> list[list[dict[str, Any]]]:
    """Exactly `slots` lists of at most MAX_JOBS entries, in order, cut as `plan` cuts a
    group (balanced, contiguous); the unused ones empty."""
    from sweepgen.plan import MAX_JOBS, balanced

    needed = math.ceil(len(entries) / MAX_JOBS)
    if needed > slots:
        raise Refused(f"{len(entries)} jobs need {needed} matrices of at most {MAX_JOBS}; this workflow has "
                      f"{slots}: narrow the command line")
    cuts = balanced(len(entries), needed) if needed else []
    return [entries[start:stop] for start, stop in cuts] + [[] for _ in range(slots - needed)]


def e2e_args(slots: int) -> int:
    args = parse_command_line(os.environ.get("SWEEPGEN_COMMAND", ""))
    print("sweepgen " + shlex.join(args))
    code, stdout = run_sweepgen(args)
    if code != 0:
        raise Refused(f"sweepgen {args[0]} failed with exit code {code}")
    entries = matrix_entries(stdout)
    parts = shard(entries, slots)
    outputs = {f"matrix-{i}": json.dumps(part, separators=(",", ":")) for i, part in enumerate(parts, 1)}
    outputs["total"] = str(len(entries))
    write_outputs(outputs)
    used = sum(1 for part in parts if part)
    line = f"{len(entries)} job{'s' if len(entries) != 1 else ''} in {used} of {slots} matrices"
    print(line)
    write_summary(f"### E2E\n\n`sweepgen {shlex.join(args)}`: {line}\n")
    return 0


# ---------------------------------------------------------------------------- check-names

def unconsumed(names_json: str, scenario: str, consumed: list[str]) -> list[str]:
    """The planned matrices (NAMES, `plan`'s JSON list) that no job of the workflow reads;
    the workflow names its jobs' matrices without the `<scenario>-` prefix (a sequence length
    such as `1k1k`, or `agentic`)."""
    try:
        names = json.loads(names_json)
    except ValueError:
        raise Refused("NAMES is not the JSON list of matrix names that plan writes") from None
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
        raise Refused("NAMES is not the JSON list of matrix names that plan writes")
    wanted = {f"{scenario}-{c}" for c in consumed}
    return [n for n in names if n not in wanted]


def check_names(scenario: str, consumed: list[str]) -> int:
    left = unconsumed(os.environ.get("NAMES", ""), scenario, consumed)
    if left:
        raise Refused(f"no job of this workflow runs the planned matri{'ces' if len(left) > 1 else 'x'} "
                      f"{', '.join(left)}: add {'their jobs' if len(left) > 1 else 'its job'} to the workflow")
    print(f"every planned {scenario} matrix has its job")
    return 0


# ---------------------------------------------------------------------------- bump requests

@cache
def _grammar(defname: str) -> tuple[Any, str]:
    """The validator of a master-config `$defs` entry (of the newest version that defines it)
    and its human description."""
    from sweepgen.schemas import definition, subschema_validator

    version_name, found = definition(defname)
    return subschema_validator(version_name, "master-config", defname), str(found["x-sweepgen-expected"])


def check_keys(keys: list[str]) -> tuple[str, ...]:
    validator, expected = _grammar("token")
    if not keys:
        raise Refused("name at least one entry key")
    if len(keys) > MAX_KEYS:
        raise Refused(f"at most {MAX_KEYS} entry keys per request")
    for key in keys:
        if not validator.is_valid(key):
            raise Refused(f"{shown(key)} is not an entry key: expected {expected}")
    repeated = sorted({k for k in keys if keys.count(k) > 1})
    if repeated:
        raise Refused(f"entry key {shown(repeated[0])} is named twice")
    return tuple(keys)


def check_image(image: str, what: str) -> str:
    validator, expected = _grammar("image")
    if not validator.is_valid(image):
        raise Refused(f"{what} {shown(image)} is not an image: expected {expected}")
    return image


def parse_comment(body: str) -> BumpRequest:
    """`/bump-image KEY... NEW_IMAGE`, alone in the comment (surrounding blank space aside)."""
    text = body.strip()
    if len(text) > MAX_COMMENT:
        raise Refused(f"the comment is longer than {MAX_COMMENT} characters")
    if "\n" in text or "\r" in text:
        raise Refused("the comment must be the single line /bump-image KEY... NEW_IMAGE")
    match = COMMENT.fullmatch(text)
    if match is None:
        raise Refused("the comment must be /bump-image KEY... NEW_IMAGE (words separated by spaces)")
    words = match.group(1).split(" ")
    words = [w for w in words if w]
    if len(words) < 2:
        raise Refused("the comment must name at least one entry key and the new image")
    return BumpRequest(check_keys(words[:-1]), "", check_image(words[-1], "new image"))


def parse_dispatch(keys: str, old_image: str, new_image: str) -> BumpRequest:
    """The inputs of a manual run: entry keys (space-separated) or an old image, and the new image."""
    key_list = keys.split()
    old = old_image.strip()
    if bool(key_list) == bool(old):
        raise Refused("give either entry keys or an old image, not both and not neither")
    new = check_image(new_image.strip(), "new image")
    if key_list:
        return BumpRequest(check_keys(key_list), "", new)
    return BumpRequest((), check_image(old, "old image"), new)


def bump_comment() -> int:
    request = parse_comment(os.environ.get("COMMENT_BODY", ""))
    return _bump_outputs(request)


def bump_dispatch() -> int:
    env = os.environ
    request = parse_dispatch(env.get("KEYS", ""), env.get("OLD_IMAGE", ""), env.get("NEW_IMAGE", ""))
    return _bump_outputs(request)


def _bump_outputs(request: BumpRequest) -> int:
    write_outputs(request.outputs())
    target = " ".join(request.keys) if request.keys else f"entries using {request.old_image}"
    print(f"bump-image: {target} -> {request.new_image}")
    return 0


# ---------------------------------------------------------------------------- outputs

def write_outputs(outputs: dict[str, str]) -> None:
    """Step outputs to $GITHUB_OUTPUT, or to stdout outside Actions (for a dry run)."""
    from sweepgen.ghoutput import write_outputs as write

    target = os.environ.get("GITHUB_OUTPUT")
    if target:
        write(target, outputs)
    else:
        for name, value in outputs.items():
            print(f"{name}={value}")


def write_summary(markdown: str) -> None:
    target = os.environ.get("GITHUB_STEP_SUMMARY")
    if target:
        with open(target, "a", encoding="utf-8") as handle:
            handle.write(markdown)


# ---------------------------------------------------------------------------- entry point

def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="python -m sweepgen.ghaction", description="The steps of the repository's GitHub workflows that read untrusted text.")
    commands = top.add_subparsers(dest="command", required=True)
    e2e = commands.add_parser("e2e-args", help="Run the sweepgen command line in SWEEPGEN_COMMAND; shard its matrix.")
    e2e.add_argument("--slots", type=int, default=2, help="The workflow's shard slots (matrix-1..N).")
    names = commands.add_parser("check-names", help="Fail when a matrix in NAMES has no job in the workflow.")
    names.add_argument("--scenario", required=True,
                       help="What the planned matrix names start with, their scenario (e.g. 1k1k).")
    names.add_argument("consumed", nargs="+", help="The matrices the workflow's jobs read, without '<scenario>-'.")
    commands.add_parser("bump-comment", help="Parse /bump-image KEY... NEW_IMAGE from COMMENT_BODY.")
    commands.add_parser("bump-dispatch", help="Check KEYS or OLD_IMAGE, and NEW_IMAGE.")
    return top


def main(argv: list[str] | None = None) -> int:
    from sweepgen.ghoutput import OutputError

    options = parser().parse_args(argv)
    try:
        if options.command == "e2e-args":
            if options.slots < 1:
                parser().error("--slots must be at least 1")
            return e2e_args(options.slots)
        if options.command == "check-names":
            return check_names(options.scenario, options.consumed)
        if options.command == "bump-comment":
            return bump_comment()
        return bump_dispatch()
    except (Refused, OutputError) as exc:
        print(f"sweepgen: error: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
