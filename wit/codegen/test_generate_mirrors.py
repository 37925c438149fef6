"""Tests of the WIT parser and the mirror generator.

The drift tests change the real WIT the way a contract change would, generate
the host mirror from it and compile it against the unchanged
portable/protocol/types.hpp with the build's own compile command: the build
must fail, naming the WIT line that types.hpp no longer follows. They need
RAPIDBYTE_COMPILE_COMMANDS (the build's compile_commands.json) and are
skipped without it.
"""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import tempfile
import unittest

import generate_mirrors as gen
from wit_parser import WitError, parse

HERE = os.path.dirname(os.path.abspath(__file__))
WIT_PATH = os.path.join(HERE, "..", "rapidbyte-connector.wit")
WIT_NAME = "wit/rapidbyte-connector.wit"


def contract_text() -> str:
    with open(WIT_PATH, encoding="utf-8") as f:
        return f.read()


def line_of(text: str, needle: str) -> int:
    return text[: text.index(needle)].count("\n") + 1


class ParserTest(unittest.TestCase):
    def test_reads_the_contract(self):
        package = parse(contract_text(), WIT_NAME)
        self.assertEqual(package.name, "rapidbyte:connector@4.0.0")
        self.assertEqual([i.name for i in package.interfaces],
                         ["core-types", "stream-types", "telemetry", "host-io",
                          "source", "destination", "transform"])
        role = package.find("connector-role")
        self.assertEqual([c.name for c in role.cases], ["source", "destination", "transform"])
        context = package.find("stream-context")
        self.assertEqual(context.interface, "stream-types")
        self.assertEqual(len(context.fields), 10)
        cursor = context.fields[4]
        self.assertEqual(cursor.name, "last-cursor-value")
        self.assertEqual((cursor.type.kind, cursor.type.args[0].name), ("option", "cursor-value"))
        self.assertEqual(cursor.line, line_of(contract_text(), "last-cursor-value: option"))
        variant = package.find("cursor-value")
        self.assertEqual([c.name for c in variant.cases],
                         ["int64", "float64", "text", "timestamp-micros", "date-days", "lsn",
                          "bytes"])
        self.assertEqual(package.find("tcp-handle").target.name, "u64")

    def test_unknown_construct_names_its_line(self):
        text = "package a:b@1.0.0;\ninterface i {\n  flags f { x }\n}\n"
        with self.assertRaisesRegex(WitError, r"^t.wit:3: 'flags' in interface i is not supported$"):
            parse(text, "t.wit")

    def test_undefined_type_names_its_line(self):
        text = "package a:b@1.0.0;\ninterface i {\n  record r {\n    x: list<missing>,\n  }\n}\n"
        with self.assertRaisesRegex(WitError, r"^t.wit:3: r uses undefined type missing$"):
            parse(text, "t.wit")

    def test_syntax_error_names_its_line(self):
        text = "package a:b@1.0.0;\ninterface i {\n  record r {\n    x u8,\n  }\n}\n"
        with self.assertRaisesRegex(WitError, r"^t.wit:4: expected ':', found 'u8'$"):
            parse(text, "t.wit")


class NamingTest(unittest.TestCase):
    def test_names(self):
        self.assertEqual(gen.camel("connector-error"), "ConnectorError")
        self.assertEqual(gen.enumerator("after-commit-unknown"), "kAfterCommitUnknown")
        self.assertEqual(gen.snake("retry-after-ms"), "retry_after_ms")
        self.assertEqual(gen.snake("namespace"), "namespace_")
        self.assertEqual(gen.kind_namespace("cursor-value"), "cursor_kind")
        package = parse(contract_text(), WIT_NAME)
        self.assertEqual(gen.c_type_name(package, package.find("stream-context")),
                         "rapidbyte_connector_stream_types_stream_context_t")
        self.assertEqual(gen.cpp_type(package, package.find("catalog-stream").fields[5].type, "p::"),
                         "std::vector<p::SyncMode>")

    def test_guest_conversion_covers_every_record_and_variant(self):
        package = parse(contract_text(), WIT_NAME)
        text = gen.guest_convert(package, WIT_NAME)
        for t in package.types():
            if t.kind in ("record", "variant"):
                self.assertIn(f"struct Convert<protocol::{gen.camel(t.name)}>", text)
        self.assertIn("lift_value(out.namespace_, in.namespace_);", text)
        self.assertIn("lower_value(out.val.timestamp_micros, std::get<3>(in));", text)


@unittest.skipUnless(os.environ.get("RAPIDBYTE_COMPILE_COMMANDS"), "needs the build's compile commands")
class DriftTest(unittest.TestCase):
    """A WIT change that types.hpp does not follow fails the build, naming the WIT line."""

    @classmethod
    def setUpClass(cls):
        with open(os.environ["RAPIDBYTE_COMPILE_COMMANDS"], encoding="utf-8") as f:
            entries = json.load(f)
        entry = next(e for e in entries if e["file"].endswith("host/runtime/contract_imports.cpp"))
        argv = entry["arguments"] if "arguments" in entry else shlex.split(entry["command"])
        if os.path.basename(argv[0]) == "ccache":
            argv = argv[1:]
        kept, skip = [], False
        for arg in argv:
            if skip:
                skip = False
            elif arg in ("-o", "-c"):
                skip = True
            else:
                kept.append(arg)
        cls.compiler = kept
        cls.directory = entry["directory"]

    def compile_with(self, wit_text: str) -> subprocess.CompletedProcess:
        with tempfile.TemporaryDirectory() as tmp:
            header = os.path.join(tmp, "host/runtime/canonical_abi/contract_abi.hpp")
            os.makedirs(os.path.dirname(header))
            with open(header, "w", encoding="utf-8") as f:
                f.write(gen.host_abi(parse(wit_text, WIT_NAME), WIT_NAME))
            unit = os.path.join(tmp, "unit.cpp")
            with open(unit, "w", encoding="utf-8") as f:
                f.write('#include "host/runtime/canonical_abi/contract_abi.hpp"\n')
            command = [self.compiler[0], f"-I{tmp}", *self.compiler[1:], "-fsyntax-only", unit]
            env = dict(os.environ, LC_ALL="C")  # plain quotes in the compiler's messages
            return subprocess.run(command, cwd=self.directory, env=env, capture_output=True,
                                  text=True)

    def assert_fails_naming(self, wit_text: str, message: str):
        result = self.compile_with(wit_text)
        self.assertNotEqual(result.returncode, 0, "the drifted mirror compiled")
        self.assertIn(message, result.stderr)

    def test_the_contract_as_it_is_compiles(self):
        result = self.compile_with(contract_text())
        self.assertEqual(result.returncode, 0, result.stderr)

    def test_added_record_field(self):
        text = contract_text().replace("    value: string,\n  }\n\n  record connector-error",
                                       "    value: string,\n    severity: u8,\n  }\n\n"
                                       "  record connector-error", 1)
        self.assert_fails_naming(text, "'severity' is not a member of 'rapidbyte::protocol::Detail'")
        line = line_of(text, "    severity: u8,")
        self.assert_fails_naming(text, f"{WIT_NAME}:{line}: field detail.severity must be uint8_t")

    def test_changed_field_type(self):
        text = contract_text().replace("    retryable: bool,", "    retryable: u8,", 1)
        line = line_of(text, "    retryable: u8,")
        self.assert_fails_naming(
            text, f"{WIT_NAME}:{line}: field connector-error.retryable must be uint8_t retryable")

    def test_reordered_enum_cases(self):
        text = contract_text().replace("enum error-scope { per-stream, per-batch, per-record }",
                                       "enum error-scope { per-batch, per-stream, per-record }", 1)
        line = line_of(text, "enum error-scope")
        self.assert_fails_naming(
            text, f"{WIT_NAME}:{line}: enum error-scope case per-batch must be "
                  "p::ErrorScope::kPerBatch = 0")

    def test_added_variant_case(self):
        text = contract_text().replace("    bytes(list<u8>),\n  }", "    bytes(list<u8>),\n"
                                       "    uuid(string),\n  }", 1)
        line = line_of(text, "  variant cursor-value")
        self.assert_fails_naming(text, f"{WIT_NAME}:{line}: variant cursor-value has 8 cases")

    def test_removed_record_field(self):
        text = contract_text().replace("    cursor-candidates: list<string>,\n", "", 1)
        self.assert_fails_naming(text, "5 names provided for structured binding")
        line = line_of(text, "  record catalog-stream")
        self.assert_fails_naming(text, f"{WIT_NAME}:{line}: record catalog-stream has 5 fields")


if __name__ == "__main__":
    unittest.main()
