"""Page specs: YAML in, a validated, frozen model out (every error with file:line:column)."""
