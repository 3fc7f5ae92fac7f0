"""Every target of `llm-hub generate`, in one list: the writer renders each and owns its folder.

To add a language, write its package (a render function from `target.Context` to files under one
folder of generated/) and add its `Target` here (docs/architecture.md walks through it).
"""

from __future__ import annotations

from . import bundle, docs, profile, pydantic_models, python, storage, typescript
from .golang import TARGET as GO
from .java import TARGET as JAVA
from .rust import TARGET as RUST
from .target import Target

TARGETS: tuple[Target, ...] = (
    python.DATACLASSES,
    python.TYPED_DICTS,
    docs.TARGET,
    bundle.TARGET,
    typescript.TARGET,
    profile.TARGET,
    pydantic_models.TARGET,
    GO,
    JAVA,
    RUST,
    storage.TARGET,
)
