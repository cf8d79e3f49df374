"""The records listings bring by the thousand are not tracked by the cyclic garbage collector (``Listed``),
which is only safe while they hold nothing but scalars: a list or a struct in one could close a cycle that
would then never be collected."""

from __future__ import annotations

import gc
import importlib
import inspect
import pkgutil

import msgspec
import msgspec.inspect as mi

import ssp_tui.api.models as models
from ssp_tui.api.models import Certificate, Document, SeminarActivity
from ssp_tui.api.models.common import Listed

SCALARS = (
    mi.StrType,
    mi.IntType,
    mi.FloatType,
    mi.BoolType,
    mi.NoneType,
    mi.DateType,
    mi.DateTimeType,
    mi.DecimalType,
    mi.EnumType,
    mi.LiteralType,
)


def _scalar(kind: mi.Type) -> bool:
    if isinstance(kind, mi.Metadata):
        return _scalar(kind.type)
    if isinstance(kind, mi.UnionType):
        return all(_scalar(member) for member in kind.types)
    return isinstance(kind, SCALARS)


def _listed_models() -> list[type[Listed]]:
    found: list[type[Listed]] = []
    for module_info in pkgutil.iter_modules(models.__path__):
        module = importlib.import_module(f"{models.__name__}.{module_info.name}")
        for value in vars(module).values():
            if inspect.isclass(value) and issubclass(value, Listed) and value is not Listed:
                found.append(value)
    return found


def test_every_listed_model_holds_only_scalars() -> None:
    listed = _listed_models()
    assert Certificate in listed and SeminarActivity in listed and Document in listed
    for model in listed:
        info = mi.type_info(model)
        assert isinstance(info, mi.StructType)
        containers = [f.name for f in info.fields if not _scalar(f.type)]
        assert not containers, f"{model.__name__} is Listed (untracked) but holds {containers}"


def test_decoded_records_are_not_tracked_by_the_collector() -> None:
    raw = msgspec.json.encode(
        [
            {
                "id": "act-1",
                "participant": "Dr. Ada Abbott",
                "policy_number": "MP-1",
                "policyholder": "Abbott Group",
                "seminar_id": "sem-1",
                "title": "Consent",
                "format": "online",
                "completed_on": "2026-01-05",
                "credits": "1.5",
            }
        ]
    )
    (row,) = msgspec.json.decode(raw, type=list[SeminarActivity])
    assert not gc.is_tracked(row)
