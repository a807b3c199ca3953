"""CLI commands beyond validate/preview; each module exposes ``register(subparsers)``."""
