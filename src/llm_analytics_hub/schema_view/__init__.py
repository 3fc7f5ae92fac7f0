"""One view of a schema version folder for every tool: resolution of `$ref`s, `$defs/fields`
merging, tagged unions, nullable forms and maps (`views`), the catalogue types and their union
layout (`layout`), and a raw walker of subschemas for the linter (`walk`)."""
