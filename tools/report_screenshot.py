"""Draw README's picture of the HTML report: docs/report_summary.png.

Writes the report of a scenario (``marsplan.write_report``, what ``marsplan plan
SCENARIO --out DIR`` writes) into a temporary folder, opens its report.html in
Debian's Chromium with Playwright (``executable_path=shutil.which("chromium")``,
``--no-sandbox``: a browser that Playwright downloads does not run here, as
tests/web/test_pages.py says), and saves the top of the page, from the title to
the end of the summary section (the verdict, the key figures, the phases and
what each partner provides and contributes), at a fixed width. The PNG is
reduced to 256 colours, as README's page screenshots (docs/images/) are, and
written atomically. The report is one self-contained file, so nothing is
served: the page is opened from disk.

Usage: ``PYTHONPATH=src python tools/report_screenshot.py [--scenario
examples/us_russia_2033.toml] [--out docs/report_summary.png] [--width 1000]``.
Run it again when the report's summary or its style sheet changes.
"""

from __future__ import annotations

import argparse
import io
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCENARIO = ROOT / "examples" / "us_russia_2033.toml"
OUT = ROOT / "docs" / "report_summary.png"
WIDTH_PX = 1000  # as the screenshot README showed before; the report fills it (up to 1180 px)
BOTTOM_MARGIN_PX = 24  # below the summary section, so its last line is not cut
COLOURS = 256  # as docs/images/*.png


def summary_png(scenario: Path, width_px: int = WIDTH_PX) -> bytes:
    """The report's top, title to the end of ``#summary``, as a 256-colour PNG."""
    import marsplan
    from PIL import Image
    from playwright.sync_api import sync_playwright

    binary = shutil.which("chromium") or shutil.which("chromium-browser")
    if binary is None:
        raise SystemExit("report_screenshot: chromium is missing: `make chromium` installs it")
    scen, catalog = marsplan.load_scenario(str(scenario))
    with tempfile.TemporaryDirectory(prefix="marsplan-shot-") as tmp:
        report = Path(marsplan.write_report(scen, catalog, Path(tmp) / "report"))
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=binary, args=["--no-sandbox"])
            try:
                page = browser.new_page(viewport={"width": width_px, "height": 900})
                errors: list[str] = []
                page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
                page.on("pageerror", lambda e: errors.append(str(e)))
                page.goto(report.as_uri(), wait_until="load")
                box = page.locator("#summary").bounding_box()
                if box is None:
                    raise SystemExit(f"report_screenshot: {report} has no #summary section")
                height = int(box["y"] + box["height"]) + BOTTOM_MARGIN_PX
                shot = page.screenshot(full_page=True,
                                       clip={"x": 0, "y": 0, "width": width_px, "height": height})
            finally:
                browser.close()
    if errors:
        raise SystemExit("report_screenshot: the report logged errors: " + "; ".join(errors))
    image = Image.open(io.BytesIO(shot)).convert("RGB").quantize(COLOURS)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scenario", type=Path, default=SCENARIO)
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--width", type=int, default=WIDTH_PX, help="page width, px")
    args = parser.parse_args(argv)
    from marsplan.io.atomic import write_atomic

    data = summary_png(args.scenario, args.width)
    write_atomic(args.out, data)
    print(f"{args.out}: {len(data) / 1024:.0f} kB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
