"""Build hook: put the schemas, the generated models and the bundles into the wheel.

Only a real wheel gets them; an editable install reads them from the checkout (the `.pth` file
adds `src/` and `generated/python/`), so a regenerated model is used at once, never a stale copy.
The native checker goes in too when `make native` has built it: the wheel is then tagged for this
platform (abi3: any CPython from 3.11); without it the wheel stays pure and validates on the
msgspec path.
"""

from __future__ import annotations

import sysconfig
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

SHIPPED = {
    "schemas": "llm_analytics_hub/_schemas",
    "generated/python/llm_analytics_hub/models": "llm_analytics_hub/models",
    "generated/python/llm_analytics_hub/typeddicts": "llm_analytics_hub/typeddicts",
    "generated/python/llm_analytics_hub/pydantic": "llm_analytics_hub/pydantic",
    "generated/jsonschema": "llm_analytics_hub/bundles",
}


NATIVE = "src/llm_analytics_hub/_native.abi3.so"  # git-ignored, so only ever shipped from here


class ShipGeneratedFiles(BuildHookInterface):  # type: ignore[misc]
    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        if version != "editable":
            build_data["force_include"].update(SHIPPED)
            if (Path(self.root) / NATIVE).is_file():
                build_data["force_include"][NATIVE] = "llm_analytics_hub/_native.abi3.so"
                build_data["pure_python"] = False
                platform = sysconfig.get_platform().replace("-", "_").replace(".", "_")
                build_data["tag"] = f"cp311-abi3-{platform}"
