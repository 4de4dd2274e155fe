"""YAML for hand-edited records: a safe, line-aware reader and a canonical writer.

The reader builds plain dicts, lists and scalars straight from the parser's events instead of
using a PyYAML Loader, for four reasons that matter to people who edit records by hand:
- it keeps the line of every key and item, so a problem is reported as `path:line: field`;
- it resolves plain scalars by the YAML 1.2 core schema, so `21:30`, `no` and `2023-09-01` stay
  text instead of becoming 1290, False and a date object (YAML 1.1);
- it refuses anchors, aliases and tags (no alias bombs, no `!!python/object`) and deep nesting,
  and it is iterative, so no input can overflow the stack (the C composer segfaults on ~50 KB
  of `[`; libyaml's event parser does not);
- it reports a key given twice, which PyYAML silently resolves by keeping the last value.
Events come from libyaml when PyYAML was built with it (about 10x faster than pure Python).

The writer quotes every string that either YAML 1.1 or 1.2 would read as something else, keeps
Armenian and Azerbaijani letters readable, and never folds lines, so writing a record twice gives
the same bytes and an edit shows in git as the lines it changed.
"""

from __future__ import annotations

import re
import sys
from enum import Enum
from typing import Any

import yaml

_Parser = yaml.CSafeLoader if yaml.__with_libyaml__ else yaml.SafeLoader

MAX_DEPTH = 12  # a record nests mapping > claims > claim > casualties > side > civilians: 6
# Python's int() refuses longer digit strings (ValueError, CVE-2020-10735) and its cost grows with
# the square of the length. No count in a record comes near this; the limit is fixed here, not read
# from the interpreter (PYTHONINTMAXSTRDIGITS), so that the same file loads the same everywhere.
MAX_NUMBER_DIGITS = 4300


class YamlSyntaxError(ValueError):
    """The text is not a YAML document this tool accepts; `line` is 1-based (0: unknown)."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line


class LineMap(dict):  # type: ignore[type-arg]
    """A mapping that remembers on which line it and each of its keys stood."""

    line: int = 0
    key_lines: dict[Any, int]


class LineList(list):  # type: ignore[type-arg]
    """A sequence that remembers on which line it and each of its items stood."""

    line: int = 0
    item_lines: list[int]


_NULL = re.compile(r"^(?:~|null|Null|NULL|)$")
_TRUE = re.compile(r"^(?:true|True|TRUE)$")
_FALSE = re.compile(r"^(?:false|False|FALSE)$")
_INT = re.compile(r"^[-+]?[0-9]+$")
_FLOAT = re.compile(r"^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$")


# A plain scalar that starts with none of these is text under the core schema; most values in a
# record are words, so this one test spares the regular expressions below (the loader's hot path).
_NON_TEXT_STARTS = frozenset("~nNtTfF0123456789+-.")


def _resolve(value: str, plain: bool, line: int) -> Any:
    """YAML 1.2 core schema for plain scalars; quoted scalars are always text. A number too long
    to convert is refused at its `line` before int() sees it (a ValueError there would name no file)."""
    if not plain or (value and value[0] not in _NON_TEXT_STARTS):
        return value
    if _NULL.match(value):
        return None
    if _TRUE.match(value):
        return True
    if _FALSE.match(value):
        return False
    if _INT.match(value):
        _check_digits(value, line)
        try:
            return int(value)
        except ValueError:  # an interpreter set to a lower limit than ours (PYTHONINTMAXSTRDIGITS)
            limit = getattr(sys, "get_int_max_str_digits", lambda: MAX_NUMBER_DIGITS)()
            raise YamlSyntaxError(line, _too_long(value, limit)) from None
    if _FLOAT.match(value) and any(ch.isdigit() for ch in value):
        _check_digits(value, line)  # float() has no limit, but a number this long is no count
        return float(value)
    return value  # 0x1F, .inf and the like are rare in records; text is the safe reading


def _check_digits(value: str, line: int) -> None:
    # A length test first: it is all a normal number costs, and a long one is never scanned twice.
    if len(value) > MAX_NUMBER_DIGITS and sum(ch.isdigit() for ch in value) > MAX_NUMBER_DIGITS:
        raise YamlSyntaxError(line, _too_long(value))


def _too_long(value: str, limit: int = MAX_NUMBER_DIGITS) -> str:
    digits = sum(ch.isdigit() for ch in value)
    return f"a number of {digits:,} digits is too long (at most {limit:,}); quote it if it is text"


_SKIP = (yaml.StreamStartEvent, yaml.StreamEndEvent, yaml.DocumentEndEvent)
_ENDS = (yaml.MappingEndEvent, yaml.SequenceEndEvent)


def read_yaml(text: str) -> Any:
    """Parse one YAML document into LineMap / LineList / scalars, or raise YamlSyntaxError."""
    stack: list[list[Any]] = []  # [container, pending key of a mapping or _NO_KEY, its line]
    root: Any = None
    try:
        for event in yaml.parse(text, Loader=_Parser):
            kind = type(event)  # one type test per event: this loop is the loader's hot path
            if kind is yaml.ScalarEvent:
                line = event.start_mark.line + 1
                if event.anchor or (event.tag is not None and _explicit_tag(event)):
                    _refuse(event, line)
                value = _resolve(event.value, event.implicit[0] and not event.style, line)
                root = _attach(stack, value, line) if stack else value
            elif kind in _ENDS:
                done, pending, _ = stack.pop()
                if pending is not _NO_KEY:
                    raise YamlSyntaxError(event.start_mark.line + 1, "a key has no value")
                root = _attach(stack, done, done.line) if stack else done
            elif kind is yaml.MappingStartEvent or kind is yaml.SequenceStartEvent:
                line = event.start_mark.line + 1
                if event.anchor or (event.tag is not None and _explicit_tag(event)):
                    _refuse(event, line)
                if len(stack) >= MAX_DEPTH:
                    raise YamlSyntaxError(line, f"nested more than {MAX_DEPTH} levels deep")
                container: LineMap | LineList
                if kind is yaml.MappingStartEvent:
                    container = LineMap()
                    container.key_lines = {}
                else:
                    container = LineList()
                    container.item_lines = []
                container.line = line
                stack.append([container, _NO_KEY, line])
            elif kind is yaml.DocumentStartEvent:
                if root is not None or stack:
                    raise YamlSyntaxError(
                        event.start_mark.line + 1, "a record file holds one YAML document, not several"
                    )
            elif kind is yaml.AliasEvent:
                _refuse(event, event.start_mark.line + 1)
            elif kind not in _SKIP:  # pragma: no cover - PyYAML has no other events
                raise YamlSyntaxError(event.start_mark.line + 1, f"unexpected YAML event {kind.__name__}")
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        raise YamlSyntaxError(mark.line + 1 if mark else 0, _yaml_message(exc)) from None
    except yaml.reader.ReaderError as exc:  # a character YAML does not allow (an escape, a NUL)
        line = text[: exc.position].count("\n") + 1
        code = exc.character if isinstance(exc.character, int) else ord(exc.character)
        raise YamlSyntaxError(line, f"character U+{code:04X} is not allowed in YAML") from None
    except yaml.YAMLError as exc:
        raise YamlSyntaxError(0, str(exc).splitlines()[0]) from None
    return root


def _refuse(event: Any, line: int) -> None:
    if isinstance(event, yaml.AliasEvent) or event.anchor:
        raise YamlSyntaxError(line, "anchors and aliases (& and *) are not allowed in records")
    raise YamlSyntaxError(line, f"tags such as {event.tag} are not allowed in records")


_NO_KEY = object()


def _explicit_tag(event: Any) -> bool:
    if event.tag is None:
        return False
    implicit = event.implicit if isinstance(event, yaml.ScalarEvent) else (event.implicit,)
    return not any(implicit) or event.tag.startswith(("!", "tag:yaml.org,2002:python"))


def _attach(stack: list[list[Any]], value: Any, line: int) -> Any:
    """Put a finished node into the container on top of the stack; return None (not the root)."""
    frame = stack[-1]  # [container, pending key or _NO_KEY, line of that key]
    container = frame[0]
    if isinstance(container, LineList):
        container.append(value)
        container.item_lines.append(line)
    elif frame[1] is _NO_KEY:
        if isinstance(value, (LineMap, LineList)):
            raise YamlSyntaxError(line, "a key must be plain text, not a list or mapping")
        if value in container:
            raise YamlSyntaxError(line, f"key {value!r} appears twice in the same mapping")
        frame[1], frame[2] = value, line
    else:
        container[frame[1]] = value
        container.key_lines[frame[1]] = frame[2]
        frame[1] = _NO_KEY
    return None


def _yaml_message(exc: yaml.MarkedYAMLError) -> str:
    parts = [p for p in (exc.context, exc.problem) if p]
    return "; ".join(parts) or "not valid YAML"


# --- writing ----------------------------------------------------------------------------------


class _CanonicalDumper(yaml.SafeDumper):
    """SafeDumper whose resolver also knows YAML 1.2 forms, so such strings get quoted too."""


_CanonicalDumper.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(r"^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)$"),
    list("-+0123456789."),
)
_CanonicalDumper.add_implicit_resolver("tag:yaml.org,2002:int", re.compile(r"^(?:0o[0-7]+|0x[0-9a-fA-F]+)$"), list("0"))


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_CanonicalDumper.add_representer(str, _represent_str)
_CanonicalDumper.add_multi_representer(Enum, lambda dumper, value: _represent_str(dumper, str(value.value)))
_CanonicalDumper.add_representer(LineMap, yaml.SafeDumper.represent_dict)
_CanonicalDumper.add_representer(LineList, yaml.SafeDumper.represent_list)


_FastDumper: type = getattr(yaml, "CSafeDumper", _CanonicalDumper)
if _FastDumper is not _CanonicalDumper:  # libyaml's emitter, with the canonical dumper's rules
    _FastDumper = type(
        "_FastDumper",
        (yaml.CSafeDumper,),
        {
            "yaml_implicit_resolvers": {k: list(v) for k, v in _CanonicalDumper.yaml_implicit_resolvers.items()},
            "yaml_representers": dict(_CanonicalDumper.yaml_representers),
            "yaml_multi_representers": dict(_CanonicalDumper.yaml_multi_representers),
        },
    )


_DIFFERENT = re.compile(r"\\|^ *\? ", re.MULTILINE)  # an escape; a key written as `? key` (over 128 bytes)


def dump_yaml(data: Any, fast: bool = False) -> str:
    """The canonical text of plain data: keys in the given order, block style, UTF-8 letters.

    `fast` writes with libyaml's emitter, five times quicker, wherever its text is the Python
    emitter's. They differ only where libyaml escapes a character (letters beyond U+FFFF) or
    where a key is long (libyaml counts 128 bytes, Python 128 characters, before it writes
    `? key`): text with either is written again by the Python emitter, so the text is always
    the canonical one (tests/test_yamlio.py checks the two agree on everything else)."""
    text = _dump(data, _FastDumper if fast else _CanonicalDumper)
    return _dump(data, _CanonicalDumper) if fast and _DIFFERENT.search(text) else text


def _dump(data: Any, dumper: type) -> str:
    return yaml.dump(
        data, Dumper=dumper, sort_keys=False, allow_unicode=True, default_flow_style=False, width=10**9, indent=2
    )
