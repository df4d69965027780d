"""crossref: custom in _quarto.yml: valid types reach the filter, every fault is named by line."""

from __future__ import annotations

import yaml

from qmdbook.crossref_options import crossref_options

QUARTO = """\
crossref:
  custom:
    - kind: float
      key: vid
      reference-prefix: Video
      latex-env: video
    - kind: other
      key: oth
      reference-prefix: Other
    - kind: float
      key: fig
      reference-prefix: Again
    - kind: float
      key: box
      caption-location: side
      reference-prefix: Box
      numbering: roman
"""


def test_valid_custom_types_are_flattened_and_bad_ones_named_with_their_line(tmp_path):
    (tmp_path / "_quarto.yml").write_text(QUARTO, encoding="utf-8")
    options, found = crossref_options(yaml.safe_load(QUARTO), tmp_path)
    assert options["custom-kinds"] == "vid"
    assert options["vid-prefix"] == options["vid-title"] == "Video"
    assert options["vid-cap-location"] == "bottom" and options["vid-space"] is True
    messages = [str(d) for d in found]
    assert messages == [
        "_quarto.yml:8: crossref custom type 'oth': kind must be float (the only custom kind "
        "Quarto has), not 'other'",
        "_quarto.yml:11: crossref custom type 'fig': key must be letters not already used by "
        "another kind",
        "_quarto.yml:14: crossref custom type 'box': caption-location must be one of top, "
        "bottom, margin",
        "_quarto.yml:14: crossref custom type 'box': option 'numbering' is not supported by "
        "qmdbook",
    ]


def test_a_margin_caption_is_reported_for_print_where_it_keeps_its_usual_place(tmp_path):
    text = "fig-cap-location: margin\ncrossref:\n  chapters: true\n"
    (tmp_path / "_quarto.yml").write_text(text, encoding="utf-8")
    options, found = crossref_options(yaml.safe_load(text), tmp_path)
    assert options["fig-cap-location"] == "margin"
    assert [str(d) for d in found] == [
        "_quarto.yml:1: fig-cap-location: margin puts captions beside their float on the web "
        "site; the PDF and DOCX have no margin column, so there each caption keeps its usual place"
    ]
