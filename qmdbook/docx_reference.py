"""Regenerate the reference document that styles the DOCX (qmdbook/templates/docx/reference.docx).

pandoc takes every style, the page setup and the footer from it. It is built from pandoc's own
default so every style name pandoc writes exists, then restyled here; the result is committed, so
the build needs neither this script nor python-docx. Run after changing a style:

    python -m qmdbook.docx_reference

The output is byte-identical for one pandoc and python-docx version (fixed zip timestamps and
document properties), so a rerun without changes leaves git clean.
"""

from __future__ import annotations

import datetime as dt
import io
import sys
import tempfile
import zipfile
from pathlib import Path

from .tools import run_pandoc

REFERENCE_DOCX = Path(__file__).resolve().parent / "templates" / "docx" / "reference.docx"

BODY_FONT = "Arial"  # the NHS identity's digital font; present wherever Word is
MONO_FONT = "Consolas"
ACCENT = "005EB8"  # NHS Blue
ACCENT_DARK = "003087"  # NHS Dark Blue
GREY = "425563"  # NHS Dark Grey
PALE = "E8EDEE"  # NHS Pale Grey
RULE = "AEB7BD"

# Callout kinds the core may map to `custom-style="Callout Note"` etc.: border colour, tint.
CALLOUTS = {
    "Note": ("005EB8", "EEF4FB"),
    "Tip": ("007F3B", "EDF6F0"),
    "Important": ("330072", "F2EEF7"),
    "Warning": ("ED8B00", "FDF4E7"),
    "Caution": ("DA291C", "FCEEED"),
}

_FIXED_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
_FIXED_DOC_TIME = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)


def _docx():
    try:
        import docx  # python-docx: needed to regenerate only, not to build the book
    except ImportError:  # pragma: no cover - environment problem, said plainly
        sys.exit("python-docx is needed to regenerate the reference document")
    return docx


def _qn(tag: str) -> str:
    from docx.oxml.ns import qn

    return qn(tag)


def _el(tag: str, **attrs: str):
    from docx.oxml import OxmlElement

    element = OxmlElement(tag)
    for key, value in attrs.items():
        element.set(_qn(f"w:{key}"), value)
    return element


# Child order Word expects (ECMA-376); a misplaced element makes Word call the file corrupt.
_ORDER = {
    "pPr": "pStyle keepNext keepLines pageBreakBefore framePr widowControl numPr "
    "suppressLineNumbers pBdr shd tabs suppressAutoHyphens kinsoku wordWrap overflowPunct "
    "topLinePunct autoSpaceDE autoSpaceDN bidi adjustRightInd snapToGrid spacing ind "
    "contextualSpacing mirrorIndents suppressOverlap jc textDirection textAlignment "
    "textboxTightWrap outlineLvl divId cnfStyle rPr sectPr pPrChange",
    "rPr": "rStyle rFonts b bCs i iCs caps smallCaps strike dstrike outline shadow emboss "
    "imprint noProof snapToGrid vanish webHidden color spacing w kern position sz szCs "
    "highlight u effect bdr shd fitText vertAlign rtl cs em lang eastAsianLayout specVanish",
    "tblPr": "tblStyle tblpPr tblOverlap bidiVisual tblStyleRowBandSize tblStyleColBandSize "
    "tblW jc tblCellSpacing tblInd tblBorders shd tblLayout tblCellMar tblLook",
}


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _replace(parent, child):
    """Put `child` in `parent` in schema order, dropping any element of the same tag first."""
    for old in parent.findall(child.tag):
        parent.remove(old)
    order = _ORDER.get(_local(parent.tag), "").split()
    rank = order.index(_local(child.tag)) if _local(child.tag) in order else len(order)
    for sibling in parent:
        name = _local(sibling.tag)
        if name in order and order.index(name) > rank:
            sibling.addprevious(child)
            return child
    parent.append(child)
    return child


def _set_fonts(rpr, name: str) -> None:
    # pandoc's default styles name theme fonts, which Word prefers over explicit ones.
    fonts = rpr.find(_qn("w:rFonts"))
    if fonts is None:
        fonts = _el("w:rFonts")
        rpr.insert(0, fonts)
    for attr in list(fonts.attrib):
        del fonts.attrib[attr]
    for slot in ("ascii", "hAnsi", "cs", "eastAsia"):
        fonts.set(_qn(f"w:{slot}"), name)


def _style(doc, name: str, kind: str = "paragraph", base: str | None = None):
    from docx.enum.style import WD_STYLE_TYPE

    styles = doc.styles
    try:
        style = styles[name]
    except KeyError:
        wd_kind = {"paragraph": WD_STYLE_TYPE.PARAGRAPH, "table": WD_STYLE_TYPE.TABLE}[kind]
        style = styles.add_style(name, wd_kind)
        style.quick_style = True
    if base:
        style.base_style = styles[base]
    return style


def _text(
    style,
    *,
    size: float | None = None,
    bold: bool | None = None,
    italic: bool | None = None,
    colour: str | None = None,
    font: str | None = None,
) -> None:
    from docx.shared import Pt, RGBColor

    if font:
        _set_fonts(style.element.get_or_add_rPr(), font)
    if size is not None:
        style.font.size = Pt(size)
    if bold is not None:
        style.font.bold = bold
    if italic is not None:
        style.font.italic = italic
    if colour is not None:
        rpr = style.element.get_or_add_rPr()
        for old in rpr.findall(_qn("w:color")):
            rpr.remove(old)
        style.font.color.rgb = RGBColor.from_string(colour)


def _spacing(style, before: float | None = None, after: float | None = None, line=None) -> None:
    from docx.shared import Pt

    fmt = style.paragraph_format
    if before is not None:
        fmt.space_before = Pt(before)
    if after is not None:
        fmt.space_after = Pt(after)
    if line is not None:
        fmt.line_spacing = line


def _border(tag: str, colour: str, size_eighths: int, space: int = 0):
    return _el(tag, val="single", sz=str(size_eighths), space=str(space), color=colour)


def _paragraph_box(style, colour: str, tint: str) -> None:
    """A left rule and a tint behind the paragraph: how a callout reads in Word."""
    ppr = style.element.get_or_add_pPr()
    borders = _el("w:pBdr")
    borders.append(_border("w:left", colour, 24, 8))
    _replace(ppr, borders)
    _replace(ppr, _el("w:shd", val="clear", color="auto", fill=tint))


def _restyle(doc) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Mm

    styles = doc.styles
    # Document defaults: one font everywhere unless a style says otherwise; British English.
    defaults = styles.element.find(_qn("w:docDefaults"))
    rpr = defaults.find(_qn("w:rPrDefault")).find(_qn("w:rPr"))
    _set_fonts(rpr, BODY_FONT)
    for tag, value in (("w:sz", "22"), ("w:szCs", "22")):
        _replace(rpr, _el(tag, val=value))
    lang = rpr.find(_qn("w:lang"))
    lang.set(_qn("w:val"), "en-GB")

    normal = styles["Normal"]
    _text(normal, size=11, font=BODY_FONT)
    for name in ("Body Text", "First Paragraph"):
        _spacing(styles[name], before=0, after=8, line=1.15)
    _spacing(styles["Compact"], before=0, after=3, line=1.15)

    title = styles["Title"]
    _text(title, size=28, bold=True, colour=ACCENT_DARK, font=BODY_FONT)
    title.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.LEFT
    _spacing(title, before=48, after=12, line=1.0)
    subtitle = styles["Subtitle"]
    _text(subtitle, size=16, bold=False, colour=GREY)
    _spacing(subtitle, before=0, after=24)
    for name, size in (("Author", 12), ("Date", 11)):
        style = styles[name]
        _text(style, size=size, bold=False, colour="000000" if name == "Author" else GREY)
        _spacing(style, before=0, after=6)
        style.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.LEFT
    _text(styles["Abstract Title"], size=12, bold=True, colour=ACCENT_DARK)

    for level, size, colour, before, after in (
        (1, 18, ACCENT, 0, 12),
        (2, 14, ACCENT_DARK, 18, 6),
        (3, 12, ACCENT_DARK, 14, 4),
        (4, 11, ACCENT_DARK, 12, 3),
    ):
        style = styles[f"Heading {level}"]
        _text(style, size=size, bold=True, italic=level == 4, colour=colour, font=BODY_FONT)
        _spacing(style, before=before, after=after)
        style.paragraph_format.keep_with_next = True
    # Each chapter starts a page, as in the PDF, so page references in comments stay stable.
    styles["Heading 1"].paragraph_format.page_break_before = True
    heading1_ppr = styles["Heading 1"].element.get_or_add_pPr()
    rule = _el("w:pBdr")
    rule.append(_border("w:bottom", ACCENT, 12, 4))
    _replace(heading1_ppr, rule)
    _text(styles["TOC Heading"], size=18, bold=True, colour=ACCENT)

    for name in ("Caption", "Table Caption", "Image Caption"):
        # By id: python-docx looks "Caption" up as Word's built-in "caption", which pandoc's
        # reference names with a capital.
        style = next(s for s in styles if s.style_id == name.replace(" ", ""))
        _text(style, size=9.5, italic=False, colour="000000")
    _spacing(styles["Table Caption"], before=12, after=4)
    styles["Table Caption"].paragraph_format.keep_with_next = True
    _spacing(styles["Image Caption"], before=4, after=14)
    figure = styles["Captioned Figure"]
    figure.paragraph_format.keep_with_next = True
    for name in ("Figure", "Captioned Figure"):
        styles[name].paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER

    block = styles["Block Text"]
    _text(block, colour=GREY)
    block.paragraph_format.left_indent = Mm(10)
    block.paragraph_format.right_indent = Mm(10)

    bib = styles["Bibliography"]
    bib.paragraph_format.left_indent = Mm(10)
    bib.paragraph_format.first_line_indent = Mm(-10)
    _spacing(bib, before=0, after=6)

    _text(styles["Footnote Text"], size=9)
    _text(styles["Verbatim Char"], size=9.5, font=MONO_FONT)
    link = styles["Hyperlink"]
    _text(link, colour=ACCENT)
    link.font.underline = True  # links must not be told apart by colour alone

    for kind, (colour, tint) in CALLOUTS.items():
        style = _style(doc, f"Callout {kind}", base="Body Text")
        _paragraph_box(style, colour, tint)
        style.paragraph_format.left_indent = Mm(3)
        # Spacing after, not before: Word draws one box round consecutive paragraphs of one
        # callout and the gap then separates two callouts in a row.
        _spacing(style, before=0, after=6)

    # The core marks a part's title with custom-style="Part Title": a page of its own, listed in
    # the contents and Word's navigation pane at the chapters' level.
    part = _style(doc, "Part Title", base="Normal")
    _text(part, size=24, bold=True, colour=ACCENT, font=BODY_FONT)
    part.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    part.paragraph_format.page_break_before = True
    part.paragraph_format.keep_with_next = False
    _spacing(part, before=200, after=0)
    _replace(part.element.get_or_add_pPr(), _el("w:outlineLvl", val="0"))

    _table_style(doc)

    footer_style = _style(doc, "Footer", base="Normal")
    _text(footer_style, size=9, colour=GREY)


def _table_style(doc) -> None:
    """pandoc's "Table" style: rules above, below and between rows, a tinted bold header."""
    table = doc.styles["Table"].element
    tblpr = table.find(_qn("w:tblPr"))
    borders = _el("w:tblBorders")
    borders.append(_border("w:top", ACCENT_DARK, 8))
    borders.append(_border("w:bottom", ACCENT_DARK, 8))
    borders.append(_border("w:insideH", RULE, 4))
    _replace(tblpr, borders)
    margins = tblpr.find(_qn("w:tblCellMar"))
    for side in ("top", "bottom"):
        margins.find(_qn(f"w:{side}")).set(_qn("w:w"), "40")
    # Table text slightly smaller and tight, so wide evidence tables fit the page.
    for tag in ("w:pPr", "w:rPr"):
        for old in table.findall(_qn(tag)):
            table.remove(old)
    ppr = _el("w:pPr")
    ppr.append(_el("w:spacing", before="0", after="0", line="240", lineRule="auto"))
    rpr = _el("w:rPr")
    rpr.append(_el("w:sz", val="19"))
    rpr.append(_el("w:szCs", val="19"))
    tblpr.addprevious(ppr)
    tblpr.addprevious(rpr)

    first_row = table.find(_qn("w:tblStylePr"))
    for child in list(first_row):
        first_row.remove(child)
    row_rpr = _el("w:rPr")
    row_rpr.append(_el("w:b"))
    row_rpr.append(_el("w:bCs"))
    row_rpr.append(_el("w:color", val=ACCENT_DARK))
    first_row.append(row_rpr)
    row_trpr = _el("w:trPr")
    row_trpr.append(_el("w:tblHeader"))  # the header row repeats on every page
    first_row.append(row_trpr)
    tcpr = _el("w:tcPr")
    cell_borders = _el("w:tcBorders")
    cell_borders.append(_border("w:bottom", ACCENT_DARK, 8))
    tcpr.append(cell_borders)
    tcpr.append(_el("w:shd", val="clear", color="auto", fill=PALE))
    tcpr.append(_el("w:vAlign", val="bottom"))
    first_row.append(tcpr)


def _page_setup(doc) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Mm

    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    for side in ("top", "bottom", "left", "right"):
        setattr(section, f"{side}_margin", Mm(25))
    section.header_distance = section.footer_distance = Mm(12.5)
    # Page numbers, so a reviewer can say where a comment belongs when the file is printed.
    paragraph = section.footer.paragraphs[0]
    paragraph.style = doc.styles["Footer"]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = paragraph.add_run()
    run._r.append(_el("w:fldChar", fldCharType="begin"))
    instr = _el("w:instrText")
    instr.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    instr.text = " PAGE "
    run._r.append(instr)
    run._r.append(_el("w:fldChar", fldCharType="separate"))
    number = _el("w:t")
    number.text = "1"
    run._r.append(number)
    run._r.append(_el("w:fldChar", fldCharType="end"))


def _fix_properties(doc) -> None:
    props = doc.core_properties
    props.title = ""
    props.author = ""
    props.last_modified_by = ""
    props.revision = 1
    props.created = props.modified = _FIXED_DOC_TIME.replace(tzinfo=None)


def _normalise_zip(data: bytes) -> bytes:
    """Same parts, fixed timestamps: python-docx stamps every zip entry with the current time."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=_FIXED_ZIP_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            dst.writestr(fixed, src.read(info.filename))
    return out.getvalue()


def build_reference(out_path: Path = REFERENCE_DOCX) -> Path:
    docx = _docx()
    with tempfile.TemporaryDirectory() as tmp:
        default = Path(tmp) / "default.docx"
        run_pandoc(["-o", str(default), "--print-default-data-file", "reference.docx"])
        doc = docx.Document(str(default))
    _restyle(doc)
    _page_setup(doc)
    _fix_properties(doc)
    buffer = io.BytesIO()
    doc.save(buffer)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    out_path.write_bytes(_normalise_zip(buffer.getvalue()))
    return out_path


def main() -> None:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else REFERENCE_DOCX
    print(build_reference(out))


if __name__ == "__main__":
    main()
