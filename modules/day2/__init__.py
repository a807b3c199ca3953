"""The day-2 interface each cloud implements (``OpsBackend``) and the types it shares with
the cloud-neutral orchestration in the application (``mlopskit.ops``): live endpoint state,
the call gateway that records, retries and classifies SDK calls, the injectable clock and the
one error type the CLI prints. No cloud SDK import here."""
