"""What a repository's pipeline runs: the compat check against a git revision (pre-commit, Action)
and the GitHub Action's script (annotations, job summary, step outputs)."""
