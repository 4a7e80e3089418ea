"""The ``tampering`` check: the learner's code leaves the grader alone.

The learner's file runs in the grader's own process, so it could reach the grader:
patch ``Trial.expect``, replace a builtin, install a trace hook, rewind the virtual
clock. None of that has a place in an exercise, and any of it makes the verdict
worthless. Right before the learner's code first runs, :meth:`Integrity.seal` records
the grader's state; from then on changes are noticed by kind, not trick by trick:

* **namespaces**: the identity of every value in ``builtins``, in every harness module
  and the lesson's check module, and in every class they define; each
  standard-library attribute instrument.py replaced; the interpreter's trace, profile
  and monitoring hooks. Compared when the report is made, whatever ended the grade.
* **out of reach**: decoys take the harness modules' places in ``sys.modules``. They
  answer the harness's own imports (its code is recognised by its frames' globals)
  and record any other use; a finder refuses importing any other module of the
  package, and the harness folder leaves ``sys.path``.
* **actions**, seen by an audit hook and refused as they happen: trace, profile and
  monitoring hooks, further audit hooks, searches through the garbage collector's
  objects, replacing the code of a grader's function or the class of a grader's object.
* **live objects**: after each run of a scenario its trial, fakes and loops have no
  method shadowed by an instance attribute, each global the scenario patched still
  holds the grader's stand-in, and no loop's virtual clock ran backwards.

Cost: the grader's own namespaces are surveyed once per process (:func:`survey`), and
the grade server does that before it forks, so a grade only compares them, once.
``scripts/bench_tampering.py`` measures it.

What stays possible: changing the *state* of the grader's live objects (a fake's
counters, the results) reached through closures or frames. A learner set on faking a
pass inside their own process can try that (see docs/SECURITY.md); this check catches
the tampering that takes a line or two.
"""

from __future__ import annotations

import builtins
import importlib.machinery
import operator
import os
import sys
import threading
import types
from itertools import chain
from typing import TYPE_CHECKING, Any, Callable, Iterable

from . import report as R

if TYPE_CHECKING:
    from types import FrameType

    from .clock import VirtualClockLoop
    from .session import Session
    from .trial import Trial

PACKAGE = __name__.rpartition(".")[0]  # the harness package's public name
HARNESS_FOLDER = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))  # as grade.py puts it on sys.path
HEAP_TYPE = 1 << 9  # Py_TPFLAGS_HEAPTYPE: a class defined in Python (a built-in type cannot be patched)
# Module globals the interpreter writes itself: a warning raised while a grader's frame runs is registered there.
INTERPRETER_KEYS = frozenset({"__warningregistry__"})
# Audit events refused once the grade is sealed, and how the report names each.
REFUSED_EVENTS = {
    "sys.settrace": "installed a trace function with sys.settrace (a debugger such as `breakpoint()` does: a grade cannot be debugged)",
    "sys._settraceallthreads": "installed a trace function in every thread",
    "sys.setprofile": "installed a profile function with sys.setprofile",
    "sys._setprofileallthreads": "installed a profile function in every thread",
    "sys.monitoring.register_callback": "registered a sys.monitoring callback",
    "sys.addaudithook": "added an audit hook with sys.addaudithook",
    "gc.get_referrers": "searched the garbage collector with gc.get_referrers, which reaches the grader's own objects",
    "gc.get_referents": "searched the garbage collector with gc.get_referents, which reaches the grader's own objects",
    "gc.get_objects": "searched the garbage collector with gc.get_objects, which reaches the grader's own objects",
}
CODE_ATTRIBUTES = frozenset({"__code__", "__defaults__", "__kwdefaults__"})
HOOKS = {
    "sys.settrace": "installed a trace function with sys.settrace",
    "sys.setprofile": "installed a profile function with sys.setprofile",
    "threading.settrace": "installed a trace function for new threads with threading.settrace",
    "threading.setprofile": "installed a profile function for new threads with threading.setprofile",
}
REWOUND = "wound the virtual clock back"  # reported once, for the first loop it happened to
SHOWN = 3  # findings listed in the message
FIX = ("Fix: solve the exercise with your own code; it never needs to import, patch or inspect the grader, "
       "its stand-ins, the builtins or the clock.")
_MISSING = object()
_VALUES = operator.methodcaller("values")


class Refused(RuntimeError):
    """Raised into the code that attempted something the seal forbids (an audit hook refuses by raising).

    A ``RuntimeError``, so that a refused ``sys.addaudithook`` fails quietly, as CPython arranges.
    """


class Snapshot:
    """The identity of every value in many mappings, compared with the mappings in one C-level pass."""

    def __init__(self) -> None:
        self.labels: list[str] = []
        self.mappings: list[Any] = []
        self.adopters: dict[int, Callable[[str, Any], bool]] = {}  # mapping index -> says whether an addition is the grader's own
        self.take()

    def add(self, label: str, mapping: Any, adopt: Callable[[str, Any], bool] | None = None) -> None:
        if adopt is not None:
            self.adopters[len(self.mappings)] = adopt
        self.labels.append(label)
        self.mappings.append(mapping)

    def take(self) -> None:
        self.lengths = tuple(map(len, self.mappings))
        self.keys = tuple(chain.from_iterable(self.mappings))
        self.values = tuple(chain.from_iterable(map(_VALUES, self.mappings)))

    def unchanged(self) -> bool:
        # No Python code runs during the comparison, so a learner's thread cannot change a mapping half-way through it.
        return (tuple(map(len, self.mappings)) == self.lengths
                and all(map(operator.is_, chain.from_iterable(map(_VALUES, self.mappings)), self.values)))

    def changes(self) -> list[str]:
        """What changed, in the learner's terms; then compares against the present (nothing is reported twice)."""
        found: list[str] = []
        end = 0
        for index, (label, mapping, length) in enumerate(zip(self.labels, self.mappings, self.lengths)):
            start, end = end, end + length
            values = self.values[start:end]
            if len(mapping) == length and all(map(operator.is_, mapping.values(), values)):
                continue
            before = dict(zip(self.keys[start:end], values))
            now = dict(mapping)
            for key, value in before.items():
                if key in INTERPRETER_KEYS:
                    continue
                if key not in now:
                    found.append(f"deleted `{label}.{key}`")
                elif now[key] is not value:
                    found.append(f"replaced `{label}.{key}`")
            adopt = self.adopters.get(index)
            for key in sorted(now.keys() - before.keys(), key=str):
                if key not in INTERPRETER_KEYS and not (adopt is not None and adopt(key, now[key])):
                    found.append(f"added `{label}.{key}`")
        self.take()
        return found


class Survey:
    """The grader as imported: its modules, the classes they define, the builtins, and a snapshot
    of all their namespaces.

    Taken once per process: in the grade server before it forks (a forked grade that touched
    all those objects itself would copy the memory pages they live on), otherwise at the first seal.
    """

    def __init__(self) -> None:
        self.snapshot = Snapshot()
        self.modules: dict[str, types.ModuleType] = {}  # public name -> module
        self.decoys: dict[str, types.ModuleType] = {}  # public name -> the decoy that stands for it once sealed
        self.packages: list[tuple[types.ModuleType, int]] = []  # each package and its namespace's size when surveyed
        # Collections of the objects themselves, never of id()s: every id() call is an audited event.
        self.globals: list[dict[str, Any]] = []  # the modules' namespaces: code running with one is the grader's
        self.classes: set[type] = set()  # classes the grader's modules define
        self.methods: dict[type, frozenset[str]] = {}  # what an instance attribute could hide, per class

    def add_module(self, name: str, module: types.ModuleType) -> None:
        namespace = vars(module)
        package = hasattr(module, "__path__")
        self.modules[name] = module
        self.decoys[name] = (_PackageDecoy if package else _Decoy)(name)
        self.globals.append(namespace)
        self.snapshot.add(name, namespace, _submodule_of(name) if package else None)
        if package:
            self.packages.append((module, len(namespace)))
        for value in list(namespace.values()):
            if isinstance(value, type) and value.__module__ == name:
                self.classes.add(value)
                self.methods[value] = _methods(value)
                self.snapshot.add(f"{name}.{value.__qualname__}", value.__dict__)


_survey: Survey | None = None


def survey() -> Survey:
    """The grader's survey, taken on the first call (the grade server calls this before forking)."""
    global _survey
    if _survey is None:
        taken = Survey()
        for name, module in list(sys.modules.items()):
            spec = getattr(module, "__spec__", None)
            if _grader_name(name) and not getattr(spec, "_initializing", False):
                taken.add_module(name, module)
        taken.snapshot.add("builtins", builtins.__dict__)
        _survey = taken
        taken.snapshot.take()  # after the line above: this module's own namespace is in the snapshot
    return _survey


class Integrity:
    """The grader's state at the seal, what has been found changed since, and the ``tampering`` verdict."""

    def __init__(self, session: Session, grader: Survey) -> None:
        self.session = session
        self.grader = grader
        self.extra = Survey()  # what this grade added: the check script, harness modules imported since the survey
        self.findings: list[str] = []
        # What instrument.py replaced: the owners' namespaces, the attribute names, the grader's values, the owners.
        self.replaced: tuple[list[Any], list[str], list[Any], list[Any]] = ([], [], [], [])
        self.hooks: list[tuple[str, Any]] = []

    # -- the seal ---------------------------------------------------------------------

    @classmethod
    def seal(cls, session: Session, check_module: types.ModuleType) -> Integrity:
        """Records the grader's state and puts the harness out of reach; call right before the learner's code runs."""
        integrity = cls(session, survey())
        _current[:] = [integrity]
        # What this grade added to the survey: the check script, and harness modules imported since (a package's
        # submodules are attributes of it; sys.modules itself is not scanned, to touch as few objects as possible).
        grader, extra = integrity.grader, integrity.extra
        for package, size in grader.packages:
            if len(vars(package)) != size:
                known = set(grader.modules.values())
                for value in list(vars(package).values()):
                    if isinstance(value, types.ModuleType) and value not in known and _grader_name(value.__name__):
                        extra.add_module(value.__name__, value)
        extra.add_module(check_module.__name__, check_module)
        extra.snapshot.take()
        _hidden.update(grader.modules)
        _hidden.update(extra.modules)
        sys.modules.update(grader.decoys)
        sys.modules.update(extra.decoys)
        namespaces, names, values, owners = integrity.replaced
        for owner, name in session.instrumentation.replaced:
            namespace = vars(owner)
            namespaces.append(namespace)
            names.append(name)
            values.append(namespace[name])
            owners.append(owner)
        integrity.hooks = _hooks()
        sys.path[:] = [entry for entry in sys.path if entry != HARNESS_FOLDER]
        sys.meta_path.insert(0, _Tripwire())
        session.integrity = integrity
        for event in (*REFUSED_EVENTS, "object.__setattr__"):  # last: from here on, what these refuse is refused
            session.instrumentation.on_audit(event, integrity._audit)
        return integrity

    def adopt(self, name: str, module: types.ModuleType) -> None:
        """A harness module the grader imported after the seal: the grader's from now on."""
        self.extra.add_module(name, module)
        self.extra.snapshot.take()

    def is_grader(self, frame: FrameType | None) -> bool:
        """Whether ``frame`` (the first one outside the import machinery) runs the grader's code."""
        while frame is not None and frame.f_code.co_filename.startswith("<frozen importlib"):
            frame = frame.f_back
        return frame is not None and self.is_grader_namespace(frame.f_globals)

    def is_grader_namespace(self, namespace: dict[str, Any]) -> bool:
        return any(namespace is grader for grader in self.grader.globals) or any(namespace is grader for grader in self.extra.globals)

    # -- checking -------------------------------------------------------------------

    def verify(self) -> None:
        """Compares the grader's namespaces and the interpreter's hooks with the seal."""
        for snapshot in (self.grader.snapshot, self.extra.snapshot):
            if not snapshot.unchanged():
                self._found(snapshot.changes())
        namespaces, names, values, labels = self.replaced
        if not all(map(operator.is_, map(_get, namespaces, names), values)):
            self._found([f"replaced `{_label(owner)}.{name}`, which the grader instruments"
                         for namespace, name, value, owner in zip(*self.replaced) if _get(namespace, name) is not value])
        now = dict(_hooks())
        for label, value in self.hooks:
            current = now.get(label)
            if current is value or (type(current) is str and type(value) is str and current == value):
                continue  # monitoring tools are named by strings; every other hook is compared by identity
            self._found([HOOKS.get(label) or f"claimed {label} ({current!r})"])

    def check_trial(self, trial: Trial) -> None:
        """After one run of a scenario: its stand-ins stayed where the grader put them, its objects unpatched."""
        self._found([f"replaced `{name}` while the grader's stand-in for it was installed" for name in trial.displaced_patches()])
        self.check_objects([trial, *trial.fakes])

    def check_loop(self, loop: VirtualClockLoop) -> None:
        """After a loop has run: its clock never went backwards, its methods are its own."""
        rewound = loop.notice_rewind()
        if rewound is not None and not any(finding.startswith(REWOUND) for finding in self.findings):
            reached, now = rewound
            self._found([f"{REWOUND} (from {reached:g} s to {now:g} s)"])
        self.check_objects([loop])

    def check_objects(self, objects: Iterable[Any]) -> None:
        """No instance attribute of these grader objects hides one of their class's methods."""
        for obj in objects:
            cls = type(obj)
            methods = self.grader.methods.get(cls) or self.extra.methods.get(cls) or _methods(cls)
            attributes = getattr(obj, "__dict__", None)
            if attributes and not methods.isdisjoint(attributes):
                self._found([f"replaced `{name}` on the grader's {cls.__qualname__} object"
                             for name in sorted(methods.intersection(attributes), key=str)])

    def conclude(self) -> None:
        """Decides ``tampering`` (called when the report is made, whatever ended the grade)."""
        self.verify()
        results = self.session.results
        if not self.findings:
            results.passed(R.TAMPERING, R.PASS_MESSAGES[R.TAMPERING])
            return
        shown = [f"your code {finding}" for finding in self.findings[:SHOWN]]
        more = f"\n  (and {len(self.findings) - SHOWN} more)" if len(self.findings) > SHOWN else ""
        text = shown[0] if len(shown) == 1 else "\n".join(f"  • {line}" for line in shown)
        results.failed(R.TAMPERING, f"{text}{more}\n{FIX}")

    # -- what the learner did -------------------------------------------------------

    def _found(self, findings: list[str]) -> None:
        for finding in findings:
            if finding not in self.findings:
                self.findings.append(finding)

    def touched(self, module: str, attribute: str | None, how: str) -> None:
        """Code other than the grader's used a grader module's public name (a decoy, or the finder)."""
        if attribute is None:
            self._found([f"imported `{module}`, the grader's own module"])
        elif how == "took":
            self._found([f"took `{attribute}` from `{module}`, the grader's own module"])
        else:
            self._found([f"changed `{module}.{attribute}` through the grader's module name"])

    def _audit(self, event: str, args: tuple[Any, ...]) -> None:
        refusal = REFUSED_EVENTS.get(event)
        if refusal is None and event == "object.__setattr__":
            refusal = self._setattr_refusal(*args[:2])
        if refusal is not None:
            self._found([refusal])
            raise Refused(f"asynclings refused it: your code {refusal}")

    def _setattr_refusal(self, obj: Any, name: str) -> str | None:
        """``object.__setattr__`` is audited for the attributes that change what code runs."""
        if name in CODE_ATTRIBUTES and isinstance(obj, types.FunctionType) and self.is_grader_namespace(obj.__globals__):
            return f"replaced `{obj.__module__}.{obj.__qualname__}.{name}`, the grader's own function"
        cls = type(obj)
        if name == "__class__" and (cls in self.grader.classes or cls in self.extra.classes or _hidden_module(obj)):
            return f"changed the class of the grader's {cls.__qualname__} object"
        return None


class _Tripwire:
    """First on ``sys.meta_path``: refuses importing a grader module the decoys do not stand for.

    The grader itself may still import one of its modules for the first time after the
    seal: it is loaded as usual, adopted, and a decoy takes its place.
    """

    def find_spec(self, name: str, path: Any = None, target: Any = None) -> importlib.machinery.ModuleSpec | None:
        if not _grader_name(name) or not _current:
            return None
        integrity = _current[0]
        if not integrity.is_grader(sys._getframe(1)):
            integrity.touched(name, None, "imported")
            raise ModuleNotFoundError(f"No module named {name!r}: the grader's modules are not importable from an exercise", name=name)
        spec = importlib.machinery.PathFinder.find_spec(name, path, target)
        if spec is not None and spec.loader is not None:
            spec.loader = _Adopting(spec.loader)
        return spec

    def invalidate_caches(self) -> None:
        pass


class _Adopting:
    """The loader of a grader module imported after the seal: its code counts as the grader's."""

    def __init__(self, loader: Any) -> None:
        self.loader = loader

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> types.ModuleType | None:
        return self.loader.create_module(spec)

    def exec_module(self, module: types.ModuleType) -> None:
        integrity = _current[0]
        integrity.extra.globals.append(vars(module))  # its own relative imports are the grader's
        self.loader.exec_module(module)
        integrity.adopt(module.__name__, module)
        _hidden[module.__name__] = module
        sys.modules[module.__name__] = (_PackageDecoy if hasattr(module, "__path__") else _Decoy)(module.__name__)

    def __getattr__(self, name: str) -> Any:  # get_source and the like, for tracebacks
        return getattr(self.loader, name)


# The grade being sealed, and the grader modules its decoys stand for (one grade per process).
_current: list[Integrity] = []
_hidden: dict[str, types.ModuleType] = {}


def _grader_name(name: str) -> bool:
    return name == PACKAGE or name.startswith(PACKAGE + ".")


def _submodule_of(package: str) -> Callable[[str, Any], bool]:
    """Says whether an entry added to ``package``'s namespace is one of its modules, imported by the grader."""

    def submodule(key: str, value: Any) -> bool:
        name = f"{package}.{key}"
        return name in _hidden and (value is _hidden[name] or value is sys.modules.get(name))

    return submodule


def _hidden_module(obj: Any) -> bool:
    return isinstance(obj, types.ModuleType) and any(obj is module for module in _hidden.values())


def _serves(depth: int = 2) -> bool:
    """Whether the decoy method ``depth`` frames up was called by the grader (which is then served)."""
    return bool(_current) and _current[0].is_grader(sys._getframe(depth))


def _touched(module: str, attribute: str | None, how: str) -> None:
    if _current:
        _current[0].touched(module, attribute, how)


class _Decoy(types.ModuleType):
    """Stands under a grader module's public name in ``sys.modules`` once the grade is sealed.

    The grader's own code (recognised by its frame's globals) is served the real module.
    Any other code importing it reads its ``__spec__``, taking anything from it reads a
    missing attribute, changing it sets one: each is recorded. Other dunder lookups
    (``inspect`` and ``pickle`` scanning every module) stay quiet.
    """

    @property  # type: ignore[misc]
    def __spec__(self) -> Any:
        if _serves():
            return _hidden[self.__name__].__spec__
        _touched(self.__name__, None, "imported")
        return None

    def __getattr__(self, name: str) -> Any:
        if _serves():
            return getattr(_hidden[self.__name__], name)
        if not (name.startswith("__") and name.endswith("__")):
            _touched(self.__name__, name, "took")
        raise AttributeError(f"module {self.__name__!r} has no attribute {name!r}: the grader's modules are not available to exercises")

    def __setattr__(self, name: str, value: Any) -> None:
        if _serves():
            setattr(_hidden[self.__name__], name, value)
        else:
            _touched(self.__name__, name, "changed")

    def __delattr__(self, name: str) -> None:
        if _serves():
            delattr(_hidden[self.__name__], name)
        else:
            _touched(self.__name__, name, "changed")


class _PackageDecoy(_Decoy):
    """A decoy package: to anyone but the grader its ``__path__`` is empty, so importing a
    submodule reaches the finder that refuses it."""

    @property  # type: ignore[misc]
    def __path__(self) -> list[str]:
        return list(_hidden[self.__name__].__path__) if _serves() else []


def _methods(cls: type) -> frozenset[str]:
    """The names an instance attribute could hide: the methods of ``cls`` and its Python bases."""
    return frozenset(
        name for klass in cls.__mro__ if klass.__flags__ & HEAP_TYPE for name, value in vars(klass).items()
        if not name.startswith("__") and hasattr(type(value), "__get__") and not hasattr(type(value), "__set__"))


def _hooks() -> list[tuple[str, Any]]:
    """The interpreter's hooks that let code watch or steer other code, by name."""
    hooks: list[tuple[str, Any]] = [
        ("sys.settrace", sys.gettrace()), ("sys.setprofile", sys.getprofile()),
        ("threading.settrace", threading.gettrace()), ("threading.setprofile", threading.getprofile()),
    ]
    monitoring = getattr(sys, "monitoring", None)  # 3.12+
    if monitoring is not None:
        hooks += [(f"sys.monitoring tool {tool}", monitoring.get_tool(tool)) for tool in range(6)]
    return hooks


def _get(namespace: Any, name: str) -> Any:
    return namespace.get(name, _MISSING)


def _label(owner: Any) -> str:
    if isinstance(owner, types.ModuleType):
        return owner.__name__
    if isinstance(owner, type):
        return f"{owner.__module__}.{owner.__qualname__}"
    return f"{type(owner).__module__}.{type(owner).__qualname__} object"
