"""One YAML document as plain data plus the position of every value, built in one bounded pass.

The document is built from the parser's event stream (libyaml's when installed), without
recursion: mappings become dicts, sequences lists, scalars the values of YAML's safe schema. The
work is bounded: nesting is at most ``MAX_DEPTH`` levels and the document at most ``MAX_VALUES``
values with every alias expanded (so an alias bomb is refused after a bounded amount of work); an
alias inside the value it refers to is an error. Each alias becomes a fresh copy of its value, so
changing one place never changes another. Tags other than YAML's plain ones are refused, so no
file can construct a Python object.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass, field
from typing import Any

import yaml

Location = tuple[Any, ...]
Mark = tuple[int, int]

#: Deepest nesting of mappings and sequences in a document.
MAX_DEPTH = 50
#: Most values (mappings, sequences and scalars) in a document, aliases expanded.
MAX_VALUES = 1_000_000

_LOADER: type[Any] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_STR = "tag:yaml.org,2002:str"
_MERGE = "tag:yaml.org,2002:merge"
_PLAIN_COLLECTIONS = {
    yaml.MappingStartEvent: "tag:yaml.org,2002:map",
    yaml.SequenceStartEvent: "tag:yaml.org,2002:seq",
}
_KEY_PROBLEM = "a mapping key must be a plain value (allowed: text or a number)"


class DocumentError(Exception):
    """A problem of the document at a parser mark (0-based ``line`` and ``column``)."""

    def __init__(self, problem: str, mark: Any) -> None:
        super().__init__(problem)
        self.problem = problem
        self.mark = mark


def tag_not_allowed(tag: str) -> str:
    """The problem text for a tag that is not plain YAML."""
    return f"tag {tag} is not allowed (allowed: plain YAML; files are loaded safely)"


@dataclass
class Document:
    """The plain data of a document, the position of each value and the duplicate keys found.

    Attributes:
        data: the document's value (None for an empty document).
        marks: 1-based (line, column) of the document, of every key and of every list item.
        duplicates: (location, mark) of each key given twice in one mapping.

    """

    data: Any = None
    marks: dict[Location, Mark] = field(default_factory=dict)
    duplicates: list[tuple[Location, Mark]] = field(default_factory=list)


@dataclass(slots=True)
class _Open:
    """A mapping or sequence being read."""

    value: Any
    loc: Location
    anchor: str | None
    start: Any
    values_before: int
    key: Any = None
    has_key: bool = False
    key_mark: Mark = (0, 0)
    merges: list[tuple[Any, Any]] | None = None


class _MergeKey:
    """The ``<<`` merge key of a mapping."""


_MERGE_KEY = _MergeKey()


def _mark(start: Any) -> Mark:
    """1-based (line, column) of a parser mark."""
    return start.line + 1, start.column + 1


def _copy(value: Any) -> Any:
    """A deep copy of plain data (mappings and lists; scalars are immutable)."""
    if isinstance(value, dict):
        return {key: _copy(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_copy(item) for item in value]
    return value


class _Reader:
    """Turns parser events into a :class:`Document`."""

    def __init__(self, text: str) -> None:
        self.loader = _LOADER(text)
        self.document = Document()
        self.stack: list[_Open] = []
        self.anchors: dict[str, tuple[Any, int]] = {}
        self.plain: dict[str, Any] = {}  # value of each plain scalar text seen (all immutable)
        self.values = 0
        self.documents = 0

    def read(self) -> Document:
        """Read every event; the document is complete when the stream ends."""
        handlers = {
            yaml.ScalarEvent: self._scalar,
            yaml.AliasEvent: self._alias,
            yaml.MappingStartEvent: self._open,
            yaml.SequenceStartEvent: self._open,
            yaml.MappingEndEvent: self._close,
            yaml.SequenceEndEvent: self._close,
            yaml.DocumentStartEvent: self._document,
        }
        loader = self.loader
        try:
            while loader.check_event():
                event = loader.get_event()
                handler = handlers.get(type(event))
                if handler is not None:
                    handler(event)
        finally:
            loader.dispose()
        return self.document

    def _document(self, event: Any) -> None:
        self.documents += 1
        if self.documents > 1:
            raise DocumentError("expected a single document in the file", event.start_mark)

    def _count(self, values: int, event: Any) -> None:
        self.values += values
        if self.values > MAX_VALUES:
            raise DocumentError(
                f"more than {MAX_VALUES:,} values, aliases expanded (allowed: at most "
                f"{MAX_VALUES:,})",
                event.start_mark,
            )

    def _scalar(self, event: Any) -> None:
        self._count(1, event)
        text = event.value
        if event.tag is None and event.implicit[0]:
            if text not in self.plain:
                self.plain[text] = self._construct(event)
            value = self.plain[text]
        else:
            value = self._construct(event)
        self._add(value, event.start_mark, event.anchor, 1)

    def _construct(self, event: Any) -> Any:
        """The value of a scalar under YAML's safe schema."""
        tag = event.tag
        if tag is None or tag == "!":
            tag = self.loader.resolve(yaml.ScalarNode, event.value, event.implicit)
        if tag == _STR:
            return event.value
        if tag == _MERGE:
            return _MERGE_KEY
        node = yaml.ScalarNode(tag, event.value, event.start_mark, event.end_mark, event.style)
        try:
            return self.loader.construct_object(node, deep=True)
        except yaml.constructor.ConstructorError as error:
            problem = str(error.problem)
            if "could not determine a constructor" in problem:
                problem = tag_not_allowed(tag)
            raise DocumentError(problem, event.start_mark) from None
        except (ValueError, OverflowError):
            kind = tag.rsplit(":", 1)[-1]
            raise DocumentError(
                f"'{event.value}' is not a valid {kind}", event.start_mark
            ) from None

    def _alias(self, event: Any) -> None:
        name = event.anchor
        if any(item.anchor == name for item in self.stack):
            raise DocumentError(
                f"alias *{name} is inside the value it refers to (allowed: aliases of complete "
                "values)",
                event.start_mark,
            )
        if name not in self.anchors:
            raise DocumentError(f"alias *{name} has no anchor &{name} before it", event.start_mark)
        value, size = self.anchors[name]
        self._count(size, event)
        self._add(_copy(value), event.start_mark, None, 0)

    def _open(self, event: Any) -> None:
        plain_tag = _PLAIN_COLLECTIONS[type(event)]
        if event.tag is not None and event.tag not in ("!", plain_tag):
            raise DocumentError(tag_not_allowed(event.tag), event.start_mark)
        if len(self.stack) >= MAX_DEPTH:
            raise DocumentError(
                f"nested deeper than {MAX_DEPTH} levels (allowed: at most {MAX_DEPTH})",
                event.start_mark,
            )
        self._count(1, event)
        value: Any = {} if type(event) is yaml.MappingStartEvent else []
        loc = self._child_loc(event)
        self.stack.append(_Open(value, loc, event.anchor, event.start_mark, self.values - 1))

    def _close(self, _event: Any) -> None:
        done = self.stack.pop()
        if done.merges:
            done.value = _merged(done.value, done.merges)
        self._add(done.value, done.start, done.anchor, self.values - done.values_before)

    def _child_loc(self, event: Any) -> Location:
        """The location of a collection that starts at ``event`` (no key may be a collection)."""
        if not self.stack:
            return ()
        parent = self.stack[-1]
        if isinstance(parent.value, list):
            return (*parent.loc, len(parent.value))
        if not parent.has_key:
            raise DocumentError(_KEY_PROBLEM, event.start_mark)
        return (*parent.loc, parent.key)

    def _add(self, value: Any, start: Any, anchor: str | None, size: int) -> None:
        """Put a complete value that began at ``start`` into its parent (or the document)."""
        if anchor is not None:
            self.anchors[anchor] = (value, size)
        if not self.stack:
            self.document.data = value
            self.document.marks[()] = _mark(start)
            return
        parent = self.stack[-1]
        if isinstance(parent.value, list):
            self.document.marks[(*parent.loc, len(parent.value))] = _mark(start)
            parent.value.append(value)
        elif not parent.has_key:
            if not isinstance(value, Hashable):
                raise DocumentError(_KEY_PROBLEM, start)
            parent.key, parent.has_key, parent.key_mark = value, True, _mark(start)
        elif parent.key is _MERGE_KEY:
            parent.has_key = False
            parent.merges = [*(parent.merges or []), (value, start)]
        else:
            parent.has_key = False
            here = (*parent.loc, parent.key)
            if parent.key in parent.value:
                self.document.duplicates.append((here, parent.key_mark))
            parent.value[parent.key] = value
            self.document.marks[here] = parent.key_mark


def _merged(explicit: dict[Any, Any], merges: list[tuple[Any, Any]]) -> dict[Any, Any]:
    """A mapping with its ``<<`` merges: explicit keys win, then earlier merged mappings."""
    merged: dict[Any, Any] = {}
    for value, start in merges:
        for source in value if isinstance(value, list) else [value]:
            if not isinstance(source, dict):
                raise DocumentError(
                    "<< takes a mapping or a list of mappings (allowed: aliases of mappings)",
                    start,
                )
            for key, item in source.items():
                merged.setdefault(key, item)
    merged.update(explicit)
    return merged


def read_document(text: str) -> Document:
    """Read one YAML document safely, keeping the position of every key and list item.

    Raises:
        DocumentError: for a tag that is not plain YAML, a mapping key that is a collection, an
            alias that is undefined or inside its own value, nesting deeper than ``MAX_DEPTH``,
            more than ``MAX_VALUES`` values, or a second document.
        yaml.YAMLError: for a syntax error.

    """
    return _Reader(text).read()


def top_level_keys(text: str) -> set[Any]:
    """The plain keys of a document that is a mapping (else none), read without building it.

    Raises:
        yaml.YAMLError: for a syntax error.

    """
    keys: set[Any] = set()
    loader = _LOADER(text)
    depth, expecting_key = 0, True
    try:
        while loader.check_event():
            event = loader.get_event()
            kind = type(event)
            if kind in _PLAIN_COLLECTIONS:
                if depth == 0 and kind is not yaml.MappingStartEvent:
                    return keys
                if depth == 1:
                    expecting_key = not expecting_key
                depth += 1
            elif kind in (yaml.MappingEndEvent, yaml.SequenceEndEvent):
                depth -= 1
            elif depth == 1 and kind in (yaml.ScalarEvent, yaml.AliasEvent):
                if expecting_key and kind is yaml.ScalarEvent:
                    keys.add(event.value)
                expecting_key = not expecting_key
    finally:
        loader.dispose()
    return keys
