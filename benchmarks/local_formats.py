"""Which weight format would let batching pay on this CPU, and what it costs in quality (issue 18).

The shipped SmolLM2 file is Q4_1, for which ggml has no batch-aware CPU kernel: a decode
step of 8 sequences costs nearly 8 steps of one. This script requantizes the shipped file
into other formats (in a temporary folder; nothing is kept) and measures, side by side in
one run, for each format:

  perplexity   on the first 256 tokens of every 20th development paragraph
               (../shared/data), as a ratio to the shipped Q4_1 file's: above 1 is worse
  1 request    tokens/s of one greedy request alone (the `local/` provider)
  8 requests   aggregate tokens/s of 8 greedy requests at once (the `local/` provider)

Throughput is the median of ROUNDS rounds that visit the formats in alternating order (a
busy machine drifts by 20 % between minutes); ratios are to the shipped file's figures.
A requantized file is derived from the Q4_1 weights (the original bf16 weights are not in
any package), so it can only be lossier.
Run: .venv/bin/python -m benchmarks.local_formats [--formats Q4_0,IQ4_NL,...]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np

from punchup.util.quiet import native_stderr_silenced

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
FORMATS = ("Q8_0", "Q5_0", "Q5_1", "IQ4_NL", "Q4_0")
PERPLEXITY_TOKENS = 256
PROMPTS = ["Describe a kitchen at dawn.", "Write two lines about rain.", "Tell a joke about a cat.",
           "Write a haiku about snow.", "Write a long story about a lighthouse keeper.", "List ten animals.",
           "Describe a storm at sea.", "Write a limerick about a dog."]
REPLY_TOKENS = 96
ROUNDS = 3


def requantize(source: Path, target: Path, ftype_name: str) -> None:
    import llama_cpp

    ftype = getattr(llama_cpp, f"LLAMA_FTYPE_MOSTLY_{ftype_name}", None)
    if not isinstance(ftype, int):
        raise SystemExit(f"--formats: '{ftype_name}' is not a llama.cpp weight format (e.g. {', '.join(FORMATS)})")
    params = llama_cpp.llama_model_quantize_default_params()
    params.ftype = ftype
    params.allow_requantize = True
    with native_stderr_silenced():  # llama.cpp prints a line per tensor
        code = llama_cpp.llama_model_quantize(str(source).encode(), str(target).encode(), params)
    if code != 0:
        raise SystemExit(f"llama.cpp could not requantize {source} to {ftype_name} (code {code})")


def sample_texts() -> list[str]:
    path = DATA / "lamp-scored-paragraphs.jsonl"
    if not path.is_file():
        raise SystemExit(f"the perplexity texts {path} are missing (this benchmark reads ../shared/data)")
    return [json.loads(line)["text"] for line in path.read_text(encoding="utf-8").splitlines()][::20]


def negative_log_likelihood(path: Path, texts: list[str]) -> tuple[float, int]:
    """Summed next-token NLL (nats) over the first PERPLEXITY_TOKENS tokens of each text, and the token count."""
    from llama_cpp import Llama

    llm = Llama(model_path=str(path), n_ctx=PERPLEXITY_TOKENS + 8, n_batch=PERPLEXITY_TOKENS + 8, n_threads=2,
                logits_all=True, verbose=False)
    total, count = 0.0, 0
    for text in texts:
        tokens = llm.tokenize(text.encode(), add_bos=True)[:PERPLEXITY_TOKENS]
        llm.reset()
        llm.eval(tokens)
        logits = np.asarray(llm.scores[: len(tokens) - 1], dtype=np.float64)
        peak = logits.max(axis=1, keepdims=True)
        log_normaliser = peak[:, 0] + np.log(np.exp(logits - peak).sum(axis=1))
        targets = np.array(tokens[1:])
        total -= float((logits[np.arange(len(targets)), targets] - log_normaliser).sum())
        count += len(targets)
    llm.close()
    return total, count


def throughput(path: Path, requests: int) -> float:
    from punchup.models import GenerateConfig, Message
    from punchup.models.providers.local import LocalModel

    model = LocalModel(str(path), parallel=requests, n_threads=2)

    async def go() -> float:
        await model.generate([Message(role="user", content="hi")], GenerateConfig(max_tokens=1))  # load first
        started = time.perf_counter()
        replies = await asyncio.gather(*[
            model.generate([Message(role="user", content=prompt)],
                           GenerateConfig(temperature=0.0, max_tokens=REPLY_TOKENS))
            for prompt in PROMPTS[:requests]])
        return sum(r.completion_tokens for r in replies) / (time.perf_counter() - started)

    return asyncio.run(go())


def main() -> None:
    from punchup.models.providers.local import smollm2_path

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--formats", default=",".join(FORMATS), help="llama.cpp ftypes, comma-separated")
    args = parser.parse_args()
    texts = sample_texts()
    shipped = smollm2_path()
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        files = [("Q4_1 (shipped)", shipped)]
        for name in [f.strip().upper() for f in args.formats.split(",") if f.strip()]:
            target = Path(folder) / f"smollm2-{name.lower()}.gguf"
            requantize(shipped, target, name)
            files.append((name, target))
        speeds: dict[str, list[tuple[float, float]]] = {label: [] for label, _ in files}
        for round_index in range(ROUNDS):
            for label, path in files if round_index % 2 == 0 else files[::-1]:
                speeds[label].append((throughput(path, 1), throughput(path, 8)))
        for label, path in files:
            nll, count = negative_log_likelihood(path, texts)
            rows.append((label, nll, count, statistics.median(one for one, _ in speeds[label]),
                         statistics.median(eight for _, eight in speeds[label])))
    _, base_nll, base_count, base_one, _ = rows[0]
    print(f"weights formats of SmolLM2-135M ({len(texts)} paragraphs, {base_count} tokens; 2 threads; "
          f"tokens/s: median of {ROUNDS} alternating rounds)")
    print(f"  {'format':<16} {'perplexity':>10} {'vs Q4_1':>8} {'1 request':>10} {'8 requests':>11} {'8 vs Q4_1 alone':>16}")
    for label, nll, count, one, eight in rows:
        ratio = float(np.exp((nll - base_nll) / count))
        print(f"  {label:<16} {np.exp(nll / count):10.2f} {ratio:7.2f}x {one:8.1f}/s {eight:9.1f}/s {eight / base_one:15.2f}x")


if __name__ == "__main__":
    main()
