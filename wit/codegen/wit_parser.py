"""A parser for the part of the WIT language the Rapidbyte contract uses.

It reads interfaces with their `type` aliases, enums, records and variants,
and keeps every definition's line so generated code can point back at the WIT.
Functions, `use` statements and worlds are read past, not modelled: the
generated mirrors are about types. Anything else (flags, resources, ...) is
an error naming the file and line, so a contract that grows a construct the
generator does not know fails the build instead of being skipped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

PRIMITIVES = {
    "bool", "u8", "u16", "u32", "u64", "s8", "s16", "s32", "s64", "f32", "f64", "string",
}


class WitError(Exception):
    """A construct the parser cannot read, with the place it was found."""


@dataclass(frozen=True)
class TypeRef:
    """A use of a type: a primitive, a name defined elsewhere, or a generic."""

    kind: str  # "primitive", "named", "list", "option", "result", "tuple"
    name: str = ""  # the primitive or the defined name
    args: tuple["TypeRef | None", ...] = ()  # generic arguments; None is `_`


@dataclass
class Field:
    name: str
    type: TypeRef
    line: int


@dataclass
class Case:
    name: str
    payload: TypeRef | None
    line: int


@dataclass
class TypeDef:
    kind: str  # "alias", "enum", "record", "variant"
    name: str
    interface: str
    line: int
    target: TypeRef | None = None  # alias
    cases: list[Case] = field(default_factory=list)  # enum, variant
    fields: list[Field] = field(default_factory=list)  # record


@dataclass
class Interface:
    name: str
    types: list[TypeDef] = field(default_factory=list)


@dataclass
class Package:
    name: str
    interfaces: list[Interface] = field(default_factory=list)

    def types(self) -> list[TypeDef]:
        return [t for i in self.interfaces for t in i.types]

    def find(self, name: str) -> TypeDef:
        """The definition a `named` reference means (names are unique in the package)."""
        for t in self.types():
            if t.name == name:
                return t
        raise KeyError(name)


_TOKEN = re.compile(r"\s+|//[^\n]*|[A-Za-z_%][A-Za-z0-9_\-]*|@[0-9A-Za-z.\-+]+|->|[{}()<>,:;=.*/@_]")


@dataclass
class _Token:
    text: str
    line: int


def _tokenize(text: str, path: str) -> list[_Token]:
    tokens: list[_Token] = []
    pos, line = 0, 1
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if not m:
            raise WitError(f"{path}:{line}: unexpected character {text[pos]!r}")
        piece = m.group(0)
        if not piece.isspace() and not piece.startswith("//"):
            tokens.append(_Token(piece, line))
        line += piece.count("\n")
        pos = m.end()
    return tokens


class _Parser:
    def __init__(self, text: str, path: str):
        self.path = path
        self.tokens = _tokenize(text, path)
        self.pos = 0

    # ---- token helpers ---------------------------------------------------
    def peek(self, offset: int = 0) -> str:
        i = self.pos + offset
        return self.tokens[i].text if i < len(self.tokens) else ""

    def line(self) -> int:
        return self.tokens[min(self.pos, len(self.tokens) - 1)].line if self.tokens else 1

    def fail(self, message: str) -> WitError:
        return WitError(f"{self.path}:{self.line()}: {message}")

    def take(self, expected: str | None = None) -> str:
        if self.pos >= len(self.tokens):
            raise self.fail("unexpected end of file")
        text = self.tokens[self.pos].text
        if expected is not None and text != expected:
            raise self.fail(f"expected '{expected}', found '{text}'")
        self.pos += 1
        return text

    def identifier(self) -> str:
        text = self.take()
        if not re.fullmatch(r"%?[a-z][a-z0-9\-]*", text):
            raise WitError(f"{self.path}:{self.tokens[self.pos - 1].line}: "
                           f"expected an identifier, found '{text}'")
        return text.lstrip("%")

    def skip_block(self) -> None:
        """Skips a balanced `{ ... }`."""
        self.take("{")
        depth = 1
        while depth:
            text = self.take()
            depth += {"{": 1, "}": -1}.get(text, 0)

    def skip_to_semicolon(self) -> None:
        while self.take() != ";":
            pass

    # ---- grammar ---------------------------------------------------------
    def package(self) -> Package:
        self.take("package")
        name = ""
        while self.peek() != ";":
            name += self.take()
        self.take(";")
        package = Package(name)
        while self.pos < len(self.tokens):
            keyword = self.take()
            if keyword == "interface":
                package.interfaces.append(self.interface())
            elif keyword == "world":
                self.identifier()
                self.skip_block()
            else:
                raise WitError(f"{self.path}:{self.tokens[self.pos - 1].line}: "
                               f"'{keyword}' at package level is not supported")
        return package

    def interface(self) -> Interface:
        interface = Interface(self.identifier())
        self.take("{")
        while self.peek() != "}":
            line = self.line()
            keyword = self.peek()
            if keyword == "use":
                self.skip_to_semicolon()
            elif keyword == "type":
                self.take()
                name = self.identifier()
                self.take("=")
                target = self.type_ref()
                self.take(";")
                interface.types.append(TypeDef("alias", name, interface.name, line, target=target))
            elif keyword == "enum":
                self.take()
                interface.types.append(self.enum(interface.name, line))
            elif keyword == "record":
                self.take()
                interface.types.append(self.record(interface.name, line))
            elif keyword == "variant":
                self.take()
                interface.types.append(self.variant(interface.name, line))
            elif self.peek(1) == ":" and self.peek(2) == "func":
                self.skip_to_semicolon()
            else:
                raise self.fail(f"'{keyword}' in interface {interface.name} is not supported")
        self.take("}")
        return interface

    def members(self, parse_one) -> list:
        """A brace-enclosed, comma-separated list (a trailing comma allowed)."""
        self.take("{")
        items = []
        while self.peek() != "}":
            items.append(parse_one())
            if self.peek() != "}":
                self.take(",")
        self.take("}")
        return items

    def enum(self, interface: str, line: int) -> TypeDef:
        name = self.identifier()

        def case() -> Case:
            case_line = self.line()
            return Case(self.identifier(), None, case_line)

        return TypeDef("enum", name, interface, line, cases=self.members(case))

    def record(self, interface: str, line: int) -> TypeDef:
        name = self.identifier()

        def one_field() -> Field:
            field_line = self.line()
            field_name = self.identifier()
            self.take(":")
            return Field(field_name, self.type_ref(), field_line)

        return TypeDef("record", name, interface, line, fields=self.members(one_field))

    def variant(self, interface: str, line: int) -> TypeDef:
        name = self.identifier()

        def case() -> Case:
            case_line = self.line()
            case_name = self.identifier()
            payload = None
            if self.peek() == "(":
                self.take("(")
                payload = self.type_ref()
                self.take(")")
            return Case(case_name, payload, case_line)

        return TypeDef("variant", name, interface, line, cases=self.members(case))

    def type_ref(self) -> TypeRef:
        name = self.identifier()
        if name in PRIMITIVES:
            return TypeRef("primitive", name)
        if name in ("list", "option", "result", "tuple"):
            self.take("<")
            args: list[TypeRef | None] = []
            while True:
                if self.peek() == "_":
                    self.take()
                    args.append(None)
                else:
                    args.append(self.type_ref())
                if self.peek() == ">":
                    break
                self.take(",")
            self.take(">")
            return TypeRef(name, args=tuple(args))
        return TypeRef("named", name)


def parse(text: str, path: str = "<wit>") -> Package:
    """Parses one WIT file; raises WitError naming the line of the first problem."""
    package = _Parser(text, path).package()
    defined = {t.name for t in package.types()}
    for t in package.types():
        refs = [f.type for f in t.fields] + [c.payload for c in t.cases if c.payload]
        if t.target:
            refs.append(t.target)
        for ref in refs:
            _check_defined(ref, defined, path, t)
    return package


def _check_defined(ref: TypeRef | None, defined: set[str], path: str, owner: TypeDef) -> None:
    if ref is None:
        return
    if ref.kind == "named" and ref.name not in defined:
        raise WitError(f"{path}:{owner.line}: {owner.name} uses undefined type {ref.name}")
    for arg in ref.args:
        _check_defined(arg, defined, path, owner)
