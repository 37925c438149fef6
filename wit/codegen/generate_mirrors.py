#!/usr/bin/env python3
"""Generates the C++ mirrors of the connector contract from its WIT.

The contract's types live in C++ in portable/protocol/types.hpp, written by
hand because its default values and comments are C++ policy the WIT cannot
carry. Everything that must agree with the WIT is generated here at build
time, so a WIT change that the C++ does not follow fails the build at the
line that disagrees:

  --host-abi FILE       host/runtime/canonical_abi/contract_abi.hpp: the case
                        count of every enum and the fields of every record in
                        WIT order (what the host's canonical ABI needs), and
                        compile-time checks of types.hpp: enumerator order,
                        field names, field types and field counts, variant
                        alternatives and their index constants, aliases.
  --guest-convert FILE  guest/sdk/abi/contract_convert.hpp: the conversion of
                        every record and variant between the C structs
                        wit-bindgen generates and the protocol:: types, field
                        by field (generic parts: guest/sdk/abi/convert.hpp).

Naming rules shared by both sides (types.hpp follows them):
  record/enum/variant/alias `connector-error` -> protocol::ConnectorError
  enum case `after-commit-unknown`            -> kAfterCommitUnknown
  record field `retry-after-ms`               -> retry_after_ms (a C or C++
                                                 keyword gets a trailing _)
  variant `cursor-value` case index constants -> protocol::cursor_kind::kText
  C types (wit-bindgen)                       -> rapidbyte_connector_<interface>_<name>_t
"""

from __future__ import annotations

import argparse
import os
import sys

from wit_parser import Package, TypeDef, TypeRef, WitError, parse

KEYWORDS = {
    # C and C++ keywords a WIT name could collide with; wit-bindgen's C output
    # appends '_' to the same names, and types.hpp follows it.
    "alignas", "alignof", "and", "asm", "auto", "bool", "break", "case", "catch", "char",
    "class", "const", "constexpr", "continue", "default", "delete", "do", "double", "else",
    "enum", "explicit", "export", "extern", "false", "float", "for", "friend", "goto", "if",
    "inline", "int", "long", "mutable", "namespace", "new", "not", "operator", "or",
    "private", "protected", "public", "register", "return", "short", "signed", "sizeof",
    "static", "struct", "switch", "template", "this", "throw", "true", "try", "typedef",
    "typename", "union", "unsigned", "using", "virtual", "void", "volatile", "while",
}

CPP_PRIMITIVES = {
    "bool": "bool", "u8": "uint8_t", "u16": "uint16_t", "u32": "uint32_t", "u64": "uint64_t",
    "s8": "int8_t", "s16": "int16_t", "s32": "int32_t", "s64": "int64_t",
    "f32": "float", "f64": "double", "string": "std::string",
}


def camel(name: str) -> str:
    return "".join(part.capitalize() for part in name.split("-"))


def snake(name: str) -> str:
    s = name.replace("-", "_")
    return s + "_" if s in KEYWORDS else s


def enumerator(case: str) -> str:
    return "k" + camel(case)


def kind_namespace(variant: str) -> str:
    """`cursor-value` -> cursor_kind: the namespace of a variant's index constants."""
    base = variant[: -len("-value")] if variant.endswith("-value") else variant
    return snake(base) + "_kind"


def c_type_name(package: Package, t: TypeDef) -> str:
    namespace, rest = package.name.split(":", 1)
    name = rest.split("@", 1)[0]
    return f"{snake(namespace)}_{snake(name)}_{snake(t.interface)}_{snake(t.name)}_t"


def cpp_type(package: Package, ref: TypeRef | None, ns: str) -> str:
    """The C++ type types.hpp must use for a WIT type."""
    if ref is None:
        return "void"
    if ref.kind == "primitive":
        return CPP_PRIMITIVES[ref.name]
    if ref.kind == "named":
        return f"{ns}{camel(ref.name)}"
    inner = [cpp_type(package, a, ns) for a in ref.args]
    if ref.kind == "list":
        return f"std::vector<{inner[0]}>"
    if ref.kind == "option":
        return f"std::optional<{inner[0]}>"
    if ref.kind == "result":
        return f"std::expected<{inner[0]}, {inner[1]}>"
    return f"std::tuple<{', '.join(inner)}>"


def wit_place(path: str, line: int) -> str:
    return f"{path}:{line}"


# ---- host -----------------------------------------------------------------

HOST_PREAMBLE = """\
// Generated from {wit} by wit/codegen/generate_mirrors.py. Do not edit.
//
// Binds the C++ mirror of the contract (portable/protocol/types.hpp) to the
// canonical ABI: the case count of every enum and the fields of every record,
// in WIT order. The static_asserts check types.hpp against the WIT; when one
// fires, its message names the WIT line types.hpp no longer follows.
#pragma once

#include <cstddef>
#include <cstdint>
#include <expected>
#include <optional>
#include <string>
#include <tuple>
#include <type_traits>
#include <variant>
#include <vector>

#include "host/runtime/canonical_abi/abi_traits.hpp"
#include "portable/protocol/types.hpp"

namespace rapidbyte::runtime::abi {{

namespace p = rapidbyte::protocol;
"""


def host_abi(package: Package, wit: str) -> str:
    out = [HOST_PREAMBLE.format(wit=wit)]
    interface = None
    for t in package.types():
        if t.interface != interface:
            interface = t.interface
            out.append(f"\n// ---- {interface} " + "-" * max(0, 70 - len(interface)) + "\n")
        out.append("\n")
        where = wit_place(wit, t.line)
        cpp = f"p::{camel(t.name)}"
        if t.kind == "alias":
            target = cpp_type(package, t.target, "p::")
            out.append(f'static_assert(std::is_same_v<{cpp}, {target}>, '
                       f'"{where}: type {t.name} must be {target}");\n')
        elif t.kind == "enum":
            out.append(f"template <>\nstruct EnumCases<{cpp}> : "
                       f"std::integral_constant<size_t, {len(t.cases)}> {{}};\n")
            for i, case in enumerate(t.cases):
                out.append(f"static_assert(static_cast<size_t>({cpp}::{enumerator(case.name)}) == {i}, "
                           f'"{wit_place(wit, case.line)}: enum {t.name} case '
                           f'{case.name} must be {cpp}::{enumerator(case.name)} = {i}");\n')
        elif t.kind == "record":
            fields = ", ".join(f"&R::{snake(f.name)}" for f in t.fields)
            out.append(f"template <>\nstruct RecordFields<{cpp}> {{\n  using R = {cpp};\n"
                       f"  static constexpr auto kFields = std::make_tuple({fields});  // {where}\n}};\n")
            for f in t.fields:
                ty = cpp_type(package, f.type, "p::")
                out.append(f"static_assert(std::is_same_v<decltype({cpp}::{snake(f.name)}), {ty}>, "
                           f'"{wit_place(wit, f.line)}: field {t.name}.{f.name} must be '
                           f'{ty} {snake(f.name)}");\n')
            names = ", ".join(f"{snake(f.name)}_" for f in t.fields)
            out.append(f"// A structured binding of another count than the WIT's does not compile.\n"
                       f"inline void check_field_count(const {cpp}& record) {{\n"
                       f"  [[maybe_unused]] const auto& [{names}] = record;  "
                       f"// {where}: record {t.name} has {len(t.fields)} fields\n}}\n")
        elif t.kind == "variant":
            kinds = f"p::{kind_namespace(t.name)}"
            out.append(f"static_assert(std::variant_size_v<{cpp}> == {len(t.cases)}, "
                       f'"{where}: variant {t.name} has {len(t.cases)} cases");\n')
            for i, case in enumerate(t.cases):
                alt = "std::monostate" if case.payload is None else cpp_type(package, case.payload, "p::")
                place = wit_place(wit, case.line)
                out.append(f"static_assert(std::is_same_v<std::variant_alternative_t<{i}, {cpp}>, {alt}>, "
                           f'"{place}: variant {t.name} case {case.name} must be '
                           f'alternative {i}, {alt}");\n')
                out.append(f"static_assert({kinds}::{enumerator(case.name)} == {i}, "
                           f'"{place}: {kinds}::{enumerator(case.name)} must be {i}");\n')
    out.append("\n}  // namespace rapidbyte::runtime::abi\n")
    return "".join(out)


# ---- guest ----------------------------------------------------------------

GUEST_PREAMBLE = """\
// Generated from {wit} by wit/codegen/generate_mirrors.py. Do not edit.
//
// The C struct of every record and variant of the contract under its
// protocol:: name (abi::RunRequest is the C twin of protocol::RunRequest), and
// Convert<T> for each: between the C structs of the world's wit-bindgen
// bindings and the protocol:: types, field by field in WIT order. Strings, lists, options, enums and numbers are
// converted by the generic Convert<T> of guest/sdk/abi/convert.hpp.
#pragma once

#include <cstdint>
#include <variant>

#include "guest/sdk/abi/convert.hpp"
#include "portable/protocol/types.hpp"
#include "rapidbyte_world.hpp"

namespace rapidbyte::sdk::abi {{
"""


def guest_convert(package: Package, wit: str) -> str:
    out = [GUEST_PREAMBLE.format(wit=wit)]
    convertible = [t for t in package.types() if t.kind in ("record", "variant")]
    # The C types under the protocol:: names: wit-bindgen gives the types of
    # the shared interfaces the same C names in every world.
    out.append("\n")
    for t in convertible:
        out.append(f"using {camel(t.name)} = {c_type_name(package, t)};\n")
    # Declarations first, definitions after: a record's conversion uses those
    # of the records and variants it holds, in whatever order the WIT has them.
    for t in convertible:
        cpp, c = f"protocol::{camel(t.name)}", c_type_name(package, t)
        out.append(f"\n// {t.kind} {t.name} ({wit_place(wit, t.line)})\ntemplate <>\n"
                   f"struct Convert<{cpp}> {{\n  using C = {c};\n"
                   f"  static void lift({cpp}& out, const C& in);\n"
                   f"  static void lower(C& out, const {cpp}& in);\n}};\n")
    for t in convertible:
        cpp = f"protocol::{camel(t.name)}"
        lift, lower = [], []
        if t.kind == "record":
            for f in t.fields:
                lift.append(f"  lift_value(out.{snake(f.name)}, in.{snake(f.name)});\n")
                lower.append(f"  lower_value(out.{snake(f.name)}, in.{snake(f.name)});\n")
        else:
            lift.append("  switch (in.tag) {\n")
            lower.append("  out.tag = static_cast<uint8_t>(in.index());\n  switch (in.index()) {\n")
            for i, case in enumerate(t.cases):
                if case.payload is None:
                    lift.append(f"    case {i}:\n      out.emplace<{i}>();\n      break;\n")
                    lower.append(f"    case {i}:\n      break;\n")
                else:
                    member = snake(case.name)
                    lift.append(f"    case {i}:\n      lift_value(out.emplace<{i}>(), in.val.{member});\n"
                                f"      break;\n")
                    lower.append(f"    case {i}:\n      lower_value(out.val.{member}, std::get<{i}>(in));\n"
                                 f"      break;\n")
            lift.append("    default:  // the host sends only the WIT's cases\n      break;\n  }\n")
            lower.append("    default:\n      break;\n  }\n")
        out.append(f"\ninline void Convert<{cpp}>::lift({cpp}& out, const C& in) {{\n"
                   + "".join(lift) + "}\n")
        out.append(f"\ninline void Convert<{cpp}>::lower(C& out, const {cpp}& in) {{\n"
                   + "".join(lower) + "}\n")
    out.append("\n}  // namespace rapidbyte::sdk::abi\n")
    return "".join(out)


# ---- command line ---------------------------------------------------------

def write(path: str, text: str) -> None:
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("wit", help="the contract's WIT file")
    parser.add_argument("--wit-name", help="the WIT file's name in messages (default: as given)")
    parser.add_argument("--host-abi", metavar="FILE")
    parser.add_argument("--guest-convert", metavar="FILE")
    args = parser.parse_args(argv)
    name = args.wit_name or args.wit
    try:
        with open(args.wit, encoding="utf-8") as f:
            package = parse(f.read(), name)
    except (OSError, WitError) as e:
        print(f"generate_mirrors: {e}", file=sys.stderr)
        return 1
    if args.host_abi:
        write(args.host_abi, host_abi(package, name))
    if args.guest_convert:
        write(args.guest_convert, guest_convert(package, name))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
