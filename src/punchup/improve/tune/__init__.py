"""punchup tune: LoRA fine-tuning of a local GGUF base (the [tune] extra), written back as a llama.cpp GGUF adapter.

Nothing here imports torch at module level except base/data/train, which the tune run loads on demand, so
`@lora=NAME` resolution (adapters.py) and input checks (spec.py) stay fast and work without the extra.
"""
