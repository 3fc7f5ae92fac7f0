"""`llm-hub generate`: canonical schemas -> IR -> every target under generated/.

Layers (docs/architecture.md has the map): `ir` (the typed, read-only model of the schemas, built
once from the schema view; `ir/identifiers` the Python-safe names it records), `target` (the one
interface: name, the generated/ folder it owns, `render(context) -> files`), `registry` (the list
of targets), `writer` (builds the context, runs every target, the only file I/O and the --check
diff), `command` (the click command). The targets: `python/` (dataclasses and TypedDicts), `docs`
(Markdown, with `changelog`), `bundle` (self-contained schemas and their manifest), `typescript`
(the npm package), `profile` (the codegen profile: the bundles in the subset third-party generators
read), `pydantic_models` (datamodel-code-generator run on the profile), `golang/`, `java/`, `rust/`.
Shared by the targets: `render` (the Jinja2 environment over `templates/`), `naming` (words,
unique names), `settings` (codegen/generator.toml). The schema browser (`site/`) is not a target of
generate: `llm-hub docs build` writes it to a folder of the user's choice.
"""
