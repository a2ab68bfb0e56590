"""Small helpers shared by the CLI commands (JSON output, number formatting)."""
from __future__ import annotations

import json
import math
from fractions import Fraction

import numpy as np


def to_jsonable(obj):
    """Recursively convert numpy arrays/scalars and Fractions to JSON-friendly values (NaN -> null)."""
    if isinstance(obj, dict):
        return {str(k): to_jsonable(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [to_jsonable(v) for v in obj]
    if isinstance(obj, np.ndarray):
        return to_jsonable(obj.tolist())
    if isinstance(obj, (np.floating, float)):
        v = float(obj)
        return v if math.isfinite(v) else None
    if isinstance(obj, (np.integer,)):
        return int(obj)
    if isinstance(obj, (np.bool_,)):
        return bool(obj)
    if isinstance(obj, Fraction):
        return float(obj)
    return obj


def print_json(obj) -> None:
    print(json.dumps(to_jsonable(obj), indent=2))
