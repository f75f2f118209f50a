"""Inline caches for attribute loads, stores, method calls and class calls of compiled modules.

Cython compiles ``obj.attr`` to CPython's generic attribute lookup: a search of the type's
MRO for a descriptor (``_PyType_Lookup``), then a hash lookup of the name in the instance's
attributes. CPython 3.11+ itself specializes the same bytecode per site: once it has seen
the type, it checks the type's version tag and reads the value straight from the slot of
the instance's attribute array. Without that, compiled class-heavy code ran at 0.8-0.9x of
CPython here (a third of a ray tracer's time went to generic lookups).

:func:`add_inline_caches` rewrites each such site of a Cython-generated C file into a call
of a helper with a cache of its own (:data:`C_HELPERS`). A cache holds, for each of the last
types seen, the exact type, its version tag at that time, the name's index in the type's
shared attribute keys and the class attribute the name finds, if any. The fast path is taken
only where CPython's generic lookup provably gives the same result:

* the object's type is the cached one and still has the cached version tag (CPython sets a
  type's tag to 0 whenever the type, or any class of its MRO, changes, and never gives a
  tag out twice), so the MRO lookup would find the same class attribute; the type uses
  CPython's own ``tp_getattro``/``tp_setattro`` and keeps its instances' attributes in an
  inline values array (plain classes: heap types with a managed dict);
* the class attribute, if any, is not a data descriptor (checked on every use), so the
  instance's own value comes first;
* a load finds a value in the instance's values array (no materialized ``__dict__`` on
  3.11 and 3.12; valid inline values on 3.13); a store replaces the value there, or puts a
  new attribute there and appends it to the array's insertion order, as CPython does (an
  instance with a ``__dict__`` object on 3.13 takes the generic path);
* a method call finds a method descriptor (a function) as the class attribute and no
  instance attribute of that name, and calls it with the instance as first argument, as
  ``PyObject_VectorcallMethod`` does;
* a call of a plain class (metaclass ``type``, ``object.__new__``, an ``__init__`` function)
  makes the instance with ``object.__new__`` and calls the cached ``__init__`` on it, as
  ``type_call`` and ``slot_tp_init`` do, without their argument tuple and lookups.

Anything else runs the generic C API call the site stood for, so results, exceptions and
side effects are CPython's in every case. The layouts read are those of CPython 3.11, 3.12
and 3.13 with the GIL (internal structures, declared here as they are in those versions'
``Include/internal`` headers); on any other interpreter the helpers are the generic calls.
A site keeps what it found for each of the last :data:`WAYS` types it met (a polymorphic
inline cache: a method of a base class called on instances of a few subclasses hits for each
of them), and stops filling after :data:`MAX_FILLS` fills, keeping what it holds.
"""

from __future__ import annotations

import functools
import platform
import re
import sys
import sysconfig


@functools.cache
def fast_paths_available() -> bool:
    """True when the running interpreter, the one an extension is built for, takes the caches'
    fast paths: CPython 3.11-3.13 with the GIL and without ``Py_TRACE_REFS`` (whose builds
    have ``sys.getobjects``), as ``__AUTOCY_IC`` in :data:`C_HELPERS` says. Elsewhere
    every cached site makes the generic call, and the annotator does not type attributes,
    whose typed reads would always fail there and deoptimize."""
    return (platform.python_implementation() == "CPython" and (3, 11) <= sys.version_info[:2] <= (3, 13)
            and not sysconfig.get_config_var("Py_GIL_DISABLED") and not hasattr(sys, "getobjects"))


MAX_FILLS = 64
"""Fills (a new type, or a changed one) after which a site fills no more: a megamorphic site
would pay a fill (an MRO lookup and a scan of the shared keys) for most uses and gain nothing."""

WAYS = 4
"""Types a site caches at once, each checked inline (a call only fills a way). bm_richards
(a base class's methods called on four subclasses) spent 7% of its time refilling its
monomorphic caches, and then, once their fills were used up, took the generic lookups."""

C_HELPERS = r"""
/* ---- autocy: inline caches of attribute loads and stores, method and class calls (autocy/inline_caches.py) ---- */
#ifndef __AUTOCY_INLINE_CACHES
#define __AUTOCY_INLINE_CACHES
#include <stddef.h>  /* offsetof */
#define __AUTOCY_IC_MAX_FILLS {max_fills}
#define __AUTOCY_IC_WAYS {ways}
#if !defined(PYPY_VERSION) && !defined(GRAALVM_PYTHON) && !defined(Py_LIMITED_API) \
        && !defined(Py_GIL_DISABLED) && !defined(Py_TRACE_REFS) \
        && PY_VERSION_HEX >= 0x030B0000 && PY_VERSION_HEX < 0x030E0000
#define __AUTOCY_IC 1
#else
#define __AUTOCY_IC 0
#endif
#if defined(__GNUC__) || defined(__clang__)
#define __AUTOCY_IC_RARE(x) __builtin_expect(!!(x), 0)
#define __AUTOCY_IC_COLD __attribute__((noinline, cold, unused))  /* keeps the fast paths small enough to inline */
#define __AUTOCY_IC_NOINLINE __attribute__((noinline, unused))
#else
#define __AUTOCY_IC_RARE(x) (x)
#define __AUTOCY_IC_COLD
#define __AUTOCY_IC_NOINLINE
#endif

/* what a cache found for a type: nothing usable, a __slots__ member, the instances'
   inline values, no instance dict at all (method calls only), or, at a call of the class
   itself, object.__new__ and an __init__ function to call directly (NEW) */
enum { __AUTOCY_IC_NONE, __AUTOCY_IC_SLOT, __AUTOCY_IC_VALUES, __AUTOCY_IC_NO_DICT, __AUTOCY_IC_NEW };
/* what a fill looks up: a load, a store, or a call of the class itself */
enum { __AUTOCY_IC_LOAD, __AUTOCY_IC_STORE, __AUTOCY_IC_CONSTRUCT };

/* What a site's lookup found for one type */
typedef struct {
    PyTypeObject *type;    /* the exact type of the fill, or NULL: an unused way (compared;
                              dereferenced only when an object of that type is at hand) */
    unsigned int version;  /* its tp_version_tag at the fill */
    int kind;              /* __AUTOCY_IC_* */
    Py_ssize_t offset;     /* SLOT: the member's offset in the object */
    Py_ssize_t index;      /* VALUES: the name's index in the type's shared keys, -1 when absent */
    Py_ssize_t nentries;   /* VALUES: the shared keys' entry count at the fill */
    PyObject *descr;       /* what the MRO lookup found (borrowed: the type's dict holds it
                              while the version tag is unchanged), or NULL */
} __autocy_ic_way;

/* A site's cache: a way for each of the last types met; ways[0] is checked inline first */
typedef struct {
    __autocy_ic_way ways[__AUTOCY_IC_WAYS];
    int fills;             /* fills so far (see MAX_FILLS) */
    int next;              /* the way a new type takes once every way is in use */
} __autocy_ic;

#if __AUTOCY_IC
#if PY_VERSION_HEX < 0x030C0000
#include "structmember.h"  /* PyMemberDef */
#endif
/* The start of CPython's PyDictKeysObject (struct _dictkeysobject, 3.11-3.13 with the GIL)
   and the entries of a table of str keys */
typedef struct {
    Py_ssize_t refcnt;
    uint8_t log2_size;
    uint8_t log2_index_bytes;
    uint8_t kind;           /* 2: DICT_KEYS_SPLIT, the shared keys of a class's instances */
    uint32_t version;
    Py_ssize_t usable;
    Py_ssize_t nentries;    /* entries only ever get appended to shared keys */
    char indices[1];
} __autocy_ic_keys;
typedef struct { PyObject *key; PyObject *value; } __autocy_ic_entry;
#if PY_VERSION_HEX >= 0x030D0000
/* 3.13: the values live inline after the object header (Py_TPFLAGS_INLINE_VALUES) */
typedef struct {
    uint8_t capacity;
    uint8_t size;
    uint8_t embedded;
    uint8_t valid;          /* 0 once a materialized __dict__ stopped sharing them */
    PyObject *values[1];
} __autocy_ic_inline;
#define __AUTOCY_IC_LAYOUT (Py_TPFLAGS_MANAGED_DICT | Py_TPFLAGS_INLINE_VALUES)
#else
#define __AUTOCY_IC_LAYOUT Py_TPFLAGS_MANAGED_DICT
#endif

/* The instance's attribute values, indexed like its type's shared keys, or NULL when they
   are not where CPython's own lookup reads them first */
static inline PyObject **__autocy_ic_values(PyObject *o) {
#if PY_VERSION_HEX >= 0x030D0000
    __autocy_ic_inline *inline_values = (__autocy_ic_inline *)((char *)o + sizeof(PyObject));
    return inline_values->valid ? inline_values->values : NULL;
#elif PY_VERSION_HEX >= 0x030C0000
    char *tagged = ((char **)o)[-3];  /* PyDictOrValues: values - 1 (odd), or a dict */
    return ((uintptr_t)tagged & 1) ? (PyObject **)(tagged + 1) : NULL;
#else
    return *(PyObject ***)((PyObject **)o - 4);  /* NULL once the dict is materialized */
#endif
}

/* The values a store may write into: as above, and on 3.13 only with no __dict__ object
   (whose watchers and size a store through it would update) */
static inline PyObject **__autocy_ic_store_values(PyObject *o) {
#if PY_VERSION_HEX >= 0x030D0000
    if (((PyObject **)o)[-3] != NULL) return NULL;
#endif
    return __autocy_ic_values(o);
}

/* The MRO lookup of name on tp (borrowed, or NULL); 0 in *tagged unless tp then has a valid
   version tag, which any later change of that result changes (the lookup assigns one) */
static inline PyObject *__autocy_ic_lookup(__autocy_ic_way *way, PyTypeObject *tp, PyObject *name, int *tagged) {
    PyObject *descr = _PyType_Lookup(tp, name);
    way->version = tp->tp_version_tag;
    *tagged = tp->tp_version_tag != 0;  /* 0: no valid tag, the type changes too often */
#if PY_VERSION_HEX < 0x030D0000
    *tagged = *tagged && (tp->tp_flags & Py_TPFLAGS_VALID_VERSION_TAG);
#endif
    return descr;
}

/* Cache in way what the lookup of name finds on type tp, for a load (store 0) or a
   store (from __autocy_ic_refill) */
static void __autocy_ic_fill_attr(__autocy_ic_way *way, PyTypeObject *tp, PyObject *name, int store) {
    PyObject *descr;
    Py_ssize_t i;
    int tagged;
    if (!(tp->tp_flags & Py_TPFLAGS_HEAPTYPE) || !PyUnicode_CheckExact(name)
            || (store ? tp->tp_setattro != PyObject_GenericSetAttr : tp->tp_getattro != PyObject_GenericGetAttr))
        return;
    descr = __autocy_ic_lookup(way, tp, name, &tagged);
    if (!tagged) return;
    way->descr = descr;
    if (descr != NULL && Py_TYPE(descr) == &PyMemberDescr_Type) {
        /* a data descriptor: it alone decides; a plain object slot of __slots__ is read and
           written in place (16: T_OBJECT_EX; flags 0: writable, not audited) */
        PyMemberDef *member = ((PyMemberDescrObject *)descr)->d_member;
        if (member->type == 16 && member->flags == 0 && PyType_IsSubtype(tp, PyDescr_TYPE(descr))) {
            way->offset = member->offset;
            way->kind = __AUTOCY_IC_SLOT;
        }
        return;
    }
    if ((tp->tp_flags & __AUTOCY_IC_LAYOUT) == __AUTOCY_IC_LAYOUT) {
        __autocy_ic_keys *keys = (__autocy_ic_keys *)((PyHeapTypeObject *)tp)->ht_cached_keys;
        __autocy_ic_entry *entries;
        if (keys == NULL || keys->kind != 2) return;
        entries = (__autocy_ic_entry *)(keys->indices + ((size_t)1 << keys->log2_index_bytes));
        way->index = -1;
        for (i = 0; i < keys->nentries; i++) {
            PyObject *key = entries[i].key;
            if (key == name || (key != NULL && PyUnicode_CheckExact(key) && PyUnicode_Compare(key, name) == 0)) {
                way->index = i;
                break;
            }
        }
        way->nentries = keys->nentries;
        way->kind = __AUTOCY_IC_VALUES;
    }
    else if (!(tp->tp_flags & Py_TPFLAGS_MANAGED_DICT) && tp->tp_dictoffset == 0) {
        way->kind = __AUTOCY_IC_NO_DICT;
    }
}

/* descr, the class attribute found, lets an instance attribute of the same name win */
static inline int __autocy_ic_not_data(PyObject *descr) {
    return descr == NULL || Py_TYPE(descr)->tp_descr_get == NULL || Py_TYPE(descr)->tp_descr_set == NULL;
}

/* Cache in way how a call of the class tp makes an instance (after
   __autocy_ic_refill): kind NEW when tp is a plain heap class (metaclass type, not abstract)
   that gets object.__new__ and an __init__ function (a method descriptor, not a C slot
   wrapper), which type_call and slot_tp_init would call */
static void __autocy_ic_fill_new(__autocy_ic_way *way, PyTypeObject *tp) {
    static PyObject *init_name = NULL;
    PyObject *init;
    int tagged;
    if (init_name == NULL && (init_name = PyUnicode_InternFromString("__init__")) == NULL) {
        PyErr_Clear();
        return;
    }
    if (!(tp->tp_flags & Py_TPFLAGS_HEAPTYPE) || (tp->tp_flags & Py_TPFLAGS_IS_ABSTRACT)
            || tp->tp_new != PyBaseObject_Type.tp_new || tp->tp_init == PyBaseObject_Type.tp_init)
        return;
    init = __autocy_ic_lookup(way, tp, init_name, &tagged);
    if (!tagged || init == NULL || !PyType_HasFeature(Py_TYPE(init), Py_TPFLAGS_METHOD_DESCRIPTOR)
            || Py_TYPE(init) == &PyWrapperDescr_Type || Py_TYPE(init) == &PyMethodDescr_Type)
        return;
    way->descr = init;
    way->kind = __AUTOCY_IC_NEW;
}

/* Fill the way for type tp, for what mode looks up (name: the attribute, for a load or a
   store); NULL, the way forgotten, when the site has used up its fills */
static __AUTOCY_IC_COLD __autocy_ic_way *__autocy_ic_refill(__autocy_ic *ic, __autocy_ic_way *way, PyTypeObject *tp,
                                                            PyObject *name, int mode) {
    if (ic->fills >= __AUTOCY_IC_MAX_FILLS) {
        way->type = NULL;
        return NULL;
    }
    ic->fills++;
    way->type = tp;  /* kind NONE until the fill finds more: uses with tp take the generic call */
    way->version = tp->tp_version_tag;
    way->kind = __AUTOCY_IC_NONE;
    way->descr = NULL;
    if (mode == __AUTOCY_IC_CONSTRUCT)
        __autocy_ic_fill_new(way, tp);
    else
        __autocy_ic_fill_attr(way, tp, name, mode == __AUTOCY_IC_STORE);
    return way;
}

/* A way filled now for type tp, which no way holds with its current version tag: tp's own
   stale way, an unused one, or the next in turn; NULL when the site has used up its fills */
static __AUTOCY_IC_NOINLINE __autocy_ic_way *__autocy_ic_miss(__autocy_ic *ic, PyTypeObject *tp, PyObject *name,
                                                              int mode) {
    int i;
    for (i = 0; i < __AUTOCY_IC_WAYS; i++) {
        if (ic->ways[i].type == tp) return __autocy_ic_refill(ic, &ic->ways[i], tp, name, mode);
    }
    if (ic->fills >= __AUTOCY_IC_MAX_FILLS) return NULL;
    for (i = 0; i < __AUTOCY_IC_WAYS && ic->ways[i].type != NULL; i++);
    if (i == __AUTOCY_IC_WAYS) {
        i = ic->next;
        ic->next = (i + 1) % __AUTOCY_IC_WAYS;
    }
    return __autocy_ic_refill(ic, &ic->ways[i], tp, name, mode);
}

/* The way of the site ic that holds what mode looks up on type tp (filled if need be), or
   NULL when there is none: the caller takes the generic call. Ways 1.. are checked here too:
   a call for each use of a polymorphic site's later types cost bm_richards 5% */
static inline __autocy_ic_way *__autocy_ic_way_of(__autocy_ic *ic, PyTypeObject *tp, PyObject *name, int mode) {
    __autocy_ic_way *way = &ic->ways[0];
    int i;
    if (__AUTOCY_IC_RARE(tp != way->type || tp->tp_version_tag != way->version)) {
        for (i = 1; i < __AUTOCY_IC_WAYS; i++) {
            way = &ic->ways[i];
            if (tp == way->type && tp->tp_version_tag == way->version) return way;
        }
        return __autocy_ic_miss(ic, tp, name, mode);
    }
    return way;
}

/* The way for the type tp of a VALUES way that lacked the name: filled again when a key was
   added to tp's shared keys since (the name may be one now); NULL when there is none */
static inline __autocy_ic_way *__autocy_ic_fresh(__autocy_ic *ic, __autocy_ic_way *way, PyTypeObject *tp,
                                                 PyObject *name, int mode) {
    if (way->kind == __AUTOCY_IC_VALUES && way->index < 0
            && ((__autocy_ic_keys *)((PyHeapTypeObject *)tp)->ht_cached_keys)->nentries != way->nentries)
        return __autocy_ic_refill(ic, way, tp, name, mode);
    return way;
}
#endif

/* The generic calls, made as Cython makes them (the type's slot, for a name that is an
   interned str constant) */
static inline PyObject *__autocy_ic_generic_get(PyObject *o, PyObject *name) {
    getattrofunc get = Py_TYPE(o)->tp_getattro;
    return get != NULL ? get(o, name) : PyObject_GetAttr(o, name);
}
static inline int __autocy_ic_generic_set(PyObject *o, PyObject *name, PyObject *value) {
    setattrofunc set = Py_TYPE(o)->tp_setattro;
    return set != NULL ? set(o, name, value) : PyObject_SetAttr(o, name, value);
}

/* A new attribute at index ix of the values array: appended to the array's insertion order
   (which __dict__ and vars() follow), as CPython's _PyDictValues_AddToInsertionOrder does:
   3.11/3.12 keep the order in the bytes before the values, 3.13 after them */
static inline void __autocy_ic_add_to_order(PyObject **values, Py_ssize_t ix) {
#if PY_VERSION_HEX >= 0x030D0000
    __autocy_ic_inline *inline_values = (__autocy_ic_inline *)((char *)values - offsetof(__autocy_ic_inline, values));
    ((uint8_t *)&inline_values->values[inline_values->capacity])[inline_values->size] = (uint8_t)ix;
    inline_values->size++;
#else
    uint8_t *size = (uint8_t *)values - 2;
    size[-(*size + 1)] = (uint8_t)ix;
    (*size)++;
#endif
}

/* Where obj.name lives when the cache's fast path applies to obj (the slot may hold NULL:
   an unset attribute), else NULL; *index, for a slot in the instance's values array, its
   index there, else -1. For a load (store 0), the class attribute of that name must not be a
   data descriptor; for a store, it must not define __set__. Runs no Python code. */
static inline PyObject **__autocy_ic_slot(__autocy_ic *ic, PyObject *o, PyObject *name, int store, Py_ssize_t *index) {
    *index = -1;
#if __AUTOCY_IC
    PyTypeObject *tp = Py_TYPE(o);
    __autocy_ic_way *way = __autocy_ic_way_of(ic, tp, name, store ? __AUTOCY_IC_STORE : __AUTOCY_IC_LOAD);
    if (way == NULL) return NULL;
    if (way->kind == __AUTOCY_IC_SLOT) return (PyObject **)((char *)o + way->offset);
    way = __autocy_ic_fresh(ic, way, tp, name, store ? __AUTOCY_IC_STORE : __AUTOCY_IC_LOAD);
    if (way != NULL && way->kind == __AUTOCY_IC_VALUES && way->index >= 0) {
        PyObject *descr = way->descr, **values;
        if (store ? descr != NULL && Py_TYPE(descr)->tp_descr_set != NULL : !__autocy_ic_not_data(descr))
            return NULL;
        values = store ? __autocy_ic_store_values(o) : __autocy_ic_values(o);
        *index = way->index;
        return values != NULL ? &values[way->index] : NULL;
    }
#endif
    return NULL;
}

/* obj.name as CPython's lookup would find it, borrowed, when the fast path applies and the
   attribute is set; else NULL (no exception, no Python code: the caller falls back) */
static inline PyObject *__autocy_ic_peek(__autocy_ic *ic, PyObject *o, PyObject *name) {
    Py_ssize_t index;
    PyObject **slot = __autocy_ic_slot(ic, o, name, 0, &index);
    return slot != NULL ? *slot : NULL;
}

/* obj.name (a new reference, or NULL with an exception): PyObject_GetAttr */
static inline PyObject *__autocy_getattr(__autocy_ic *ic, PyObject *o, PyObject *name) {
    PyObject *value = __autocy_ic_peek(ic, o, name);
    if (value != NULL) {
        Py_INCREF(value);
        return value;
    }
    return __autocy_ic_generic_get(o, name);
}

/* obj.name = value (0, or -1 with an exception): PyObject_SetAttr */
static inline int __autocy_setattr(__autocy_ic *ic, PyObject *o, PyObject *name, PyObject *value) {
    Py_ssize_t index;
    PyObject **slot = value != NULL ? __autocy_ic_slot(ic, o, name, 1, &index) : NULL, *old;
    if (slot != NULL) {
        old = *slot;
        Py_INCREF(value);
        *slot = value;
#if __AUTOCY_IC
        if (old == NULL && index >= 0) __autocy_ic_add_to_order(slot - index, index);
#endif
        Py_XDECREF(old);
        return 0;
    }
    return __autocy_ic_generic_set(o, name, value);
}

/* obj.name = float(v) for a C double v (0, or -1 with an exception). When the attribute holds
   an exact float that nothing else references, v is written into that float: no reference
   can tell it from a new one (never without the GIL, where another thread could take one). */
static inline int __autocy_ic_set_double(__autocy_ic *ic, PyObject *o, PyObject *name, double v) {
    Py_ssize_t index;
    PyObject **slot = __autocy_ic_slot(ic, o, name, 1, &index), *fresh;
    int result;
#if __AUTOCY_IC
    if (slot != NULL && *slot != NULL && PyFloat_CheckExact(*slot) && Py_REFCNT(*slot) == 1) {
        ((PyFloatObject *)*slot)->ob_fval = v;
        return 0;
    }
#endif
    fresh = PyFloat_FromDouble(v);
    if (fresh == NULL) return -1;
    result = __autocy_setattr(ic, o, name, fresh);
    Py_DECREF(fresh);
    return result;
}

/* cls(*args) for a class cls, with args[-1] free to use (PY_VECTORCALL_ARGUMENTS_OFFSET):
   what type_call does for a plain class (see __autocy_ic_fill_new), object.__new__ with no
   arguments (which ignores them when __init__ is overridden) and the cached __init__ called
   with the new instance first, minus the argument tuple and the two lookups; any other
   class, or args without the free slot, takes PyObject_Vectorcall */
static inline PyObject *__autocy_construct(__autocy_ic *ic, PyObject *cls, PyObject *const *args, size_t nargsf) {
#if __AUTOCY_IC
    PyTypeObject *tp = (PyTypeObject *)cls;
    static PyObject *no_args = NULL;
    __autocy_ic_way *way = __autocy_ic_way_of(ic, tp, NULL, __AUTOCY_IC_CONSTRUCT);
    if (__AUTOCY_IC_RARE(no_args == NULL) && (no_args = PyTuple_New(0)) == NULL)
        PyErr_Clear();  /* (the generic call below meets the same failure and reports it) */
    if (way != NULL && way->kind == __AUTOCY_IC_NEW && (nargsf & PY_VECTORCALL_ARGUMENTS_OFFSET)
            && no_args != NULL) {
        PyObject *init = way->descr, *self, *result, **first = (PyObject **)args - 1, *saved;
        self = tp->tp_new(tp, no_args, NULL);
        if (self == NULL) return NULL;
        Py_INCREF(init);  /* __init__ may change the class and drop it */
        saved = *first;
        *first = self;
        result = PyObject_Vectorcall(init, (PyObject *const *)first, (size_t)PyVectorcall_NARGS(nargsf) + 1, NULL);
        *first = saved;
        Py_DECREF(init);
        if (result != Py_None) {
            if (result != NULL) {
                PyErr_Format(PyExc_TypeError, "__init__() should return None, not '%.200s'", Py_TYPE(result)->tp_name);
                Py_DECREF(result);
            }
            Py_DECREF(self);
            return NULL;
        }
        Py_DECREF(result);
        return self;
    }
#endif
    return PyObject_Vectorcall(cls, args, nargsf, NULL);
}
/* func(*args), a call site of any callable: the classes go to __autocy_construct */
#define __AUTOCY_CALL(ic, func, args, nargsf) \
    (Py_TYPE(func) == &PyType_Type ? __autocy_construct(ic, func, args, nargsf) : __Pyx_PyObject_FastCall(func, args, nargsf))

#if __AUTOCY_IC
/* The class attribute that the lookup of name on self finds (borrowed), when the cache's fast
   path applies: self's type is the cached one with the same version tag (the name's place in
   the shared keys is looked up again when a key was added), and, unless type_only, self has no
   instance attribute of that name (its values lack it, or it has no instance dict at all);
   else NULL. Runs no Python code. */
static inline PyObject *__autocy_ic_class_attr(__autocy_ic *ic, PyObject *self, PyObject *name, int type_only) {
    PyTypeObject *tp = Py_TYPE(self);
    PyObject **values;
    __autocy_ic_way *way = __autocy_ic_way_of(ic, tp, name, __AUTOCY_IC_LOAD);
    if (way != NULL) way = __autocy_ic_fresh(ic, way, tp, name, __AUTOCY_IC_LOAD);
    if (way == NULL || way->descr == NULL) return NULL;
    if (type_only || way->kind == __AUTOCY_IC_NO_DICT) return way->descr;
    if (way->kind != __AUTOCY_IC_VALUES) return NULL;
    values = __autocy_ic_values(self);
    return values != NULL && (way->index < 0 || values[way->index] == NULL) ? way->descr : NULL;
}
#endif

/* args[0].name(*args[1:]) (a new reference, or NULL with an exception):
   PyObject_VectorcallMethod */
static inline PyObject *__autocy_callmethod(__autocy_ic *ic, PyObject *name, PyObject *const *args, size_t nargsf) {
#if __AUTOCY_IC
    PyObject *method = __autocy_ic_class_attr(ic, args[0], name, 0), *result;
    if (method != NULL && PyType_HasFeature(Py_TYPE(method), Py_TPFLAGS_METHOD_DESCRIPTOR)) {
        Py_INCREF(method);  /* the call may change the class and drop it */
        result = PyObject_Vectorcall(method, args, nargsf & ~PY_VECTORCALL_ARGUMENTS_OFFSET, NULL);
        Py_DECREF(method);
        return result;
    }
#endif
    return PyObject_VectorcallMethod(name, args, nargsf, NULL);
}

/* 1 when CPython's lookup of name on o finds exactly the function expected and runs no Python
   code: o's type (the cached one, same version tag) has expected as its MRO attribute name,
   and, for an attribute call (instance 1), o has no instance attribute of that name (as in
   __autocy_callmethod); 0 otherwise, and always without the fast paths. Sets no exception.
   A direct call of expected's specialization is then what the call would do. */
static inline int __autocy_method_is(void *site, PyObject *o, PyObject *name, PyObject *expected, int instance) {
#if __AUTOCY_IC
    return __autocy_ic_class_attr((__autocy_ic *)site, o, name, !instance) == expected;
#else
    (void)site; (void)o; (void)name; (void)expected; (void)instance;
    return 0;
#endif
}

/* 1 when CPython's a <op> b, for the method name of op (__sub__), would call exactly the
   function expected as expected(a, b) and nothing before it: a and b have one type (so no
   reflected method comes first), whose lookup of name finds expected (see
   __autocy_method_is), and which has no sequence concat or repeat slot (which + and * would
   try after a NotImplemented); else 0. */
static inline int __autocy_binop_is(void *site, PyObject *a, PyObject *b, PyObject *name, PyObject *expected) {
    PySequenceMethods *seq = Py_TYPE(a)->tp_as_sequence;
    return Py_TYPE(a) == Py_TYPE(b) && (seq == NULL || (seq->sq_concat == NULL && seq->sq_repeat == NULL))
        && __autocy_method_is(site, a, name, expected, 0);
}
#endif
/* ---- end of autocy's inline caches ---- */
""".replace("{max_fills}", str(MAX_FILLS)).replace("{ways}", str(WAYS))

_GET = re.compile(r"__Pyx_PyObject_GetAttrStr\((\w+), (__pyx_mstate_global->__pyx_n_[us]_\w+)\)")
_SET = re.compile(r"__Pyx_PyObject_SetAttrStr\((\w+), (__pyx_mstate_global->__pyx_n_[us]_\w+), (\w+)\)")
_CALL = re.compile(r"__Pyx_PyObject_FastCallMethod\(\(PyObject\s*\*\)(__pyx_mstate_global->__pyx_n_[us]_\w+), ")
_FAST_CALL = re.compile(r"__Pyx_PyObject_FastCall\(((?:\(PyObject\s*\*\))?__pyx_\w+), ")
_PYTHON_H = re.compile(r'^#include "Python.h"\n', re.MULTILINE)


def add_inline_caches(c_text: str) -> str:
    """Give every attribute load, store and method call of a constant name, and every call
    of a callable in a temporary, in a Cython C file a cache of its own (see the module
    docstring).

    Args:
        c_text: the C file Cython generated.

    Returns:
        The text with each ``__Pyx_PyObject_GetAttrStr(obj, <name>)``,
        ``__Pyx_PyObject_SetAttrStr(obj, <name>, value)`` and
        ``__Pyx_PyObject_FastCallMethod(<name>, args, nargsf)`` whose name is one of the
        module's string constants, and each ``__Pyx_PyObject_FastCall(<temporary>, ...)``,
        replaced by the matching cached helper, and the helpers (:data:`C_HELPERS`) with one
        cache per site inserted after ``#include "Python.h"``. Unchanged when the file has no
        such site or no such include.
    """
    include = _PYTHON_H.search(c_text)
    if include is None:
        return c_text
    sites = 0

    def site() -> str:
        nonlocal sites
        sites += 1
        return f"&__autocy_ic_sites[{sites - 1}]"

    body = c_text[include.end():]
    body = _GET.sub(lambda m: f"__autocy_getattr({site()}, {m.group(1)}, {m.group(2)})", body)
    body = _SET.sub(lambda m: f"__autocy_setattr({site()}, {m.group(1)}, {m.group(2)}, {m.group(3)})", body)
    body = _CALL.sub(lambda m: f"__autocy_callmethod({site()}, (PyObject *){m.group(1)}, ", body)
    body = _FAST_CALL.sub(lambda m: f"__AUTOCY_CALL({site()}, {m.group(1)}, ", body)
    if not sites:
        return c_text
    helpers = f"{C_HELPERS}static __autocy_ic __autocy_ic_sites[{sites}];\n"
    return c_text[:include.end()] + helpers + body
