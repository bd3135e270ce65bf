"""Plots for the report, rendered by matplotlib (Agg) to inline SVG strings.

Every SVG is cleaned for inlining: no XML prolog, no metadata (it carries
links and a timestamp), no global <style> (it would restyle the whole page),
and every id prefixed with the plot's own id, because several SVGs in one
HTML document share a single id namespace and matplotlib reuses names like
"axes_1" in every figure.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
from matplotlib.colors import Normalize  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.ticker import MaxNLocator  # noqa: E402

# Okabe-Ito: distinguishable under the common colour-vision deficiencies.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000")
# Markers repeat the colour information, so writers stay apart in greyscale print too.
MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*")
HEATMAP_CMAP = "cividis"  # perceptually uniform and colour-blind safe

_RC = {
    "svg.fonttype": "none",  # real <text>: smaller files, the page's font, selectable labels
    "svg.hashsalt": "punchup",  # deterministic ids, so the same run gives the same file
    "text.parse_math": False,  # writer names with "$" are names, not TeX
    "font.size": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.titlesize": 10,
    "axes.titleweight": "bold",
}


def writer_style(index: int) -> tuple[str, str]:
    return PALETTE[index % len(PALETTE)], MARKERS[index % len(MARKERS)]


def clean_svg(svg: str, prefix: str) -> str:
    """Make matplotlib's SVG document safe to inline many times in one HTML page."""
    svg = svg[svg.index("<svg"):]
    svg = re.sub(r"<metadata>.*?</metadata>\s*", "", svg, flags=re.S)
    svg = re.sub(r"<style[^>]*>.*?</style>\s*", "", svg, flags=re.S)
    svg = re.sub(r"<!--.*?-->", "", svg, flags=re.S)
    svg = re.sub(r'\s+xmlns(:\w+)?="[^"]*"', "", svg)  # the HTML parser knows SVG; no namespace URLs needed
    svg = re.sub(r'\bid="([^"]+)"', lambda m: f'id="{prefix}-{m.group(1)}"', svg)
    svg = re.sub(r'href="#([^"]+)"', lambda m: f'href="#{prefix}-{m.group(1)}"', svg)
    svg = re.sub(r"url\(#([^)]+)\)", lambda m: f"url(#{prefix}-{m.group(1)})", svg)
    # Scale with the column but never beyond the drawn size: drop width/height, keep the viewBox.
    opening, rest = svg.split(">", 1)
    width = re.search(r'\swidth="([\d.]+)pt"', opening)
    opening = re.sub(r'\s(width|height)="[^"]*"', "", opening)
    style = f' style="max-width:{float(width.group(1)):.0f}pt"' if width else ""
    return opening.replace("<svg", f'<svg class="plot" role="img" id="{prefix}"{style}', 1) + ">" + rest


def _to_svg(figure: Figure, plot_id: str) -> str:
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None})
    return clean_svg(buffer.getvalue(), plot_id)


def ci_bar(value: float, low: float, high: float, axis_min: float, axis_max: float, width: int = 150) -> str:
    """A small hand-drawn interval bar for a table cell: line from low to high, dot at the estimate."""
    span = (axis_max - axis_min) or 1.0

    def x(v: float) -> float:
        return 4 + (min(max(v, axis_min), axis_max) - axis_min) / span * (width - 8)

    return (
        f'<svg class="ci" viewBox="0 0 {width} 14" width="{width}" height="14" aria-hidden="true">'
        f'<line x1="4" y1="7" x2="{width - 4}" y2="7" class="ci-axis"/>'
        f'<line x1="{x(low):.1f}" y1="7" x2="{x(high):.1f}" y2="7" class="ci-range"/>'
        f'<line x1="{x(low):.1f}" y1="3" x2="{x(low):.1f}" y2="11" class="ci-range"/>'
        f'<line x1="{x(high):.1f}" y1="3" x2="{x(high):.1f}" y2="11" class="ci-range"/>'
        f'<circle cx="{x(value):.1f}" cy="7" r="3.5" class="ci-point"/></svg>'
    )


def share_bar(share: float, width: int = 80) -> str:
    """A filled bar for a 0..1 share (adherence, hit rate)."""
    filled = max(0.0, min(1.0, share)) * width
    return (f'<svg class="share" viewBox="0 0 {width} 8" width="{width}" height="8" aria-hidden="true">'
            f'<rect x="0" y="0" width="{width}" height="8" class="share-bg"/>'
            f'<rect x="0" y="0" width="{filled:.1f}" height="8" class="share-fill"/></svg>')


def criteria_heatmap(plot_id: str, writers: Sequence[str], columns: Sequence[tuple[str, bool]],
                     raw: Sequence[Sequence[float | None]]) -> str:
    """Writers x criteria. Colour is oriented (brighter = better) so negative criteria
    read the same way as the rest; the printed number is the raw mean the judge gave."""
    values = np.array([[np.nan if v is None else v for v in row] for row in raw], dtype=float)
    oriented = values.copy()
    for j, (_, negative) in enumerate(columns):
        if negative:
            oriented[:, j] = 11.0 - oriented[:, j]
    with matplotlib.rc_context(_RC):
        figure = Figure(figsize=(1.9 + 0.95 * len(columns), 0.9 + 0.42 * len(writers)))
        axes = figure.subplots()
        norm = Normalize(vmin=1, vmax=10)
        cmap = matplotlib.colormaps[HEATMAP_CMAP].with_extremes(bad="#dddddd")  # missing cells: light grey
        image = axes.imshow(np.ma.masked_invalid(oriented), cmap=cmap, norm=norm, aspect="auto")
        axes.set_xticks(range(len(columns)), [f"{label} ↓" if negative else label for label, negative in columns],
                        rotation=30, ha="right", rotation_mode="anchor")
        axes.set_yticks(range(len(writers)), list(writers))
        axes.tick_params(length=0)
        for spine in axes.spines.values():
            spine.set_visible(False)
        for i in range(len(writers)):
            for j in range(len(columns)):
                raw_value, shade = values[i, j], oriented[i, j]
                text = "—" if np.isnan(raw_value) else f"{raw_value:.1f}"
                dark_cell = not np.isnan(shade) and norm(shade) < 0.55
                axes.text(j, i, text, ha="center", va="center", fontsize=8.5, color="white" if dark_cell else "black")
        colorbar = figure.colorbar(image, ax=axes, fraction=0.04, pad=0.02)
        colorbar.set_label("better →", fontsize=8)
        return _to_svg(figure, plot_id)


def length_scatter(plot_id: str, points: dict[str, list[tuple[int, float]]], correlation: float | None) -> str:
    """Rubric overall against length for every judged text, one colour and marker per writer."""
    with matplotlib.rc_context(_RC):
        figure = Figure(figsize=(7.2, 3.6))
        axes = figure.subplots()
        every = [p for pts in points.values() for p in pts]
        for index, (writer, pts) in enumerate(points.items()):
            if not pts:
                continue
            colour, marker = writer_style(index)
            xs, ys = zip(*pts)
            axes.scatter(xs, ys, s=28, c=colour, marker=marker, alpha=0.8, edgecolors="white", linewidths=0.5,
                         label=writer)
        xs_all = np.array([p[0] for p in every], dtype=float)
        ys_all = np.array([p[1] for p in every], dtype=float)
        if len(every) >= 3 and np.std(xs_all) > 0 and np.std(ys_all) > 0:
            slope, intercept = np.polyfit(xs_all, ys_all, 1)
            line_x = np.linspace(xs_all.min(), xs_all.max(), 2)
            axes.plot(line_x, slope * line_x + intercept, color="#555555", linestyle="--", linewidth=1,
                      label="fit over all texts")
        r_text = "r not defined" if correlation is None else f"r = {correlation:+.2f}"
        axes.set_title(f"Rubric overall vs length · {r_text} · {len(every)} texts", loc="left")
        axes.xaxis.set_major_locator(MaxNLocator(integer=True))  # word counts are whole numbers
        axes.set_xlabel("words")
        axes.set_ylabel("rubric overall (1–10)")
        axes.set_ylim(0.5, 10.5)
        axes.grid(True, color="#e5e5e5", linewidth=0.6)
        axes.set_axisbelow(True)
        if every:
            axes.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False, fontsize=8)
        return _to_svg(figure, plot_id)


def persona_scatter(plot_id: str, figures: dict[str, tuple[float, float]]) -> str:
    """Persona love rate against mean persona score: a polarising writer sits high and left."""
    with matplotlib.rc_context(_RC):
        figure = Figure(figsize=(5.2, 3.2))
        axes = figure.subplots()
        for index, (writer, (mean_score, love_rate)) in enumerate(figures.items()):
            colour, marker = writer_style(index)
            axes.scatter([mean_score], [love_rate * 100], s=60, c=colour, marker=marker, label=writer,
                         edgecolors="white", linewidths=0.5)
        axes.set_xlim(0.5, 10.5)
        axes.set_ylim(-5, 105)
        axes.set_xlabel("mean persona score (1–10)")
        axes.set_ylabel("love rate (% of texts)")
        axes.set_title("Persona love rate vs mean", loc="left")
        axes.grid(True, color="#e5e5e5", linewidth=0.6)
        axes.set_axisbelow(True)
        axes.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False, fontsize=8)
        return _to_svg(figure, plot_id)
