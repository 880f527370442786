"""Every public name of dxgk, and every public member of its public classes, says what it
is: `help()` on any of them is useful."""

from __future__ import annotations

import inspect

import dxgk


def _public_members(cls: type):
    for klass in cls.__mro__:
        if klass is object or not klass.__module__.startswith("dxgk"):
            continue
        for name, value in vars(klass).items():
            if name.startswith("_"):
                continue
            target = value.fget if isinstance(value, property) else value
            if isinstance(value, (staticmethod, classmethod)):
                target = value.__func__
            if callable(target) or isinstance(value, property):
                yield f"{cls.__name__}.{name}", target


def test_every_public_name_has_a_docstring():
    missing = []
    for name in dxgk.__all__:
        obj = getattr(dxgk, name)
        if isinstance(obj, (int, str)):
            continue
        if not (inspect.getdoc(obj) or "").strip() or (
                inspect.isclass(obj) and obj.__doc__.startswith(f"{name}(")):
            missing.append(name)             # (a dataclass's generated signature is no doc)
        if inspect.isclass(obj):
            missing += [n for n, f in _public_members(obj) if not (f.__doc__ or "").strip()]
    assert missing == []


def test_the_ddi_functions_document_arguments_rules_and_statuses():
    for fn in (dxgk.DxgkCbMapContextAllocation, dxgk.DxgkCbCreateContextAllocation,
               dxgk.DxgkCbUpdateContextAllocation, dxgk.DxgkCbReserveGpuVirtualAddressRange,
               dxgk.DxgkCbDestroyContextAllocation):
        doc = inspect.getdoc(fn)
        assert doc.startswith(("``NTSTATUS ", "``D3DGPU_VIRTUAL_ADDRESS ")), fn.__name__
        assert "docs/behaviour.md" in doc and "STATUS_INVALID_HANDLE" in doc, fn.__name__
        assert len(doc.split()) >= 60, fn.__name__
    doc = inspect.getdoc(dxgk.DxgkCbMapContextAllocation)
    flat = " ".join(doc.split())
    for rule in ("exclusive", "STATUS_NO_MEMORY", "do not move it", "64 KB"):
        assert rule in flat, rule
