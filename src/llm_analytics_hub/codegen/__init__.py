"""`llm-hub generate`: canonical schemas -> IR -> dataclasses, TypedDicts, docs, bundles, npm package.

Modules: `ir` (typed read-only model of the schemas), `names` (safe identifiers), one view module
per output kind (`model_views`, `typeddict_views`, `docs`, `typescript`, `golang`) spelling types
through one exhaustive dispatch per target (`python_spelling`, ...), `render` (pure render functions
over the Jinja2 templates in `templates/`, loaded with `PackageLoader`), `formatting` (ruff format of
the Python output), `bundle` (self-contained schemas), `profile` (the codegen profile: the
bundles in the subset third-party generators read), `pydantic_models` (pydantic v2 models:
datamodel-code-generator run on the profile, output as is), `writer` (the only file I/O, and the
--check diff), `command` (the click command). The generated dataclasses need only
`llm_analytics_hub.runtime`, never this package.

Why datamodel-code-generator does not write the dataclasses and TypedDicts
--------------------------------------------------------------------------
(It does write the pydantic models, from the codegen profile, which it reads correctly: see
`pydantic_models`. What follows is about the canonical bundles and our own Python outputs.)
The issue asks to use datamodel-code-generator (dcg) "where it serves". We tried it where it
would fit best, the TypedDict output (`--output-model-type typing.TypedDict`, with template
overrides through `--custom-template-dir`), on the bundles, and it does not serve here:

* it does not read `if`/`then`, which is how the six internally tagged unions and EventPayload
  are written (DESIGN.md §3 "known tension"): it emits the union root as a TypedDict holding only
  the tag, so the variants and their `Literal` tags would have to come from somewhere else anyway;
* a `$ref` to `X.json#/$defs/fields` plus `unevaluatedProperties: false` (the leaves and the
  flattened AnalyticsEvent envelope) becomes a separate class, not merged members, and
  `closed=True` (PEP 728) cannot be requested per class from its TypedDict template context;
* it decides class names itself (deduplicating the colliding titles with numeric suffixes) and
  writes one module per input file, where we need one module per area with the catalogue titles;
* the dataclass output has no from_dict/to_dict, no tagged-union dispatch, no flattened open maps;
  all of that would be a second layer on its output, and the issue forbids post-editing it.
Running it only for the easy shapes and stitching its text together with ours would be exactly the
post-editing we must not do. So every Python output comes from our IR through our own Jinja2
templates (the same per-output-type template registry idea dcg uses). dcg stays useful as an
*independent consumer* of what we ship: the tests run it over a bundle to prove the bundles are
self-contained and readable by third-party generators.
"""
