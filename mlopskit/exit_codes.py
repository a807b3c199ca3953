"""The exit codes of every `mlopskit` command (README: 0 ok; 1 a check failed; 2 bad input; 3 internal error).

A module of their own so each command module imports them without importing the CLI that
registers it (that import made ``cli`` and ``commands/*`` one import cycle).
"""

EXIT_OK, EXIT_FAILED, EXIT_BAD_INPUT, EXIT_INTERNAL = 0, 1, 2, 3
