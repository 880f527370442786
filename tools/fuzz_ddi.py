"""Long, coverage-guided fuzzing of the DxgkCb* DDI surface (optional; not part of the tests).

Each fuzz input is read as a small program: a sequence of DDI calls (create, map,
destroy, update, reserve inside a process-creation hook) and object operations
(processes, devices, contexts closed with live contents), whose struct fields -- and
handles, picked from pools of live, foreign, wrong-type and destroyed handles -- come
from the input bytes. Every call runs through the reliability suite's harness
(tests/reliability/fuzzkit.py) against its pure-Python reference model
(tests/reliability/refmodel.py): a status, VA, placement, translation or counter that
differs from the model, a failed call that changed anything, or validate() failing is a
finding, and so of course is any crash. The tool reuses that harness as its oracle, so it
needs the repository's tests/ folder next to it.

Runs
----
With atheris (``pip install atheris``; Python-level coverage guides the mutations; the C
core itself is not coverage-instrumented -- that would need a clang build with
-fsanitize=fuzzer-no-link)::

    .venv/bin/python tools/fuzz_ddi.py -atheris_runs=200000 -max_len=4096 [corpus_dir]
    .venv/bin/python tools/fuzz_ddi.py -max_total_time=600 build/fuzz-corpus

Any libFuzzer flag is passed through. A finding stops the run and leaves
``crash-<sha1>`` in the current directory; replay it with ``tools/fuzz_ddi.py crash-...``.

Without atheris, the same programs from random bytes::

    .venv/bin/python tools/fuzz_ddi.py --random 5000 [--seed 1]

Under AddressSanitizer/UBSan, against the build ``make test-asan`` leaves in build/asan::

    make test-asan     # once, to build build/asan/src
    PYTHONSAFEPATH=1 PYTHONPATH=build/asan/src LD_PRELOAD=$(gcc -print-file-name=libasan.so) \\
    ASAN_OPTIONS=detect_leaks=0:allocator_may_return_null=1 \\
        .venv-asan/bin/python tools/fuzz_ddi.py --random 2000

(``pip install atheris`` into .venv-asan to combine both.)
"""

from __future__ import annotations

import argparse
import os
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
for _p in (ROOT / "tests" / "reliability", ROOT / "tests" / "ddi"):
    sys.path.insert(0, str(_p))

import fuzzkit as F  # noqa: E402  (found through the sys.path entries above)

import dxgk  # noqa: E402

MAX_OPS = 48


class Input:
    """Reads integers and bytes off the fuzz input; past its end, everything reads 0."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.pos = 0

    @property
    def left(self) -> int:
        return len(self.data) - self.pos

    def bytes(self, n: int) -> bytes:
        out = self.data[self.pos:self.pos + n]
        self.pos += n
        return out + bytes(n - len(out))

    def int(self, nbytes: int) -> int:
        return int.from_bytes(self.bytes(nbytes), "little")

    def below(self, n: int) -> int:
        return self.int(2) % n if n > 0 else 0


class Program:
    def __init__(self, inp: Input) -> None:
        self.inp = inp
        self.A = F.tight_adapter()
        self.B = F.foreign_adapter()
        self.h = F.Harness([self.A, self.B], collect=False)   # every adapter is closed
        for a in (self.A, self.B):
            p = self.h.create_process(a)
            self.h.create_context(self.h.create_device(p))

    # -- handles --

    def handle(self, kind: str) -> int | None:
        """A handle of `kind` chosen by the input, or None: keep the input's raw bytes."""
        sel = self.inp.int(1) % 8
        pools = {
            0: self.h.handles_of(kind, self.A.handle), 1: self.h.handles_of(kind, self.A.handle),
            2: self.h.handles_of(kind, self.B.handle),
            3: [x for k in ("adapter", "process", "device", "context", "allocation")
                if k != kind for x in self.h.handles_of(k)],
            4: list(self.h.world.dead)[-32:],
        }
        if sel == 5:
            return 0
        if sel >= 6:
            return None
        pool = pools[sel]
        return pool[self.inp.below(len(pool))] if pool else 0

    def patch(self, raw: bytearray, name: str, field: str, kind: str) -> None:
        import ctypes

        h = self.handle(kind)
        if h is None:
            return
        cls = F.struct_class(name, False)
        off = getattr(cls, field).offset
        raw[off:off + ctypes.sizeof(ctypes.c_void_p)] = h.to_bytes(8, "little")

    def adapter(self) -> int:
        sel = self.inp.int(1) % 10
        return self.B.handle if sel == 8 else self.inp.int(8) if sel == 9 else self.A.handle

    def struct(self, name: str) -> bytearray:
        import ctypes

        return bytearray(self.inp.bytes(ctypes.sizeof(F.struct_class(name, False))))

    # -- operations --

    def run(self) -> None:
        ops = [self.map, self.map, self.create, self.create, self.destroy, self.update,
               self.process, self.close, self.device]
        n = 0
        while self.inp.left > 0 and n < MAX_OPS:
            ops[self.inp.int(1) % len(ops)]()
            n += 1
        self.h.check_all()

    def map(self) -> None:
        raw = self.struct(F.MAP)
        plausible = self.inp.int(1) % 4 != 0
        own = self.h.handles_of("allocation", self.A.handle)
        if plausible and own:            # page-aligned, small, a live allocation of A
            h = own[self.inp.below(len(own))]
            raw[24:32] = h.to_bytes(8, "little")
            for off in (0, 8, 16):
                raw[off] = 0
                raw[off + 1] &= 0xF0
                raw[off + 5:off + 8] = bytes(3)
            if raw[50] & 3:
                raw[0:24] = bytes(24)                           # lowest fit, no window
            pages = self.h.world.handles[h][2].pages
            off = int.from_bytes(raw[32:40], "little") % pages if raw[51] & 1 else 0
            raw[32:40] = off.to_bytes(8, "little")
            raw[40:48] = (1 + int.from_bytes(raw[40:48], "little") % (pages - off)).to_bytes(
                8, "little")
            raw[48:56] = (raw[48] & 0x13).to_bytes(8, "little")  # Write, Execute, SystemUseOnly
            self.h.map(self.A.handle, raw)
            return
        self.patch(raw, F.MAP, "hAllocation", "allocation")
        self.h.map(self.adapter(), raw)

    def create(self) -> None:
        if len(self.h.handles_of("allocation")) >= 24:
            return
        raw = self.struct(F.CREATE)
        a = self.adapter()
        raw[8:16] = a.to_bytes(8, "little")
        self.patch(raw, F.CREATE, "hDevice", "device")
        self.patch(raw, F.CREATE, "hContext", "context")
        if self.inp.int(1) % 2:          # plausible: a size that fits, sane flags, no context
            raw[0:4] = (raw[0] & 2).to_bytes(4, "little")                 # MapGpuVirtualAddress
            raw[24:32] = bytes(8)
            size = 1 + int.from_bytes(raw[40:48], "little") % (2 << 20)
            raw[40:48] = size.to_bytes(8, "little")
            raw[48:52] = bytes(4)
            raw[52:56] = (1 + raw[52] % 7).to_bytes(4, "little")          # SupportedSegmentSet
            raw[60:64] = (raw[60] % 4).to_bytes(4, "little")              # PreferredSegment
            raw[68:72] = (raw[68] & 0x44).to_bytes(4, "little")           # Cached, FromEnd
        self.h.create(raw)

    def destroy(self) -> None:
        h = self.handle("allocation")
        self.h.destroy(self.adapter(), self.inp.int(8) if h is None else h)

    def update(self) -> None:
        h = self.handle("allocation")
        h = self.inp.int(8) if h is None else h
        n = self.inp.int(1) % 64
        data = self.inp.bytes(n) if self.inp.int(1) % 2 else None
        size = n if data is not None and self.inp.int(1) % 4 else self.inp.int(1) % (n + 1)
        self.h.update(self.adapter(), h, data, size)

    def process(self) -> None:
        a = self.A if self.inp.int(1) % 4 else self.B
        k = self.inp.int(1) % 4
        fail = self.inp.int(1) % 8 == 0

        def hook(p: dxgk.Process) -> None:
            for _ in range(k):
                raw = self.struct(F.RESERVE)
                if self.inp.int(1) % 4:
                    raw[0:8] = p.handle.to_bytes(8, "little")
                else:
                    self.patch(raw, F.RESERVE, "hDxgkProcess", "process")
                if self.inp.int(1) % 2:
                    cov = 2 << 20
                    raw[8:16] = ((1 + raw[8] % 8) * cov).to_bytes(8, "little")
                    raw[16:20] = bytes(4)
                    raw[32:40] = bytes(8)
                self.h.reserve(a.handle, raw)
            if fail:
                raise F.HookFailed()

        self.h.create_process(a, hook)

    def close(self) -> None:
        kinds = [("process", [p for p in self.h.procs.values() if not p.is_system]),
                 ("device", list(self.h.devices.values())),
                 ("context", list(self.h.contexts.values()))]
        kind, objs = kinds[self.inp.int(1) % 3]
        if not objs:
            return
        o = objs[self.inp.below(len(objs))]
        {"process": self.h.close_process, "device": self.h.close_device,
         "context": self.h.close_context}[kind](o)

    def device(self) -> None:
        ps = list(self.h.procs.values())
        if ps:
            self.h.create_device(ps[self.inp.below(len(ps))])

    def finish(self) -> None:
        for a in list(self.h.real.values()):
            self.h.close_adapter(a)


def one_input(data: bytes) -> None:
    prog = Program(Input(data))
    try:
        prog.run()
    finally:
        prog.finish()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--random", type=int, metavar="N",
                    help="run N programs from random bytes (no atheris needed)")
    ap.add_argument("--seed", type=int, default=0)
    args, rest = ap.parse_known_args()
    if args.random is not None:
        rng = random.Random(args.seed)
        for i in range(args.random):
            data = rng.randbytes(rng.randint(16, 2048))
            try:
                one_input(data)
            except Exception:
                out = Path(f"fuzz-finding-{args.seed}-{i}")
                out.write_bytes(data)
                print(f"finding in program {i}; input saved to {out}", file=sys.stderr)
                raise
        print(f"{args.random} programs, {sum(F.COUNTS.values())} checked DDI calls:")
        for (cb, st), n in sorted(F.COUNTS.items()):
            print(f"  {cb:40s} {st:32s} {n}")
        return 0
    replay = [p for p in rest if not p.startswith("-") and Path(p).is_file()]
    if replay:
        for p in replay:
            one_input(Path(p).read_bytes())
            print(f"{p}: no finding")
        return 0
    try:
        import atheris
    except ImportError:
        print("atheris is not installed (pip install atheris); use --random N", file=sys.stderr)
        return 2
    atheris.instrument_all()
    atheris.Setup([sys.argv[0], *rest], one_input)
    atheris.Fuzz()
    return 0


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    sys.exit(main())
