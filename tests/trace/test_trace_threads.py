"""A recording of a multi-threaded program replays clean with ``--check``: every line is
written in the order in which the C core executed its call, whatever the threads did
between a call and its line (issue 16.1). The recorder performs each object-layer call
and writes its line under one lock, as it does for the DDI calls."""

from __future__ import annotations

import random
import threading
import time
from typing import Any

import dxgk
from dxgk import objects, trace

MB = 1 << 20
THREADS = 8


class _SlowAfter:
    """Stands in for ``dxgk.objects.lib``: the named C functions run, then the calling thread
    is told (``done``) and sleeps before anything else happens -- the window in which a
    line written after its call's lock was released would land after a later operation."""

    def __init__(self, real: Any, names: set[str], delay: float) -> None:
        self._real = real
        self._names = names
        self._delay = delay
        self.done = threading.Event()

    def __getattr__(self, name: str) -> Any:
        fn = getattr(self._real, name)
        if name not in self._names:
            return fn

        def slow(*args: Any) -> Any:
            r = fn(*args)
            self.done.set()
            time.sleep(self._delay)
            return r
        return slow


def _replays_clean(path: Any) -> Any:
    r = trace.replay(str(path), check=True)
    assert [str(m) for m in r.mismatches] == []
    return r


def test_a_thread_delayed_between_call_and_line_keeps_the_order(tmp_path, monkeypatch):
    path = tmp_path / "delayed.jsonl"
    slow = _SlowAfter(objects.lib, {"dxgk_vm_process_destroy"}, 0.2)
    with dxgk.record(path):
        a = dxgk.Adapter()
        p = a.create_process()
        d = p.create_device()
        c = d.create_context()
        h = a.create_allocation(MB, d)
        a.map(h)
        monkeypatch.setattr(objects, "lib", slow)
        t = threading.Thread(target=p.close)       # destroys h, c and d with the process
        t.start()
        assert slow.done.wait(10)
        # these run after the destroy in the core: they must be recorded after it
        seen = (dxgk.DxgkCbDestroyContextAllocation(a.handle, h), c.closed, d.closed)
        c.close()
        d.close()
        t.join()
        monkeypatch.undo()
        a.close()
    assert seen == (dxgk.STATUS_INVALID_HANDLE, True, True)
    lines = path.read_text().splitlines()
    order = [next(i for i, x in enumerate(lines) if key in x)
             for key in ('"process_destroy"', '"DxgkCbDestroyContextAllocation"')]
    assert order == sorted(order)
    _replays_clean(path)


def test_an_eight_thread_churn_recording_replays_clean(tmp_path):
    path = tmp_path / "churn.jsonl"
    with dxgk.record(path) as rec:
        a = dxgk.Adapter()
        shared = [a.create_process() for _ in range(2)]
        stop = threading.Barrier(THREADS)

        def work(seed: int) -> None:
            rnd = random.Random(seed)
            stop.wait()
            mine: list[Any] = []
            for _ in range(150):
                op = rnd.randrange(6)
                if op == 0 or not mine:
                    p = rnd.choice(shared + [a.create_process()])
                    d = p.create_device()
                    mine.append((p, d, d.create_context() if rnd.random() < 0.5 else None))
                elif op == 1:                            # close a whole process of ours
                    p, _, _ = mine.pop(rnd.randrange(len(mine)))
                    if p not in shared:
                        p.close()
                elif op == 2:                            # close a device or its context
                    p, d, c = rnd.choice(mine)
                    (c if c is not None and rnd.random() < 0.5 else d).close()
                else:                                    # allocations and maps, may fail
                    p, d, c = rnd.choice(mine)
                    try:
                        h = a.create_allocation(64 * 1024 * rnd.randint(1, 8), d,
                                                c if c is not None and not c.closed else None)
                        a.map(h)
                        if rnd.random() < 0.3:
                            a.destroy_allocation(h)
                    except (dxgk.DdiError, dxgk.ClosedError):
                        pass                             # closed under us by another thread

        threads = [threading.Thread(target=work, args=(i,)) for i in range(THREADS)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        a.close()
    assert rec.lines > 2000
    r = _replays_clean(path)
    assert r.ops == rec.lines - 1                  # every line but the header
