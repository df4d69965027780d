"""qmdbook: renders a Quarto book project (HTML site, Typst PDF, DOCX) without the Quarto CLI.

It reads the same `_quarto.yml` and `.qmd` sources Quarto does, executes Python cells with
Jupyter, and turns the result into one pandoc document rendered once per format.
"""
