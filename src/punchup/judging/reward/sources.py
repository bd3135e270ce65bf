"""Where a learned judge's training pairs come from: expert-labelled files and distilled verdicts.

Expert pairs are calibration files (text_a/text_b/preferred, or scored paragraphs paired
off; punchup.analysis.calibration_data). Distilled pairs are DPO rows that `punchup export
--format dpo --judge J` wrote from a run judged by a stronger judge J: its verdicts, which a
local reward model can learn. Each pair keeps a source, so leave-one-source-out can hold it out.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

Triple = tuple[str, str, bool]  # (text_a, text_b, a_wins)


def labelled_pairs(paths: Sequence[Path]) -> tuple[list[Triple], list[str]]:
    from punchup.analysis.calibration_data import load_pairs

    if not paths:
        return [], []
    loaded = load_pairs(list(paths))
    return [(i.pair.text_a, i.pair.text_b, i.pair.preferred == "a") for i in loaded], [i.source for i in loaded]


def distilled_pairs(paths: Sequence[Path]) -> tuple[list[Triple], list[str]]:
    from punchup.improve.rows import read_rows

    pairs: list[Triple] = []
    sources: list[str] = []
    for path in paths:
        for row in read_rows(path, "dpo"):
            pairs.append((row.chosen[0].content, row.rejected[0].content, True))
            sources.append(f"distilled:{path.name}")
    return pairs, sources
