"""Plugin host figures: module instantiation cold (compile + instantiate) and cached
(instantiate a compiled module), and the per-call overhead of a trivial action.

Builds plugins/text once (asc, a few seconds), then times in-process with Extism.
"""

import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from statemill.plugins.build import build
from statemill.runtime import plugin_sandbox

ROUNDS = 30


def median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def main() -> None:
    import extism

    with tempfile.TemporaryDirectory() as out:
        artifact = build(Path(__file__).resolve().parents[1] / "plugins" / "text", output=Path(out))
    context = plugin_sandbox.CallContext(artifact.manifest, {}, lambda *_: None)
    payload = {"text": "Hello, World"}

    cold = []
    for _ in range(5):
        plugin_sandbox._cache.clear()
        started = time.perf_counter()
        plugin_sandbox.run_action(artifact, "slugify", payload, context)
        cold.append(time.perf_counter() - started)

    cached = []
    for _ in range(ROUNDS):
        started = time.perf_counter()
        plugin_sandbox.run_action(artifact, "slugify", payload, context)
        cached.append(time.perf_counter() - started)

    with plugin_sandbox._cache.sandbox(artifact) as sandbox:
        instantiate, calls = [], []
        plugin = extism.Plugin(sandbox.compiled)
        for _ in range(ROUNDS):
            started = time.perf_counter()
            extism.Plugin(sandbox.compiled)
            instantiate.append(time.perf_counter() - started)
            started = time.perf_counter()
            plugin.call("slugify", b'{"text": "Hello, World"}', host_context=context)
            calls.append(time.perf_counter() - started)

    print(f"module {len(artifact.module) / 1024:.1f} KiB (plugins/text, median of {ROUNDS})")
    print(f"cold, first in process               {cold[0] * 1000:7.2f} ms")
    # Later cold rounds are faster: Extism keeps compiled code of modules it has seen.
    print(f"cold, cache cleared (median of 5)    {median_ms(cold):7.2f} ms")
    print(f"cached: instantiate + call           {median_ms(cached):7.2f} ms")
    print(f"instantiate a compiled module        {median_ms(instantiate):7.2f} ms")
    print(f"per-call overhead (trivial action)   {median_ms(calls):7.3f} ms")


if __name__ == "__main__":
    main()
