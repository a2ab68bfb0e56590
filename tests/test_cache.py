"""The on-disk table cache really stores, reloads, versions and survives corruption."""
import numpy as np

from bayes_u1x import cache


def test_cache_round_trip_and_versioning(tmp_path, monkeypatch):
    monkeypatch.setenv("BAYES_U1X_CACHE", str(tmp_path))
    calls = []

    def build():
        calls.append(1)
        return {"a": np.arange(5.0), "b": np.eye(2)}

    first = cache.cached_arrays("t", "v1", {"x": 1}, build)
    again = cache.cached_arrays("t", "v1", {"x": 1}, build)
    assert len(calls) == 1  # second call served from disk
    np.testing.assert_array_equal(first["a"], again["a"])
    files = list(tmp_path.glob("t-*.npz"))
    assert len(files) == 1 and files[0].stat().st_size > 0
    assert not list(tmp_path.glob("*.tmp*"))  # no temp files left behind
    cache.cached_arrays("t", "v2", {"x": 1}, build)  # new version -> rebuilt
    cache.cached_arrays("t", "v1", {"x": 2}, build)  # new inputs -> rebuilt
    assert len(calls) == 3


def test_corrupt_cache_file_is_rebuilt(tmp_path, monkeypatch):
    monkeypatch.setenv("BAYES_U1X_CACHE", str(tmp_path))
    cache.cached_arrays("c", "v", {}, lambda: {"a": np.ones(3)})
    f = next(tmp_path.glob("c-*.npz"))
    f.write_bytes(b"garbage")
    out = cache.cached_arrays("c", "v", {}, lambda: {"a": np.zeros(3)})
    np.testing.assert_array_equal(out["a"], np.zeros(3))
