"""Colours and type for every figure: Okabe-Ito, which stays distinct for colour-blind readers."""

from __future__ import annotations

import functools

import matplotlib as mpl
from matplotlib.colors import LinearSegmentedColormap

OKABE_ITO = {
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
    "grey": "#999999",
    "black": "#000000",
}
LITERATURE = {"peer_reviewed": OKABE_ITO["blue"], "grey": OKABE_ITO["orange"]}
# none / mentioned / central: absence in neutral grey, then a light and a dark blue, so the
# order reads as more to less pale even in greyscale print.
COVERAGE = {"none": "#D9D9D9", "mentioned": OKABE_ITO["sky_blue"], "central": OKABE_ITO["blue"]}
BAR = OKABE_ITO["blue"]
EMPTY_HATCH = "////"
EMPTY_EDGE = "#8C8C8C"
PHASE = "#CFE6F5"  # PRISMA phase bands: a pale tint of sky blue

WIDTH = 6.3  # inches: the text width of A4 with 2.5 cm margins
FONT = 9
SMALL = 8  # the smallest size any text may have

STYLE = {
    "font.size": FONT,
    "axes.labelsize": FONT,
    "axes.titlesize": FONT,
    "xtick.labelsize": 8.5,
    "ytick.labelsize": 8.5,
    "legend.fontsize": 8.5,
    "legend.frameon": False,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.edgecolor": "#444444",
    "xtick.color": "#444444",
    "ytick.color": "#444444",
    # Text drawn as outlines keeps SVG output identical wherever it is opened.
    "svg.fonttype": "path",
    "figure.dpi": 150,
}

# White to Okabe-Ito blue: one hue, so counts read as more or less, never as categories.
SEQUENTIAL = LinearSegmentedColormap.from_list("white_blue", ["#FFFFFF", OKABE_ITO["blue"]])


def styled(make):
    """Build the figure under the house style, leaving the caller's settings untouched."""

    @functools.wraps(make)
    def wrapper(*args, **kwargs):
        with mpl.rc_context(STYLE):
            fig = make(*args, **kwargs)
        # Ticks made later, at draw time, would take whatever style is then in force.
        for ax in fig.axes:
            ax.tick_params(labelsize=STYLE["xtick.labelsize"], colors=STYLE["xtick.color"])
        return fig

    return wrapper


def text_colour(fill_share: float) -> str:
    """Black on pale cells, white on dark ones, for contrast."""
    return "white" if fill_share > 0.55 else "black"
