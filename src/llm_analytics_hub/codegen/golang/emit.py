"""The Go module under generated/go/: one pure render function, IR and bundles in, files out.

Layout: go.mod; the root package `schemas` (ValidateJSON, Decode, New: one entry point for tools);
`validation/` (the schema checker and the checked readers and writers, hand-written Go shipped as
templates, with a copy of every bundle embedded); one package per version and area
(`v1_0_0/events`, ...) with the types; `internal/wire`, the helpers of the generated
MarshalJSON/UnmarshalJSON methods (internal: no user needs them); `internal/agreement`, the harness
of tests/test_go.py. The output is gofmt-formatted by
construction (tests/test_go.py runs gofmt -l to prove it).
"""

from __future__ import annotations

from ... import __version__
from ...schema_view.vocabulary import ANNOTATIONS, SUPPORTED
from ...versions import DEFAULT_VERSION
from ..bundle import rebased
from ..render import render_template
from ..target import Context, Files, Target
from .naming import go_string
from .views import AreaViews, go_names

ROOT = "go"
# The module lies in the FOLDER of the repository, so its path is the repository's plus the folder, and
# its versions are tags named FOLDER/vX.Y.Z (Go's rule for a module in a sub-folder); from 2.0 on the
# path ends in /vN, as Go's major version rule requires.
REPOSITORY = "github.com/llm-analytics-hub/llm-analytics-hub"
FOLDER = "generated/go"


def module_path(project_version: str) -> str:
    major = int(project_version.split(".")[0])
    return f"{REPOSITORY}/{FOLDER}" + (f"/v{major}" if major >= 2 else "")


MODULE = module_path(__version__)
GO_VERSION = "1.24"  # generics, and the `omitzero` tag option of encoding/json
RUNTIME = ("api", "eval", "facets", "formats", "json", "typed", "verdict", "scan")


def render_go(context: Context) -> Files:
    versions = list(context.versions)
    files: Files = {
        f"{ROOT}/go.mod": render_template("go/go.mod.jinja2", module=MODULE, go_version=GO_VERSION),
        f"{ROOT}/README.md": render_template("go/README.md.jinja2", module=MODULE, go_version=GO_VERSION,
                                             versions=", ".join(v.version for v in versions),
                                             default_version=DEFAULT_VERSION, release=__version__,
                                             tag=f"{FOLDER}/v{__version__}"),
    }
    for name in RUNTIME:
        files[f"{ROOT}/validation/{name}.go"] = render_template(f"go/validation/{name}.go.jinja2")
    # The compiler accepts exactly the keyword policy's keywords, spelt from the one Python list.
    files[f"{ROOT}/validation/schema.go"] = render_template(
        "go/validation/schema.go.jinja2", policy_keywords=[go_string(k) for k in sorted(SUPPORTED | ANNOTATIONS)],
        annotation_keywords=[go_string(k) for k in sorted(ANNOTATIONS)])
    files[f"{ROOT}/validation/versions.go"] = render_template(
        "go/validation/versions.go.jinja2", default_version=go_string(DEFAULT_VERSION))
    files.update(rebased({**context.bundles, **context.manifest}, f"{ROOT}/validation/schemas"))
    registry = []
    packages = []
    for version in versions:
        names = go_names(version)
        for area in version.areas:
            builder = AreaViews(version, area, names)
            views = builder.build()
            imports = builder.spell.imports
            std = sorted("encoding/json" for used in imports if used == "json")
            module = sorted([f"{MODULE}/internal/wire", f"{MODULE}/validation"]
                            + [f"{MODULE}/{version.module}/{a}" for a in imports if a not in ("json", "validation")])
            files[f"{ROOT}/{version.module}/{area.name}/{area.name}.go"] = render_template(
                "go/area.go.jinja2", version=version.version, sources=version.area_sources(area.name),
                package=area.name, area=area.name, std_imports=std, module_imports=module, types=views)
            alias = f"{version.module}{area.name}"
            packages.append((alias, f"{MODULE}/{version.module}/{area.name}"))
            registry += [(go_string(f"{version.version}|{v.catalogue}"), f"{alias}.{v.name}")
                         for v in views if v.catalogue]
    packages.append(("", f"{MODULE}/validation"))
    files[f"{ROOT}/schemas.go"] = render_template("go/schemas.go.jinja2", module=MODULE,
                                                  packages=sorted(packages, key=lambda p: p[1]), registry=registry)
    files[f"{ROOT}/internal/wire/wire.go"] = render_template("go/internal/wire.go.jinja2", module=MODULE)
    files[f"{ROOT}/internal/agreement/main.go"] = render_template("go/agreement.go.jinja2", module=MODULE)
    return files


TARGET = Target("go", ROOT, render_go)
