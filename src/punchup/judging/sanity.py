"""Sanity before subtlety: every judge must prefer competent writing to junk written to the same brief.

The competent texts are hand-written answers to one brief of each built-in
craft (sanity_cases.yaml). From each, the suite builds degenerate rivals a
working writer would throw out on sight: a repetition loop, the brief echoed
back, lorem ipsum, an empty and a one-line answer, a refusal, prose where a
Fountain scene was asked for, a shot list without the required moves, the
right format with nonsense inside, and the competent text itself with a fifth of
its words moved to other places (scrambling breaks up the habits a craft judge
counts against a text, so it must not pass for fresher writing). Each pair is
put to the judge twice, once in each order (and each judge call compares both
orders itself), and passes only if the competent text wins both times. A failed judgment is a failure, never a
pass. Any judge can be run: built-in, learned or an LLM (`punchup calibrate --sanity`).
"""

from __future__ import annotations

import asyncio
import random
from collections import defaultdict
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

import yaml
from pydantic import BaseModel, Field

from punchup.judging.records import PairJudging
from punchup.packs import Pack, PromptSpec, load_pack

CASES_PATH = Path(__file__).with_name("sanity_cases.yaml")
LOOP_TIMES = 12
SCRAMBLED_SHARE = 0.2  # of the competent text's words moved: enough to read as broken, few enough to keep its habits
CONCURRENCY = 4

_LOREM = ("Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labore et dolore "
          "magna aliqua. Ut enim ad minim veniam, quis nostrud exercitation ullamco laboris nisi ut aliquip ex ea commodo "
          "consequat. Duis aute irure dolor in reprehenderit in voluptate velit esse cillum dolore eu fugiat nulla pariatur.")
_SALAD = ("granite whisper elbow quantum marmalade lateral teaspoon oblong vivid thunder carpet seventeen orchid ledger "
          "pigment saddle brittle lantern cobalt sparrow velvet hinge tundra oyster bracket meadow cipher walnut").split()
_REFUSAL = "I'm sorry, but I can't help with writing that. Is there something else I can help you with?"
_SHOTS_WITHOUT_MOVES = (
    "1. WIDE: the room. She is there.\n2. MEDIUM: she looks at the desk.\n3. CLOSE: a piece of paper.\n"
    "4. MEDIUM: she reads it.\n5. CLOSE: her face.\n6. WIDE: the room again."
)


class SanityCase(BaseModel):
    pack: str
    prompt: str
    text: str


class SanityItem(BaseModel):
    pack: str
    prompt: str
    kind: str  # which degenerate text the competent one faced
    competent_first: float | None  # competent text's score when shown first (1 = won); None = failed judgment
    competent_second: float | None  # ... when shown second
    passed: bool
    error: str | None = None
    rationale: str = ""


class SanityReport(BaseModel):
    judge: str
    items: list[SanityItem]
    passed: int
    total: int
    pass_rate: float
    by_kind: dict[str, str] = Field(default_factory=dict)  # kind -> "passed/total"

    @property
    def failures(self) -> list[SanityItem]:
        return [item for item in self.items if not item.passed]


@lru_cache(maxsize=1)
def load_cases(path: Path = CASES_PATH) -> tuple[SanityCase, ...]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return tuple(SanityCase.model_validate(case) for case in data["cases"])


def _first_line(text: str) -> str:
    line = next(line for line in text.splitlines() if line.strip())
    return line.split(". ")[0].rstrip(".") + "."


def _salad(count: int, seed: int) -> str:
    rng = random.Random(seed)
    return " ".join(rng.choice(_SALAD) for _ in range(count)).capitalize() + "."


def _scrambled(text: str, seed: int, share: float = SCRAMBLED_SHARE) -> str:
    """`text` with `share` of its words swapped among their places, line breaks (and so the layout) kept."""
    lines = [line.split() for line in text.splitlines()]
    places = [(row, column) for row, line in enumerate(lines) for column in range(len(line))]
    rng = random.Random(seed)
    chosen = rng.sample(places, max(2, int(share * len(places))))
    moved = [lines[row][column] for row, column in chosen]
    rng.shuffle(moved)
    for (row, column), word in zip(chosen, moved):
        lines[row][column] = word
    return "\n".join(" ".join(line) for line in lines)


def _nonsense_in_format(pack: Pack, text: str, seed: int) -> str | None:
    """The competent text's layout kept line for line, every line's words replaced by word salad."""
    if pack.name not in ("screenplay", "camera", "comedy", "ad-script"):
        return None
    out = []
    for index, line in enumerate(text.splitlines()):
        stripped = line.strip()
        if not stripped or stripped.isupper():  # keep blank lines, scene headings and CHARACTER cues
            out.append(line)
            continue
        head, sep, _ = stripped.partition(". ") if stripped[:1].isdigit() else stripped.partition(": ")
        prefix = head + sep if sep and len(head) <= 12 else ""
        out.append(prefix + _salad(max(4, len(stripped.split()) - len(prefix.split())), seed + index))
    return "\n".join(out)


def degenerate_rivals(case: SanityCase, pack: Pack, prompt: PromptSpec) -> dict[str, str]:
    """kind -> degenerate answer to the same brief."""
    seed = sum(map(ord, case.prompt))
    rivals = {
        "repetition loop": "\n".join([_first_line(case.text)] * LOOP_TIMES),
        "junk heading loop": "\n".join(["LINKED TO THE FIRST STORY (Awesome)"] * LOOP_TIMES),
        "brief echoed back": f"{prompt.text}\n\n{prompt.text}",
        "lorem ipsum": _LOREM,
        "empty answer": "",
        "one-line answer": _first_line(case.text),
        "refusal": _REFUSAL,
        "word salad": _salad(len(case.text.split()), seed),
        "words scrambled (a fifth moved)": _scrambled(case.text, seed),
    }
    if "fountain" in (pack.output_format or "").lower():
        prose = next(c.text for c in load_cases() if c.pack == "fiction")
        rivals["prose where a Fountain scene was asked for"] = prose
    if prompt.moves:
        rivals["shot list with none of the required moves"] = _SHOTS_WITHOUT_MOVES
    nonsense = _nonsense_in_format(pack, case.text, seed)
    if nonsense is not None:
        rivals["right format, nonsense inside"] = nonsense
    return rivals


def _competent_score(result_score: float | None, competent_is_x: bool) -> float | None:
    if result_score is None:
        return None
    return result_score if competent_is_x else 1.0 - result_score


async def run_sanity(name: str, judge: PairJudging, cases: tuple[SanityCase, ...] | None = None,
                     progress: Callable[[int, int], None] | None = None) -> SanityReport:
    """Put every competent text against each of its degenerate rivals, in both orders."""
    jobs: list[tuple[SanityCase, Pack, PromptSpec, str, str]] = []
    for case in cases or load_cases():
        pack = load_pack(case.pack)
        prompt = next(p for p in pack.prompts if p.id == case.prompt)
        jobs.extend((case, pack, prompt, kind, text) for kind, text in degenerate_rivals(case, pack, prompt).items())
    slots = asyncio.Semaphore(CONCURRENCY)
    done = 0

    async def one(case: SanityCase, pack: Pack, prompt: PromptSpec, kind: str, rival: str) -> SanityItem:
        nonlocal done
        async with slots:
            first = await judge.judge_pair(pack, prompt, case.text, rival)
            second = await judge.judge_pair(pack, prompt, rival, case.text)
        done += 1
        if progress is not None:
            progress(done, len(jobs))
        scores = [_competent_score(first.score_x if first.ok else None, True),
                  _competent_score(second.score_x if second.ok else None, False)]
        errors = [r.error or "no verdict" for r in (first, second) if not r.ok]
        passed = all(s is not None and s > 0.5 for s in scores)
        return SanityItem(pack=case.pack, prompt=case.prompt, kind=kind, competent_first=scores[0],
                          competent_second=scores[1], passed=passed, error="; ".join(errors) or None,
                          rationale=first.rationale[:300])

    items = list(await asyncio.gather(*(one(*job) for job in jobs)))
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for item in items:
        counts[item.kind][0] += item.passed
        counts[item.kind][1] += 1
    passed = sum(item.passed for item in items)
    return SanityReport(judge=name, items=items, passed=passed, total=len(items),
                        pass_rate=round(passed / len(items), 4) if items else 0.0,
                        by_kind={kind: f"{p}/{t}" for kind, (p, t) in sorted(counts.items())})
