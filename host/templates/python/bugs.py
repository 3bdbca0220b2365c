"""Makes a bug visible in the host's log before the call traps.

Built with `--stub-wasi`, the component has no stderr: an uncaught exception
traps with nothing but "wasm `unreachable` instruction executed". `logged`
writes the exception and its line to the host's `log` first, then re-raises,
so the host still records a failed call, never a decision. `Err` (a
deliberate refusal) passes through untouched.
"""

from __future__ import annotations

import functools
import traceback
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from componentize_py_types import Err
from wit_world.imports import log

P = ParamSpec("P")
R = TypeVar("R")


def logged(export: Callable[P, R]) -> Callable[P, R]:
    """Wraps an exported method; see the module's doc."""

    @functools.wraps(export)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return export(*args, **kwargs)
        except Err:
            raise
        except Exception as error:
            where = ""
            # walk_tb, not extract_tb: reading source lines from disk would trap.
            for frame, line in traceback.walk_tb(error.__traceback__):
                where = f" ({frame.f_code.co_filename.rsplit('/', 1)[-1]}:{line})"
            log.log(log.Level.ERROR, f"uncaught {type(error).__name__}: {error}{where}")
            raise

    return wrapper
