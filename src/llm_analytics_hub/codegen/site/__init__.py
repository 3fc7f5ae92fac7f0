"""`llm-hub docs build` / `docs serve`: the static schema browser, built from the IR and `compat`.

Modules: `paths` (where each page lives), `spelling` (type expressions as HTML with links),
`usage` (how to reach a type from each generated package), `pages` (one view per type page, the
home page and the version index), `history` (changelog and diff views from the compat rules),
`search` (the search index), `render` (views -> {path: text}, the only place templates are
rendered), `command` (the click group) and `serve` (a local HTTP server for a quick look).

The site is built on demand into an ignored folder (default build/site), never committed: it is
derived from committed inputs only and byte-deterministic, so there is nothing to drift-check.
"""
