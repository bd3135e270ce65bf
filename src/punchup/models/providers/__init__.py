"""Providers behind "provider/name" model ids: local (llama.cpp in-process) and openai (any compatible server)."""
