"""Screenshots of the kit's HTML reports, rendered by headless Chromium, saved as PNGs: the
comparison report's overview (verdict, summary, shared-scale cost chart) and each target's
architecture diagram, and the monitor job's report as one page (``make screenshots`` runs both).

    python scripts/screenshot_report.py out/compare/compare.html docs/img
    python scripts/screenshot_report.py --name monitor out/monitor/report.html docs/img

Each ``<section id=...>`` of a report is cut out into a page of its own (with the report's CSS)
and shot at 1440 px wide, the width the reports are laid out for; a report without sections is
shot whole. Beside the PNGs, ``NAME.html.sha256`` holds the hash of the HTML that was shot:
tests/test_screenshots.py renders the report again and fails when it differs (stale images).
Needs a Chromium binary on PATH (Debian: ``apt-get install chromium-headless-shell``, or
``chromium``); set CHROMIUM to choose one.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

WIDTH = 1440
BINARIES = ("chromium-headless-shell", "chromium", "chromium-browser", "google-chrome")


def chromium() -> str:
    """The Chromium to run (CHROMIUM, else the first of BINARIES on PATH)."""
    chosen = os.environ.get("CHROMIUM") or next((b for b in BINARIES if shutil.which(b)), None)
    if chosen is None:
        sys.exit("no Chromium found: apt-get install chromium-headless-shell (or set CHROMIUM)")
    return chosen


def sections(html: str) -> dict[str, str]:
    """The report's <section id=...> parts, by id."""
    return {m.group(1): m.group(0) for m in re.finditer(r'<section id="([^"]+)">.*?</section>', html, re.S)}


def height_of(fragment: str) -> int:
    """Enough height for the fragment: its SVGs' heights plus room for headings, tables and text."""
    svgs = sum(int(float(h)) for h in re.findall(r'<svg[^>]*? height="([\d.]+)"', fragment))
    rows = fragment.count("<tr>") + fragment.count("<div class=\"verdict")
    blocks = sum(fragment.count(tag) for tag in ("<h1", "<h2", "<h3", "<p>", "<p "))  # not <path
    return svgs + 34 * rows + 56 * blocks + 160


def shoot(binary: str, page: Path, png: Path, height: int) -> None:
    subprocess.run([binary, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                    f"--window-size={WIDTH},{height}", f"--screenshot={png}", page.as_uri()],
                   check=True, capture_output=True, timeout=120)


def digest_line(html: str, name: str) -> str:
    """What ``NAME.html.sha256`` holds: the sha256 of the HTML shot (sha256sum's format)."""
    return f"{hashlib.sha256(html.encode('utf-8')).hexdigest()}  {name}.html\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("report", type=Path, help="compare.html of `mlopskit compare --out DIR`, or report.html "
                                                  "of `mlopskit monitor run --out DIR`")
    parser.add_argument("out", type=Path, help="directory for the PNGs")
    parser.add_argument("--name", default="report", help="prefix of the PNGs and the hash file (default: report)")
    args = parser.parse_args()
    html = args.report.read_text(encoding="utf-8")
    style = re.search(r"<style>.*?</style>", html, re.S)
    head = f'<!DOCTYPE html><html><head><meta charset="utf-8">{style.group(0) if style else ""}</head><body>'
    args.out.mkdir(parents=True, exist_ok=True)
    binary = chromium()
    parts = sections(html) or {"": html}
    with tempfile.TemporaryDirectory() as tmp:
        for name, fragment in parts.items():
            page = Path(tmp) / f"{name or 'page'}.html"
            page.write_text(fragment if not name else head + fragment + "</body></html>", encoding="utf-8")
            png = args.out / (f"{args.name}-{name}.png" if name else f"{args.name}.png")
            shoot(binary, page, png, height_of(fragment))
            print(f"wrote {png}")
    (args.out / f"{args.name}.html.sha256").write_text(digest_line(html, args.name), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
