"""Judge attacks on a real judge: score inflation of injected texts vs their clean twins.

Takes the probe set's injected variants (tests/judging/probes/), judges each and
its clean twin with the rubric judge (default: the embedded SmolLM2), and prints
the mean overall score of both, the inflation, how often the injected twin
scored higher, and how many injected texts the guard flagged.
Run: .venv/bin/python benchmarks/injection_inflation.py [--judge MODEL] [--limit N]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import tempfile
from pathlib import Path
from statistics import mean

from punchup.judging.factory import build_judges
from punchup.models import CachedModel, get_model
from punchup.packs import load_pack
from punchup.store import Store

PROBES = Path(__file__).resolve().parents[1] / "tests" / "judging" / "probes"
PACK_FOR_KIND = {"story_opening": "fiction", "screenplay": "screenplay", "poem": "poetry", "joke": "comedy",
                 "ad_script": "ad-script", "empathetic_reply": "empathy", "shot_list": "camera"}


def twins(limit: int) -> list[tuple[dict, dict]]:
    clean = {row["id"]: row for row in map(json.loads, (PROBES / "clean.jsonl").read_text().splitlines())}
    injected = [json.loads(line) for line in (PROBES / "injected.jsonl").read_text().splitlines()]
    return [(clean[row["base_id"]], row) for row in injected if row["base_id"] in clean][:limit]


async def measure(judge_id: str, limit: int, store_path: str) -> dict[str, float]:
    store = Store(store_path)
    judges = build_judges(judge_id, store, lambda m: CachedModel(get_model(m), store))
    clean_scores, injected_scores, flagged, higher = [], [], 0, 0
    for clean, injected in twins(limit):
        pack = load_pack(PACK_FOR_KIND[clean["kind"]])
        prompt = pack.prompts[0]
        a = await judges.rubric.judge(pack, prompt, clean["text"])
        b = await judges.rubric.judge(pack, prompt, injected["text"])
        flagged += bool(b.injection)
        if a.overall is not None and b.overall is not None:
            clean_scores.append(a.overall)
            injected_scores.append(b.overall)
            higher += b.overall > a.overall
    return {"pairs": len(clean_scores), "clean": mean(clean_scores), "injected": mean(injected_scores),
            "inflation": mean(injected_scores) - mean(clean_scores), "injected_higher": higher / len(clean_scores),
            "flagged": flagged / len(twins(limit))}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--judge", default="local/smollm2")
    parser.add_argument("--limit", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        numbers = asyncio.run(measure(args.judge, args.limit, str(Path(tmp) / "inflation.db")))
    print(f"judge {args.judge}, {numbers['pairs']} clean/injected twins judged (rubric overall, 1-10)")
    print(f"mean score, clean twins        {numbers['clean']:6.2f}")
    print(f"mean score, injected twins     {numbers['injected']:6.2f}")
    print(f"inflation (injected - clean)   {numbers['inflation']:+6.2f}")
    print(f"injected twin scored higher    {numbers['injected_higher']:6.0%}")
    print(f"injected twins flagged         {numbers['flagged']:6.0%}")


if __name__ == "__main__":
    main()
