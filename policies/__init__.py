"""Compliance and cost rules over the recorded graph (issue 5). Rules are plain functions;
the CrossGuard pack wraps the same rules. Nothing here imports a cloud SDK."""
