"""Build hook: put the schemas, the generated models and the bundles into the wheel.

Only a real wheel gets them; an editable install reads them from the checkout (the `.pth` file
adds `src/` and `generated/python/`), so a regenerated model is used at once, never a stale copy.
"""

from __future__ import annotations

from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

SHIPPED = {
    "schemas": "llm_analytics_hub/_schemas",
    "generated/python/llm_analytics_hub/models": "llm_analytics_hub/models",
    "generated/python/llm_analytics_hub/typeddicts": "llm_analytics_hub/typeddicts",
    "generated/jsonschema": "llm_analytics_hub/bundles",
}


class ShipGeneratedFiles(BuildHookInterface):  # type: ignore[misc]
    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        if version != "editable":
            build_data["force_include"].update(SHIPPED)
