"""Build hook: put the schemas, the generated code and the bundles into the wheel, and compile the native
checker into it when cargo is there.

Only a real wheel gets them; an editable install reads them from the checkout (the `.pth` file adds
`src/` and `generated/python/`), so a regenerated model is used at once, never a stale copy; there the
native checker is `make native`'s.

The native checker (native/ over generated/rust, PyO3, abi3) is compiled with cargo into
`llm_analytics_hub/_native.abi3.so` and the wheel is tagged `cp311-abi3-<platform>`: any CPython from
3.11. Why a hook and not maturin: the wheel maps generated/ and schemas/ into the package (maturin ships
one Python source folder as it lies), the editable install must stay pure Python with the checkout's
folders on the path, and without a Rust toolchain the build must still give the pure package, which a
Rust-only backend cannot. `LLM_HUB_BUILD_NATIVE` decides:
  auto (default)  compile when cargo is found (CARGO, PATH, ~/.cargo/bin), else the pure wheel and one line
  1               compile, and fail without cargo
  0               the pure wheel (py3-none-any), as `make dist` builds the fallback
A failed compilation fails the build (with the way to build without it) rather than give a slow wheel
in silence. What happened is recorded in the wheel (`_build_info.json`), where `llm-hub doctor` reads it.
cargo builds into CARGO_TARGET_DIR, else build/rust-target, the folder `make native` uses: from a
checkout the second build of the same sources compiles nothing.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import tempfile
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface
from hatchling.metadata.plugin.interface import MetadataHookInterface

SHIPPED = {
    "schemas": "llm_analytics_hub/_schemas",
    "generated/python/llm_analytics_hub/models": "llm_analytics_hub/models",
    "generated/python/llm_analytics_hub/typeddicts": "llm_analytics_hub/typeddicts",
    "generated/python/llm_analytics_hub/pydantic": "llm_analytics_hub/pydantic",
    "generated/jsonschema": "llm_analytics_hub/bundles",
}
SETTING = "LLM_HUB_BUILD_NATIVE"
CRATE = "llm-hub-native"
# What cargo names the cdylib of native/ ([lib] name = "_native"), by platform; Python imports it by
# the name on the right.
LIBRARIES = {"linux": ("lib_native.so", "_native.abi3.so"), "darwin": ("lib_native.dylib", "_native.abi3.so"),
             "win32": ("_native.dll", "_native.pyd")}


def find_cargo() -> str | None:
    """CARGO, else cargo on PATH, else rustup's default place (~/.cargo/bin, often not on a build's PATH)."""
    named = os.environ.get("CARGO")
    if named:
        return shutil.which(named)
    return shutil.which("cargo") or shutil.which("cargo", path=str(Path.home() / ".cargo" / "bin"))


def tool_version(tool: str) -> str:
    done = subprocess.run([tool, "--version"], capture_output=True, text=True, check=False)
    return done.stdout.strip() or f"{tool} (version unknown)"


class ShipGeneratedFiles(BuildHookInterface):  # type: ignore[type-arg]
    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        if version == "editable":
            return
        build_data["force_include"].update(SHIPPED)
        self._scratch = Path(tempfile.mkdtemp(prefix="llm-hub-build-"))
        info = self._native(build_data)
        info_file = self._scratch / "_build_info.json"
        info_file.write_text(json.dumps(info, indent=2, sort_keys=True) + "\n", encoding="utf-8")
        build_data["force_include"][str(info_file)] = "llm_analytics_hub/_build_info.json"

    def finalize(self, version: str, build_data: dict[str, Any], artifact_path: str) -> None:
        scratch = getattr(self, "_scratch", None)
        if scratch is not None:
            shutil.rmtree(scratch, ignore_errors=True)

    def _native(self, build_data: dict[str, Any]) -> dict[str, Any]:
        """Compile the native checker into the wheel when asked and possible; what happened, as data."""
        mode = os.environ.get(SETTING, "auto").strip().lower()
        if mode not in ("auto", "1", "0"):
            raise SystemExit(f"{SETTING}={mode!r}: expected auto, 1 or 0")
        if mode == "0":
            return {"native": False, "reason": f"built with {SETTING}=0 (the pure package)"}
        cargo = find_cargo()
        if cargo is None:
            if mode == "1":
                raise SystemExit(f"{SETTING}=1 but cargo was not found (CARGO, PATH, ~/.cargo/bin): install Rust "
                                 "(https://rustup.rs) or build the pure package with LLM_HUB_BUILD_NATIVE=0")
            self.app.display_warning("llm-analytics-hub: cargo not found: building the pure package, without the "
                                     "native checker (llm-hub validate ~3x slower; `llm-hub doctor` says so); "
                                     "install Rust (https://rustup.rs) and reinstall to get it")
            return {"native": False, "reason": "cargo was not found when the package was built"}
        library = self._compile(cargo)
        build_data["force_include"][str(library)] = f"llm_analytics_hub/{library.name}"
        build_data["pure_python"] = False
        platform = sysconfig.get_platform().replace("-", "_").replace(".", "_")
        build_data["tag"] = f"cp311-abi3-{platform}"
        return {"native": True, "cargo": tool_version(cargo), "profile": "release", "crate": CRATE}

    def _compile(self, cargo: str) -> Path:
        root = Path(self.root)
        built_name, module_name = LIBRARIES.get(sys.platform, LIBRARIES["linux"])
        # abi3 needs no interpreter: without one the build does not depend on which Python runs it, so pip's
        # throw-away build environment reuses what `make native` compiled (Windows links against python3.lib,
        # so there PyO3 is shown this interpreter)
        env = dict(os.environ)
        if sys.platform == "win32":
            env.setdefault("PYO3_PYTHON", sys.executable)
        else:
            env["PYO3_NO_PYTHON"] = "1"
        target = root / env.setdefault("CARGO_TARGET_DIR", str(root / "build" / "rust-target"))
        command = [cargo, "build", "--release", "--locked", "-p", CRATE, "--manifest-path", str(root / "Cargo.toml")]
        self.app.display_info(f"llm-analytics-hub: compiling the native checker: {' '.join(command)}")
        done = subprocess.run(command, cwd=root, env=env, check=False)
        if done.returncode != 0:
            raise SystemExit(f"llm-analytics-hub: compiling the native checker failed (cargo exit {done.returncode}, "
                             "output above); to install without it: LLM_HUB_BUILD_NATIVE=0 pip install ...")
        library = self._scratch / module_name
        shutil.copyfile(target / "release" / built_name, library)
        return library


class SchemaVersionsInMetadata(MetadataHookInterface):
    """The description names the schema versions the package carries (the version folders of schemas/)."""

    def update(self, metadata: dict[str, Any]) -> None:
        folders = [p.name for p in (Path(self.root) / "schemas").iterdir() if re.fullmatch(r"\d+\.\d+\.\d+", p.name)]
        versions = sorted(folders, key=lambda name: tuple(int(part) for part in name.split(".")))
        metadata["description"] = str(self.config["description"]).format(versions=", ".join(versions))
