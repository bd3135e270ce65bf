"""Small helpers every layer may use: content hashing, reading user text files, lazy attributes."""
