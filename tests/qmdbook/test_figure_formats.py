"""A figure's two files: the SVG matplotlib draws, and the PNG rasterised from it by Typst."""

from __future__ import annotations

import base64
import io
import struct

from PIL import Image

from qmdbook.execute import execute_chapter
from qmdbook.qmd import parse_qmd

PLOT = """```{{python}}
import matplotlib
import matplotlib.pyplot as plt
{setting}
fig, ax = plt.subplots(figsize=(4, 3))
ax.bar(["a", "b", "c"], [3, 1, 2], color="tab:blue")
ax.set_title("Three bars")
```
"""


def _chunks(png: bytes) -> dict[bytes, bytes]:
    found, i = {}, 8
    while i < len(png):
        (n,) = struct.unpack(">I", png[i : i + 4])
        found.setdefault(png[i + 4 : i + 8], png[i + 8 : i + 8 + n])
        i += 12 + n
    return found


def _figure(tmp_path, setting: str = "") -> tuple[bytes, str]:
    doc = parse_qmd(PLOT.format(setting=setting), "c.qmd")
    result = execute_chapter(doc, tmp_path)
    (data,) = [o["data"] for o in result.cells[0] if "image/png" in o.get("data", {})]
    return base64.b64decode(data["image/png"]), data["image/svg+xml"]


def test_the_png_is_the_svg_rasterised_at_savefig_dpi(tmp_path):
    png, svg = _figure(tmp_path)
    chunks = _chunks(png)
    assert b"tEXt" not in chunks  # matplotlib's PNGs name it as their software; Typst's do not
    # 150 dpi, in pixels per metre, as matplotlib writes it: DOCX sizes the image from this.
    assert struct.unpack(">IIB", chunks[b"pHYs"]) == (5906, 5906, 1)
    # The same pixel size as matplotlib's own PNG of the same tight bounding box.
    import matplotlib

    matplotlib.use("agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(4, 3))
    ax.bar(["a", "b", "c"], [3, 1, 2], color="tab:blue")
    ax.set_title("Three bars")
    own = io.BytesIO()
    fig.savefig(own, format="png", dpi=150, bbox_inches="tight")
    plt.close(fig)
    ours, theirs = Image.open(io.BytesIO(png)), Image.open(io.BytesIO(own.getvalue()))
    assert abs(ours.size[0] - theirs.size[0]) <= 1 and abs(ours.size[1] - theirs.size[1]) <= 1
    # And the picture: the bars' blue covers about the same share of both.
    def blue_share(im):
        raw = im.convert("RGB").resize((120, 90)).tobytes()
        px = [raw[i : i + 3] for i in range(0, len(raw), 3)]
        return sum(1 for r, _g, b in px if b > 150 and r < 80) / len(px)

    assert abs(blue_share(ours) - blue_share(theirs)) < 0.02 and blue_share(ours) > 0.1
    assert "<svg" in svg


def test_a_figure_with_text_left_as_text_is_drawn_by_matplotlib(tmp_path):
    png, svg = _figure(tmp_path, 'matplotlib.rcParams["svg.fonttype"] = "none"')
    assert "<text" in svg
    assert b"Matplotlib" in _chunks(png)[b"tEXt"]  # fonts Typst may lack: not rasterised there
