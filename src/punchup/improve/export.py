"""Training data from a bench run: DPO pairs, SFT best texts and KTO labels, with provenance.

Only what the judges decided becomes data. A DPO pair is two texts for the same
prompt and sample whose pairwise verdict held in both orders (order flips count as
ties, ties never become pairs); SFT takes each prompt's best text; KTO labels a text
desirable when it won more decisive pairs than it lost. A text the injection guard
flagged (it addressed the judge) is never exported as the good side.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any, Literal

from punchup.bench.briefs import brief_text
from punchup.bench.state import generation_key
from punchup.errors import PunchupError
from punchup.improve.rows import assistant, user
from punchup.packs import Pack, load_packs
from punchup.store import Store
from punchup.util.hashing import content_key

Format = Literal["dpo", "sft", "kto"]


@dataclass
class RunTexts:
    """One bench run as the exporter needs it: texts, verdicts, flags and the prompts they answered."""

    run: str
    packs: dict[str, Pack]
    generations: dict[str, dict[str, Any]]
    pairs: list[dict[str, Any]]
    flags: dict[str, list[str]]  # generation key -> injection reasons from any judgment
    judges: Counter[str] = field(default_factory=Counter)

    def messages(self, pack: str, prompt_id: str) -> list[dict[str, str]]:
        """What the task asked, without any writer's own system prompt: the shared prompt of a pair."""
        spec = self.packs[pack]
        system = [{"role": "system", "content": spec.system_prompt.strip()}] if spec.system_prompt else []
        return system + [user(brief_text(spec, spec.prompt(prompt_id)))]


def load_run(store: Store, run: str, judge: str | None = None) -> RunTexts:
    stored = store.get_run(run)
    if stored is None:
        known = ", ".join(r["name"] for r in store.runs()[:5]) or "none"
        raise PunchupError(f"no bench run '{run}' in store {store.location} (recent runs: {known})")
    config = stored["config"]
    recorded = {p["name"]: p["hash"] for p in (dict(store.run_items(run, "summary")).get("summary") or {}).get("packs", [])}
    packs = {}
    for pack in load_packs(",".join(config.get("packs") or [])):
        cut = config.get("prompts_per_pack")
        pack = pack.model_copy(update={"prompts": pack.prompts[:cut]}) if cut else pack
        if pack.name in recorded and recorded[pack.name] != pack.content_hash:
            raise PunchupError(f"pack '{pack.name}' changed since run '{run}': the exported prompts would not be "
                               "the ones its texts answered; re-run the bench first")
        packs[pack.name] = pack
    generations = dict(store.run_items(run, "generation"))
    flags: dict[str, list[str]] = defaultdict(list)
    for key, result in store.run_items(run, "rubric"):
        flags[key].extend(result.get("injection") or [])
    pairs, judges = [], Counter()
    for _, pair in store.run_items(run, "pair"):
        judges[pair.get("judge", "?")] += 1
        a = generation_key(pair["pack"], pair["prompt_id"], pair["writer_a"], pair["sample"])
        b = generation_key(pair["pack"], pair["prompt_id"], pair["writer_b"], pair["sample"])
        flags[a].extend(pair.get("injection_x") or [])
        flags[b].extend(pair.get("injection_y") or [])
        if judge is None or pair.get("judge") == judge:
            pairs.append({**pair, "key_a": a, "key_b": b})
    if judge is not None and not pairs:
        raise PunchupError(f"run '{run}' has no verdicts of judge '{judge}' (its judges: {', '.join(judges) or 'none'})")
    return RunTexts(run, packs, generations, pairs, dict(flags), judges)


@dataclass
class Export:
    rows: list[dict[str, Any]]
    skipped: Counter[str]


def _decisive(pair: dict[str, Any]) -> float | None:
    """The net margin (0..1] by which text a beat b, negative if b won; None for failures and ties."""
    if not pair.get("ok") or pair.get("score_x") is None:
        return None
    margin = 2.0 * float(pair["score_x"]) - 1.0
    return margin if abs(margin) > 1e-9 else None


def _text(data: RunTexts, key: str) -> str:
    return (data.generations.get(key) or {}).get("text") or ""


def _provenance(data: RunTexts, pack: str, prompt_id: str, **extra: Any) -> dict[str, Any]:
    return {"source": "bench", "run": data.run, "pack": pack, "pack_hash": data.packs[pack].content_hash,
            "prompt_id": prompt_id, **extra}


def dpo_rows(data: RunTexts, min_margin: float = 0.0) -> Export:
    rows, skipped, seen = [], Counter(), set()
    for pair in data.pairs:
        margin = _decisive(pair)
        if margin is None:
            skipped["tie or failed judgment"] += 1
            continue
        good, bad = ("key_a", "key_b") if margin > 0 else ("key_b", "key_a")
        chosen, rejected = _text(data, pair[good]), _text(data, pair[bad])
        if abs(margin) < min_margin:
            skipped["below --min-margin"] += 1
        elif not chosen.strip() or not rejected.strip() or chosen.strip() == rejected.strip():
            skipped["identical or empty texts"] += 1
        elif data.flags.get(pair[good]):
            skipped["winner flagged by the injection guard"] += 1
        elif (seen_key := (content_key(chosen), content_key(rejected))) in seen:
            skipped["duplicate pair"] += 1
        else:
            seen.add(seen_key)
            writers = {"key_a": pair["writer_a"], "key_b": pair["writer_b"]}
            rows.append({
                "prompt": data.messages(pair["pack"], pair["prompt_id"]),
                "chosen": assistant(chosen),
                "rejected": assistant(rejected),
                "punchup": _provenance(
                    data, pair["pack"], pair["prompt_id"], judge=pair.get("judge"), margin=round(abs(margin), 4),
                    sample=pair["sample"], chosen_writer=writers[good], rejected_writer=writers[bad],
                    chosen_hash=seen_key[0], rejected_hash=seen_key[1],
                    criteria={cid: (o["score_x"] if margin > 0 else 1 - o["score_x"]) for cid, o in pair["outcomes"].items()},
                    injection={"chosen": [], "rejected": sorted(set(data.flags.get(pair[bad], [])))}),
            })
    return Export(rows, skipped)


def _text_scores(data: RunTexts) -> dict[str, list[float]]:
    """Generation key -> its pairwise scores (1 win, 0.5 tie, 0 loss) over the run's successful pairs."""
    scores: dict[str, list[float]] = defaultdict(list)
    for pair in data.pairs:
        if pair.get("ok") and pair.get("score_x") is not None:
            scores[pair["key_a"]].append(float(pair["score_x"]))
            scores[pair["key_b"]].append(1.0 - float(pair["score_x"]))
    return scores


def sft_rows(data: RunTexts, min_margin: float = 0.0) -> Export:
    """Each prompt's best unflagged text: highest mean pairwise score, then most pairs, then key order."""
    scores = _text_scores(data)
    by_prompt: dict[tuple[str, str], list[str]] = defaultdict(list)
    for key in scores:
        record = data.generations.get(key)
        if record and record.get("ok"):
            by_prompt[(record["pack"], record["prompt"])].append(key)
    rows, skipped = [], Counter()
    for (pack, prompt_id), keys in sorted(by_prompt.items()):
        candidates = [k for k in keys if not data.flags.get(k) and _text(data, k).strip()]
        skipped["flagged by the injection guard"] += len(keys) - len(candidates)
        if not candidates:
            continue
        best = max(sorted(candidates), key=lambda k: (sum(scores[k]) / len(scores[k]), len(scores[k])))
        advantage = 2.0 * sum(scores[best]) / len(scores[best]) - 1.0
        if advantage <= 0 or advantage < min_margin:
            skipped["best text did not beat the others by --min-margin"] += 1
            continue
        record = data.generations[best]
        rows.append({
            "prompt": data.messages(pack, prompt_id),
            "completion": assistant(record["text"]),
            "punchup": _provenance(data, pack, prompt_id, margin=round(advantage, 4), writer=record["writer"],
                                   sample=record["sample"], pairs=len(scores[best]), judge=_judge_of(data),
                                   completion_hash=content_key(record["text"]), injection=[]),
        })
    return Export(rows, skipped)


def kto_rows(data: RunTexts, min_margin: float = 0.0) -> Export:
    """Texts that won more decisive pairs than they lost are desirable; the reverse undesirable."""
    net: Counter[str] = Counter()
    for pair in data.pairs:
        margin = _decisive(pair)
        if margin is not None and abs(margin) >= min_margin:
            net[pair["key_a"]] += 1 if margin > 0 else -1
            net[pair["key_b"]] += -1 if margin > 0 else 1
    rows, skipped, seen = [], Counter(), set()
    for key, score in sorted(net.items()):
        record = data.generations.get(key) or {}
        text = record.get("text") or ""
        if score == 0 or not text.strip():
            skipped["as many wins as losses"] += 1
            continue
        if score > 0 and data.flags.get(key):
            skipped["winner flagged by the injection guard"] += 1
            continue
        if (record["pack"], record["prompt"], content_key(text)) in seen:
            skipped["duplicate text"] += 1
            continue
        seen.add((record["pack"], record["prompt"], content_key(text)))
        rows.append({
            "prompt": data.messages(record["pack"], record["prompt"]),
            "completion": assistant(text),
            "label": score > 0,
            "punchup": _provenance(data, record["pack"], record["prompt"], net_wins=score, writer=record["writer"],
                                   sample=record["sample"], judge=_judge_of(data), completion_hash=content_key(text),
                                   injection=sorted(set(data.flags.get(key, [])))),
        })
    return Export(rows, skipped)


def _judge_of(data: RunTexts) -> str | None:
    judges = {pair.get("judge") for pair in data.pairs}
    return judges.pop() if len(judges) == 1 else None


BUILDERS = {"dpo": dpo_rows, "sft": sft_rows, "kto": kto_rows}


def export_run(store: Store, runs: list[str], fmt: Format, *, min_margin: float = 0.0, judge: str | None = None) -> Export:
    rows: list[dict[str, Any]] = []
    skipped: Counter[str] = Counter()
    for run in runs:
        part = BUILDERS[fmt](load_run(store, run, judge), min_margin)
        rows.extend(part.rows)
        skipped.update(part.skipped)
    return Export(rows, skipped)
