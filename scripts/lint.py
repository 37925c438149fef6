#!/usr/bin/env python3
"""Runs clang-tidy (.clang-tidy) over every translation unit of portable/, host/
and guest/, and fails on any warning.

The host build's compile database covers portable/ and host/ (and the native
build of guest/sdk); the guest build's covers guest/ compiled for wasm32-wasi,
so code that only exists in the guest is linted with the flags it is built with.
Tests, benchmarks, fuzzers and generated sources are not linted.

clang-tidy takes about as long as compiling with optimisation, so results are
cached outside the clone: one entry per translation unit, keyed by the
clang-tidy version, .clang-tidy, the compile command and the contents of the
file and every header it includes (from ninja's dependency log). A warm run
only re-lints what a change can affect.

Usage: scripts/lint.py [--build-dir build] [--jobs N] [--no-cache]
"""

from __future__ import annotations

import argparse
import concurrent.futures
import hashlib
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ROOT_PLACEHOLDER = "@RAPIDBYTE_ROOT@"
LINTED_DIRS = ("portable/", "host/", "guest/")
# wit-bindgen's output, committed (scripts/update-bindings.sh): not ours to lint.
GENERATED_DIRS = ("guest/bindings/",)
WARNING = re.compile(r"^(?P<path>[^ :]+):\d+:\d+: (warning|error): ")


def find_clang_tidy() -> str:
    found = shutil.which("clang-tidy-19") or shutil.which("clang-tidy")
    if found is None:
        sys.exit("lint: clang-tidy-19 not found (scripts/setup.sh installs it)")
    return found


def cache_dir() -> Path:
    base = os.environ.get("RAPIDBYTE_CACHE_DIR", str(Path.home() / ".cache" / "rapidbyte"))
    return Path(base) / "lint"


def translation_units(build_dir: Path) -> list[dict]:
    """Compile commands of the linted sources, each with the ninja build dir
    that can list its headers. A source in both databases is linted in both
    builds only when it is guest code (its wasm flags differ)."""
    units = []
    for database, only_guest in ((build_dir, False), (build_dir / "guest-build", True)):
        path = database / "compile_commands.json"
        if not path.is_file():
            sys.exit(f"lint: {path} is missing: run scripts/build.sh first")
        for entry in json.loads(path.read_text()):
            source = Path(entry["file"]).resolve()
            try:
                relative = source.relative_to(ROOT).as_posix()
            except ValueError:
                continue
            if not relative.startswith(LINTED_DIRS) or relative.startswith(GENERATED_DIRS):
                continue
            if only_guest and not relative.startswith("guest/"):
                continue
            units.append({"entry": entry, "source": relative, "ninja_dir": database})
    return units


def object_of(entry: dict) -> str | None:
    args = shlex.split(entry["command"]) if "command" in entry else entry["arguments"]
    for i, arg in enumerate(args[:-1]):
        if arg == "-o":
            return args[i + 1]
    return None


def dependencies(unit: dict) -> list[str] | None:
    """The files the translation unit reads, from ninja's dependency log, or
    None when ninja does not know them (then the unit is never cached)."""
    target = object_of(unit["entry"])
    if target is None:
        return None
    result = subprocess.run(["ninja", "-C", str(unit["ninja_dir"]), "-t", "deps", target],
                            capture_output=True, text=True)
    lines = result.stdout.splitlines()
    if result.returncode != 0 or not lines or "deps not found" in lines[0] or "STALE" in lines[0]:
        return None
    directory = Path(unit["entry"]["directory"])
    return sorted(str((directory / line.strip()).resolve()) for line in lines[1:] if line.strip())


def relocatable(text: str) -> str:
    """`text` with the checkout's path replaced by a placeholder, so that a
    fresh clone elsewhere (CI) finds the entries of the last run."""
    return text.replace(str(ROOT), ROOT_PLACEHOLDER)


def cache_key(unit: dict, tidy_identity: str) -> str | None:
    deps = dependencies(unit)
    if deps is None:
        return None
    digest = hashlib.sha256()
    digest.update(tidy_identity.encode())
    digest.update(relocatable(json.dumps(unit["entry"], sort_keys=True)).encode())
    # Ordered as relocated, so that where the checkout lives cannot reorder them.
    for dep in sorted(deps, key=relocatable):
        digest.update(relocatable(dep).encode())
        try:
            digest.update(Path(dep).read_bytes())
        except OSError:
            return None
    return digest.hexdigest()


def run_tidy(clang_tidy: str, unit: dict) -> str:
    result = subprocess.run(
        [clang_tidy, "--quiet", "-p", unit["entry"]["directory"], unit["entry"]["file"]],
        capture_output=True, text=True, cwd=ROOT)
    # clang-tidy prints its diagnostics on stdout and a summary on stderr;
    # a compiler error in the unit counts as a finding too.
    output = result.stdout
    if result.returncode != 0 and not WARNING.search(output):
        output += result.stderr
    return output


def lint_unit(clang_tidy: str, tidy_identity: str, unit: dict, use_cache: bool) -> tuple[str, bool]:
    key = cache_key(unit, tidy_identity) if use_cache else None
    cached = cache_dir() / key if key else None
    if cached is not None and cached.is_file():
        return cached.read_text().replace(ROOT_PLACEHOLDER, str(ROOT)), True
    output = run_tidy(clang_tidy, unit)
    if cached is not None:
        cached.parent.mkdir(parents=True, exist_ok=True)
        temporary = cached.with_suffix(".tmp")
        temporary.write_text(relocatable(output))
        temporary.replace(cached)
    return output, False


def findings(output: str) -> list[str]:
    """Each diagnostic with its notes and source excerpt, as one block."""
    blocks: list[list[str]] = []
    for line in output.splitlines():
        if WARNING.match(line):
            blocks.append([line])
        elif blocks:
            blocks[-1].append(line)
    return ["\n".join(block) for block in blocks]


def is_ours(finding: str) -> bool:
    """Whether a finding is in linted code: system and third-party headers
    (rapidjson, valijson, libstdc++) and generated sources are not ours to fix,
    and clang 19 trips over some of them even where GCC compiles them."""
    path = Path(WARNING.match(finding).group("path")).resolve()
    try:
        relative = path.relative_to(ROOT).as_posix()
    except ValueError:
        return False
    return relative.startswith(LINTED_DIRS) and not relative.startswith(GENERATED_DIRS)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build-dir", default=str(ROOT / "build"))
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--no-cache", action="store_true")
    args = parser.parse_args()

    clang_tidy = find_clang_tidy()
    # clang-tidy falls back to its default checks when it cannot parse
    # .clang-tidy, which would pass code silently: refuse to lint then.
    verify = subprocess.run([clang_tidy, "--verify-config"], capture_output=True, text=True,
                            cwd=ROOT)
    if verify.returncode != 0 or "error" in verify.stderr.lower():
        print(f"lint: {clang_tidy} cannot use .clang-tidy:\n{verify.stderr}", file=sys.stderr)
        return 1
    version = subprocess.run([clang_tidy, "--version"], capture_output=True, text=True).stdout
    tidy_identity = version + (ROOT / ".clang-tidy").read_text()
    units = translation_units(Path(args.build_dir).resolve())

    reported: dict[str, None] = {}  # insertion-ordered set: a header's finding once
    cached_units = 0
    with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as pool:
        futures = [pool.submit(lint_unit, clang_tidy, tidy_identity, u, not args.no_cache)
                   for u in units]
        for future in futures:
            output, was_cached = future.result()
            cached_units += was_cached
            for finding in findings(output):
                if is_ours(finding):
                    reported.setdefault(finding)

    for finding in reported:
        print(finding)
    print(f"lint: {len(units)} translation units ({cached_units} from the cache), "
          f"{len(reported)} findings")
    return 1 if reported else 0


if __name__ == "__main__":
    sys.exit(main())
