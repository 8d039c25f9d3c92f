"""A small evaluator of GitHub Actions expressions (`${{ ... }}`), for the workflow tests:
literals, contexts with `.name`, `['name']` and `.*` filters, `!`, `==`, `!=`, `&&`, `||`,
parentheses, and the functions the workflows use (fromJSON, toJSON, join, format, contains,
startsWith). It follows GitHub's documented semantics: `&&`/`||` return an operand, falsy is
false, 0, '', null; string comparisons ignore case; values print as GitHub prints them (null
as '', numbers without a needless '.0', toJSON pretty-printed with two spaces).

`render(text, contexts)` replaces every `${{ ... }}` of a string, as Actions does for `env:`,
`with:`, `name:` and `concurrency:` values. An expression outside this subset raises
`Unsupported`, so a workflow that starts using one makes the tests say so, never guess.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from typing import Any, Callable

import pytest

TOKEN = re.compile(r"\s*(?:(?P<num>-?\d+(?:\.\d+)?)|(?P<str>'(?:[^']|'')*')|(?P<op>==|!=|&&|\|\||[!()\[\].,*])"
                   r"|(?P<name>[A-Za-z_][A-Za-z0-9_-]*))")


class Unsupported(Exception):
    """An expression this evaluator does not read."""


@lru_cache(maxsize=None)
def tokens(text: str) -> tuple[tuple[str, str], ...]:
    out, i = [], 0
    while i < len(text):
        if text[i:].strip() == "":
            break
        m = TOKEN.match(text, i)
        if m is None or m.end() == i:
            raise Unsupported(f"cannot read {text[i:]!r} in {text!r}")
        kind = next(k for k in ("num", "str", "op", "name") if m.group(k) is not None)
        out.append((kind, m.group(kind)))
        i = m.end()
    return tuple(out)


def truthy(v: Any) -> bool:
    return not (v is None or v is False or v == 0 and not isinstance(v, bool) or v == "")


def text(v: Any) -> str:
    """A value as GitHub prints it in a string."""
    if v is None:
        return ""
    if v is True or v is False:
        return "true" if v else "false"
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    if isinstance(v, (int, float)):
        return str(v)
    if isinstance(v, list):
        return "Array"
    if isinstance(v, dict):
        return "Object"
    return str(v)


def equal(a: Any, b: Any) -> bool:
    if isinstance(a, str) and isinstance(b, str):
        return a.lower() == b.lower()
    if type(a) is type(b) or a is None or b is None:
        return bool(a == b)
    def number(v: Any) -> float:
        if v is None:
            return 0.0
        if isinstance(v, bool):
            return float(v)
        try:
            return float(v) if not isinstance(v, (list, dict)) else float("nan")
        except ValueError:
            return float("nan")
    return number(a) == number(b)


@lru_cache(maxsize=64)
def from_json(source: str) -> Any:
    """Parsed once per text (the workflows read one input many times); callers never mutate it."""
    return json.loads(source)


def to_json(v: Any) -> str:
    return json.dumps(v, indent=2)


def call(name: str, args: list[Any]) -> Any:
    fn = name.lower()
    if fn == "fromjson":
        return from_json(args[0])
    if fn == "tojson":
        return to_json(args[0])
    if fn == "join":
        sep = text(args[1]) if len(args) > 1 else ","
        return sep.join(text(x) for x in args[0]) if isinstance(args[0], list) else text(args[0])
    if fn == "format":
        def field(m: re.Match[str]) -> str:
            if m.group(0) in ("{{", "}}"):
                return m.group(0)[0]
            return text(args[1 + int(m.group(1))])
        return re.sub(r"\{\{|\}\}|\{(\d+)\}", field, text(args[0]))
    if fn == "contains":
        hay, needle = args
        if isinstance(hay, list):
            return any(equal(x, needle) for x in hay)
        return text(needle).lower() in text(hay).lower()
    if fn == "startswith":
        return text(args[0]).lower().startswith(text(args[1]).lower())
    raise Unsupported(f"function {name}()")


Compiled = Callable[[dict[str, Any]], Any]


class Parser:
    """Compiles an expression once into a function of the contexts."""

    def __init__(self, source: str) -> None:
        self.items = tokens(source)
        self.i = 0
        self.source = source

    def peek(self) -> str | None:
        return self.items[self.i][1] if self.i < len(self.items) else None

    def take(self, want: str | None = None) -> tuple[str, str]:
        if self.i >= len(self.items) or (want is not None and self.items[self.i][1] != want):
            raise Unsupported(f"expected {want!r} in {self.source!r}")
        self.i += 1
        return self.items[self.i - 1]

    def parse(self) -> Compiled:
        value = self.or_()
        if self.i != len(self.items):
            raise Unsupported(f"trailing {self.items[self.i][1]!r} in {self.source!r}")
        return value

    def or_(self) -> Compiled:
        value = self.and_()
        while self.peek() == "||":
            self.take()
            left, right = value, self.and_()
            value = lambda c, left=left, right=right: (lambda v: v if truthy(v) else right(c))(left(c))  # noqa: E731
        return value

    def and_(self) -> Compiled:
        value = self.compare()
        while self.peek() == "&&":
            self.take()
            left, right = value, self.compare()
            value = lambda c, left=left, right=right: (lambda v: right(c) if truthy(v) else v)(left(c))  # noqa: E731
        return value

    def compare(self) -> Compiled:
        value = self.unary()
        while self.peek() in ("==", "!="):
            op = self.take()[1]
            left, right = value, self.unary()
            if op == "==":
                value = lambda c, left=left, right=right: equal(left(c), right(c))  # noqa: E731
            else:
                value = lambda c, left=left, right=right: not equal(left(c), right(c))  # noqa: E731
        return value

    def unary(self) -> Compiled:
        if self.peek() == "!":
            self.take()
            inner = self.unary()
            return lambda c: not truthy(inner(c))
        return self.postfix(self.primary())

    def primary(self) -> Compiled:
        kind, tok = self.take()
        if tok == "(":
            value = self.or_()
            self.take(")")
            return value
        if kind == "num":
            number = float(tok) if "." in tok else int(tok)
            return lambda c: number
        if kind == "str":
            string = tok[1:-1].replace("''", "'")
            return lambda c: string
        if kind != "name":
            raise Unsupported(f"unexpected {tok!r} in {self.source!r}")
        if tok in ("true", "false", "null"):
            constant = {"true": True, "false": False, "null": None}[tok]
            return lambda c: constant
        if self.peek() == "(":
            self.take("(")
            args = []
            while self.peek() != ")":
                args.append(self.or_())
                if self.peek() == ",":
                    self.take()
            self.take(")")
            if tok.lower() not in KNOWN:
                raise Unsupported(f"function {tok}() in {self.source!r}")
            return lambda c: call(tok, [a(c) for a in args])

        def context(c: dict[str, Any]) -> Any:
            if tok not in c:
                raise Unsupported(f"context {tok!r} in {self.source!r}")
            return c[tok]
        return context

    def postfix(self, value: Compiled) -> Compiled:
        while self.peek() in (".", "["):
            if self.take()[1] == ".":
                if self.peek() == "*":
                    self.take()
                    self.take(".")
                    name = self.take()[1]
                    value = lambda c, value=value, name=name: star(value(c), name)  # noqa: E731
                    continue
                key = self.take()[1]
                value = lambda c, value=value, key=key: member(value(c), key)  # noqa: E731
            else:
                index = self.or_()
                self.take("]")
                value = lambda c, value=value, index=index: member(value(c), index(c))  # noqa: E731
        return value


KNOWN = {"fromjson", "tojson", "join", "format", "contains", "startswith"}


def star(value: Any, name: str) -> list[Any]:
    items = value if isinstance(value, list) else list(value.values()) if isinstance(value, dict) else []
    return [item.get(name) for item in items if isinstance(item, dict)]


def member(value: Any, key: Any) -> Any:
    if isinstance(value, dict):
        if isinstance(key, str):
            if key in value:
                return value[key]
            for k, v in value.items():
                if k.lower() == key.lower():
                    return v
        return None
    if isinstance(value, list) and isinstance(key, int) and 0 <= key < len(value):
        return value[key]
    return None


@lru_cache(maxsize=None)
def compiled(expression: str) -> Compiled:
    return Parser(expression).parse()


def evaluate(expression: str, contexts: dict[str, Any]) -> Any:
    return compiled(expression)(contexts)


def render(value: Any, contexts: dict[str, Any]) -> Any:
    """A workflow value with its `${{ }}` replaced: a value that is one expression keeps the
    expression's type (as in `with:` and `if:`); text around expressions makes a string."""
    if not isinstance(value, str) or "${{" not in value:
        return value
    whole = re.fullmatch(r"\s*\$\{\{(.*?)\}\}\s*", value, re.S)
    if whole and "${{" not in whole.group(1):
        return evaluate(whole.group(1), contexts)
    return re.sub(r"\$\{\{(.*?)\}\}", lambda m: text(evaluate(m.group(1), contexts)), value, flags=re.S)


def env_text(value: Any, contexts: dict[str, Any]) -> str:
    """An `env:` value as the process sees it."""
    return text(render(value, contexts))


# --------------------------------------------------------------------------- the evaluator itself

CONTEXTS = {"inputs": {"config": json.dumps({"a-b": 1, "list": [1, 2], "obj": {"k": "V"}, "no": False})},
            "github": {"event": {"labels": [{"name": "x"}, {"name": "Run-Sweep"}], "action": "labeled"},
                       "run_id": 7}}


@pytest.mark.parametrize("expression, value", [
    ("fromJSON(inputs.config).a-b", 1),
    ("fromJSON(inputs.config)['a-b']", 1),
    ("fromJSON(inputs.config).missing", None),
    ("fromJSON(inputs.config).missing.deeper", None),
    ("fromJSON(inputs.config).no || 'default'", "default"),
    ("fromJSON(inputs.config).list && join(fromJSON(inputs.config).list, ' ') || 'none'", "1 2"),
    ("fromJSON(inputs.config).nothing && join(fromJSON(inputs.config).list, ' ') || 'none'", "none"),
    ("toJSON(fromJSON(inputs.config).obj)", '{\n  "k": "V"\n}'),
    ("format('{0}-{1}{{x}}', 'a', 2)", "a-2{x}"),
    ("contains(github.event.labels.*.name, 'run-sweep')", True),
    ("contains(fromJSON('[\"synchronize\", \"closed\"]'), github.event.action)", False),
    ("github.event.action == 'LABELED' && !false", True),
    ("startsWith('/bump-image x', '/bump-image ')", True),
    ("1 == '1'", True),
])
def test_evaluate(expression: str, value: Any) -> None:
    assert evaluate(expression, CONTEXTS) == value


def test_render_keeps_a_lone_expression_typed_and_prints_the_rest() -> None:
    assert render("${{ fromJSON(inputs.config).a-b }}", CONTEXTS) == 1
    assert render("n=${{ fromJSON(inputs.config).a-b }} ${{ fromJSON(inputs.config).no }}", CONTEXTS) == "n=1 false"
    assert env_text("${{ fromJSON(inputs.config).missing }}", CONTEXTS) == ""
    with pytest.raises(Unsupported):
        render("${{ hashFiles('x') }}", CONTEXTS)
