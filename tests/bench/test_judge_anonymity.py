"""Writers are anonymous to the judge: no writer name, model id or profile option reaches any judge call."""

from __future__ import annotations

import json

from punchup.bench.config import BenchConfig
from punchup.bench.run import Bench
from punchup.models.fake import script

# Distinctive names, so that finding any of them in a judge prompt cannot be a coincidence.
WRITERS = ["fake/zanzibar-quill@name=Ottoline Marchbanks", "fake/velvet-kestrel@temp=0.9;name=Barnaby Ffinch-Hatton",
           "fake/obsidian-lark"]
SECRETS = ["zanzibar", "quill", "ottoline", "marchbanks", "velvet", "kestrel", "barnaby", "ffinch", "hatton",
           "obsidian", "lark", "fake/", "temp=0.9"]


def answer_any_schema(messages, config):
    reply = {}
    for name, spec in config.json_schema["properties"].items():
        reply[name] = "Fine." if name == "rationale" else spec["enum"][len(messages[-1].content) % len(spec["enum"])]
    return json.dumps(reply)


async def test_no_judge_call_names_a_writer(store):
    for index, writer in enumerate(("zanzibar-quill", "velvet-kestrel", "obsidian-lark")):
        script(writer, lambda messages, config, index=index: f"The harbour was quiet at {index + 3} o'clock.")
    judge = script("anonymity-judge", answer_any_schema)
    judge.calls.clear()
    config = BenchConfig.build("anonymous", WRITERS, "fake/anonymity-judge", "fiction,comedy", "quick", 1, 0, None)
    summary = (await Bench(config, store).run()).to_json()
    assert {row["writer"] for row in summary["leaderboard"]} == {"Ottoline Marchbanks", "Barnaby Ffinch-Hatton",
                                                                  "fake/obsidian-lark"}
    kinds = {"pairwise" if "CANDIDATE B" in m[-1].content else "rubric" for m, _ in judge.calls}
    assert kinds == {"pairwise", "rubric"} and len(judge.calls) > 10
    for messages, _ in judge.calls:
        seen = "\n".join(message.content for message in messages).lower()
        assert not [secret for secret in SECRETS if secret in seen], seen[:300]
