import subprocess
import sys

import punchup


def test_every_public_name_resolves():
    assert all(getattr(punchup, name) is not None for name in punchup.__all__)


def test_import_is_lazy_and_fast():
    # `import punchup` must not drag in the heavy parts (llama.cpp, numpy, the bench) before they are used.
    code = "import sys, punchup; print(sorted(m for m in ('llama_cpp', 'numpy', 'punchup.bench.run', 'matplotlib') if m in sys.modules))"
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert loaded == "[]"
