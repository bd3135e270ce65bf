"""Studio progress on the real embedded model: how soon the writer sees text, and how often the page updates.

An expand of N alternatives used to show nothing but a spinner until all N
were done. Now each alternative's text streams into the progress element token
by token while the model writes it, and stays there when it is finished.
Measured side by side in one run, over HTTP exactly as the page polls
(GET /tasks/ID, every 0.5 s, as htmx does):

- time to the first text on screen (a streamed partial alternative), the first
  finished alternative, and the whole expand (what the page showed before);
- progress updates per second: how often a poll brought new text, and how
  often it refreshed at all (the elapsed time).

Run: python -m benchmarks.studio_progress [--n 3] [--max-tokens 160]
"""

from __future__ import annotations

import argparse
import re
import tempfile
import threading
import time
from pathlib import Path

import httpx
import uvicorn

from punchup.studio import Studio
from punchup.studio.web import create_app

POLL_S = 0.5  # the page's hx-trigger="every 500ms"
TEXTS = re.compile(r'<span class="text">(.*?)</span>', re.S)


def serve(studio: Studio, port: int) -> uvicorn.Server:
    server = uvicorn.Server(uvicorn.Config(create_app(studio), host="127.0.0.1", port=port, log_level="warning"))
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.02)
    return server


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=3)
    parser.add_argument("--max-tokens", type=int, default=160)
    parser.add_argument("--port", type=int, default=8799)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        studio = Studio.open(str(Path(folder) / "bench.db"), writer="local/smollm2", max_tokens=args.max_tokens)
        server = serve(studio, args.port)
        base = f"http://127.0.0.1:{args.port}"
        client = httpx.Client(base_url=base, timeout=600, headers={"Origin": base,
                                                                   "Content-Type": "application/x-www-form-urlencoded"})
        made = client.post("/stories", data={"logline": "A lighthouse keeper owes her life to the smuggler she must report.",
                                             "pack": "screenplay"}, follow_redirects=False)
        story = int(made.headers["location"].rsplit("/", 1)[1])
        started = time.monotonic()
        html = client.post(f"/stories/{story}/nodes/logline/expand", data={"n": str(args.n)}).text
        url = re.search(r'hx-get="(/tasks/\d+)"', html).group(1)  # type: ignore[union-attr]
        first_text = first_landed = None
        polls = content_updates = 0
        shown: list[str] = []
        while True:
            time.sleep(POLL_S)
            answer = client.get(url)
            polls += 1
            now = time.monotonic() - started
            if answer.headers.get("HX-Retarget"):
                done = now
                break
            texts = [t for t in TEXTS.findall(answer.text) if t.strip()]
            if texts != shown:
                content_updates += 1
                shown = texts
                first_text = now if first_text is None else first_text
            if first_landed is None and '<ol class="landed">' in answer.text:
                first_landed = now
        server.should_exit = True
    first = first_text if first_text is not None else done
    landed = first_landed if first_landed is not None else done
    print(f"expand of {args.n} premises on local/smollm2 (≤{args.max_tokens} tokens each), polled every {POLL_S} s:")
    print(f"  first text on screen (streaming):   {first:6.1f} s")
    print(f"  first alternative finished:         {landed:6.1f} s")
    print(f"  whole expand (all the page showed before per-alternative progress): {done:.1f} s")
    print(f"  ratio first text / whole expand:    {first / done:6.2f}")
    print(f"  progress refreshes per second:      {polls / done:6.2f}  (elapsed time and 'k of {args.n} done')")
    print(f"  new text per second:                {content_updates / done:6.2f}  "
          f"({content_updates} polls brought new text before the end)")

if __name__ == "__main__":
    main()
