"""Making a plug-in's bugs visible in the host's log.

Built with `--stub-wasi`, a component has no stderr: an uncaught exception
traps with nothing but "wasm `unreachable` instruction executed". The
decorator below writes the exception and where it was raised to the host's
`log` first, then lets it trap, so the host still records a failed call
(a trap), never a refusal: a bug must not look like a decision.
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
    """Wraps an exported method: `Err` (a refusal) passes through untouched;
    any other exception is logged at `error` level and re-raised (a trap)."""

    @functools.wraps(export)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return export(*args, **kwargs)
        except Err:
            raise
        except Exception as error:
            log.log(log.Level.ERROR, describe(error))
            raise

    return wrapper


def describe(error: BaseException) -> str:
    """One log line: the exception and the innermost frame, e.g.
    `KeyError: 'x' (score.py:120 in behaviour)`."""
    where = ""
    # walk_tb, not extract_tb: extract_tb reads the source lines from disk,
    # and with WASI stubbed out that file access itself traps.
    for frame, line in traceback.walk_tb(error.__traceback__):
        code = frame.f_code
        where = f" ({code.co_filename.rsplit('/', 1)[-1]}:{line} in {code.co_name})"
    return f"uncaught {type(error).__name__}: {error}{where}"
