"""A bench against a server that fails 30 % of the time completes, and accounts for every call."""

from collections import Counter

from punchup.bench.config import BenchConfig
from punchup.bench.run import Bench
from tests.reliability.fault_server import FAULTS, FaultServer


async def test_bench_at_30_percent_faults_completes_and_accounts_for_every_call(store):
    with FaultServer(fault_rate=0.3, hang_s=2.5, seed=7) as server:
        options = {"base_url": server.base_url, "backoff_s": 0.01, "timeout_s": 1.0, "max_retries": 4, "concurrency": 8}
        config = BenchConfig.build("faulty", ["openai/w1", "openai/w2", "openai/w3"], "openai/judge", "fiction,poetry",
                                   "quick", 2, 0, None)
        bench = Bench(config, store, model_options=lambda model_id: options)
        summary = (await bench.run()).to_json()
    injected = sum(n for kind, n in server.outcomes.items() if kind != "ok")
    assert injected > 20 and set(server.outcomes) >= set(FAULTS)  # every kind of fault really happened
    # every call ended either succeeded or recorded as failed with its reason
    generations = list(bench.state.generations.values())
    assert len(generations) == 36
    for record in generations:
        assert record["ok"] or "gave up after" in record["error"]
    recorded_failures = store.count("calls", "error IS NOT NULL")
    stats = summary["calls"]
    per_model = {m: (s["failed"], store.count("calls", "error IS NOT NULL AND model = :m", m=m)) for m, s in stats.items()}
    assert sum(s["failed"] for s in stats.values()) == recorded_failures, per_model
    assert sum(s["made"] for s in stats.values()) == store.count("calls", "error IS NULL")
    # the summary counts the faults the provider retried through, by kind
    # (a normal answer that arrives after the client's timeout is a timeout too, so on a busy machine the
    # provider may count more timeouts than the server injected hangs; every other kind must match exactly)
    counted = Counter()
    for kinds in summary["faults"].values():
        counted.update(kinds)
    timeouts = counted.pop("timeout", 0)
    assert sum(counted.values()) == injected - server.outcomes["hang"]
    assert timeouts >= server.outcomes["hang"]
    assert summary["leaderboard"] and summary["judge_quality"]["rubric_judgments"] > 0
