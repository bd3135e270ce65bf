from punchup.store.store import DEFAULT_STORE, STORE_ENV, Store, default_store_path

__all__ = ["DEFAULT_STORE", "STORE_ENV", "Store", "default_store_path"]
