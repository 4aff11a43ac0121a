//! PY904 `unsynchronized-shared-state`: code that runs in threads or greenthreads reads, changes
//! and writes back state other threads share (`self.count += 1`, `if key not in self._cache:
//! self._cache[key] = load(key)`) without holding a lock.
//!
//! The analysis is per file. It finds what runs concurrently (callables handed to
//! `threading.Thread`, executors, `eventlet`/`greenthread`/pool `spawn*`, `oslo_service` looping
//! calls and thread groups, `periodic_task` methods, `run` of `Thread` subclasses), follows the
//! calls those make to methods and functions of the same file (not through locked code), and
//! reports there the read-modify-writes and check-then-sets of shared state: instance
//! attributes, class attributes, `global`/`nonlocal` names and module-level containers. A race
//! needs two parties: the same callable running several times at once (submitted to a pool,
//! spawned in a loop) or another function of the file writing the same state.
//!
//! Under eventlet a greenthread only gives way at I/O, sleeps and calls that wait: a `+=` with no
//! call in it cannot be interrupted, while native threads can switch between the read and the
//! write. Updates with a call between read and write (a check, then a lookup, then a store) race
//! under both; plain `+=` is reported at low severity and confidence.

use super::locks::{callee_name, decorated_with_lock, in_lock_block, is_lock_text};
use crate::helpers::is_logging_call;
use crate::{Context, Hooks, Reporter, Rule};
use secrev_core::{ByteSpan, Category, Confidence, RuleDocs, RuleInfo, Severity};
use secrev_ir::{
    any_in, BlockId, Call, Cfg, EdgeKind, Function, FunctionKind, Stmt, Unit, Value, ValueKind,
};
use std::collections::{BTreeSet, HashMap};

pub(crate) static RULE: Rule = Rule {
    info: RuleInfo {
        id: "PY904",
        name: "unsynchronized-shared-state",
        title: "Shared state read, changed and written back by concurrent code without a lock",
        cwe: 366,
        category: Category::RaceCondition,
        severity: Severity::Medium,
        confidence: Confidence::Medium,
        docs: RuleDocs {
            what: "Finds code that runs in threads or greenthreads (functions passed to \
                   `threading.Thread(target=...)`, `executor.submit`, `eventlet.spawn*`, \
                   `greenthread.spawn*`, `pool.spawn*`, `loopingcall.FixedIntervalLoopingCall`, \
                   `threadgroup.add_thread/add_timer`, `@periodic_task` methods, `run` of a \
                   `Thread` subclass, and the methods and functions of the same file they call) \
                   and, in it, a read-modify-write (`self.count += 1`, `x = x + 1`) or a \
                   check-then-set (`if key not in self._cache: self._cache[key] = ...`) of \
                   shared state (instance and class attributes, `global` names, module-level \
                   containers) outside any lock. Reported only when two parties can race: the \
                   callable runs several times at once (a pool, a spawn in a loop), or another \
                   function writes the same state. Whole-value stores (`self._stopped = True`) \
                   and single container operations (`d[k] = v`, `append`) are atomic under the \
                   GIL and are not reported.",
            why: "Two threads that both read `count`, add one and store it back lose one update; \
                  two workers that both find a key missing both build and store its entry, and \
                  the second overwrites the first (a port or namespace set up twice, a cache \
                  entry that belongs to nobody). Under eventlet a greenthread yields at every \
                  I/O call, so a check followed by a call that waits is a race there too.",
            example: "def _process_update(self):\n    if router_id not in self._routers:\n        ri = self._create_router(router_id)\n        self._routers[router_id] = ri\n    self._updates_done += 1",
            fix: "def _process_update(self):\n    with self._routers_lock:\n        if router_id not in self._routers:\n            self._routers[router_id] = self._create_router(router_id)\n        self._updates_done += 1",
            references: &[
                "https://cwe.mitre.org/data/definitions/366.html",
                "https://docs.python.org/3/library/threading.html#lock-objects",
                "https://docs.openstack.org/oslo.concurrency/latest/user/index.html",
            ],
        },
    },
    hooks: Hooks {
        unit: Some(check),
        ..Hooks::NONE
    },
};

/// How a callable was made to run concurrently.
#[derive(Clone)]
struct Entry {
    /// The function started.
    function: usize,
    /// Where it is started (the spawn call, or the decorator / class for implicit starts).
    site: ByteSpan,
    /// What starts it, for messages: "submitted to `self._pool`".
    how: String,
    /// Several copies can run at the same time.
    multi: bool,
}

/// Container methods that change the container in place.
const MUTATORS: &[&str] = &[
    "append",
    "extend",
    "insert",
    "pop",
    "popitem",
    "remove",
    "discard",
    "add",
    "update",
    "clear",
    "setdefault",
];

/// Methods that only read a container: calling them cannot yield to another greenthread.
const READERS: &[&str] = &["get", "keys", "values", "items", "copy", "__contains__"];

/// Log methods: they write to a handler, but code never relies on them to yield.
/// Functions whose writes happen before any thread can see the object.
const SETUP_NAMES: &[&str] = &[
    "__init__",
    "__new__",
    "__enter__",
    "setUp",
    "setup",
    "initialize",
];

fn check(ctx: &Context, unit: &Unit, out: &mut Reporter) {
    let mut entries = find_entries(ctx, unit);
    if entries.is_empty() {
        return;
    }
    // Copies that run at once race with each other: follow them first.
    entries.sort_by_key(|e| !e.multi);
    let index: HashMap<&str, usize> = unit
        .functions
        .iter()
        .enumerate()
        .map(|(i, f)| (f.qualname.as_str(), i))
        .collect();
    let module = &unit.functions[0];
    let containers = module_containers(module);
    let reached = reach(ctx, unit, &index, &entries);
    let writers = writers(ctx, unit, &containers);
    let mutable = mutable_state(unit, &containers);
    let mut reported: BTreeSet<u32> = BTreeSet::new();
    for (i, reach) in reached.iter().enumerate() {
        let Some(entry) = reach.map(|e| &entries[e]) else {
            continue;
        };
        let function = &unit.functions[i];
        if function_locked(ctx, function) {
            continue;
        }
        let shared = Shared {
            ctx,
            unit,
            function,
            containers: &containers,
        };
        read_modify_writes(
            &shared,
            entry,
            (&reached, &entries),
            (&writers, &mutable),
            &mut reported,
            out,
        );
        check_then_sets(
            &shared,
            entry,
            &reached,
            &entries,
            &writers,
            &mut reported,
            out,
        );
    }
}

// ----- what runs concurrently ---------------------------------------------------------------

fn find_entries(ctx: &Context, unit: &Unit) -> Vec<Entry> {
    let index: HashMap<&str, usize> = unit
        .functions
        .iter()
        .enumerate()
        .map(|(i, f)| (f.qualname.as_str(), i))
        .collect();
    let mut entries = Vec::new();
    for (i, function) in unit.functions.iter().enumerate() {
        if let Some(decorator) = function
            .decorators
            .iter()
            .find(|d| ctx.text(d.span).contains("periodic_task"))
        {
            entries.push(Entry {
                function: i,
                site: decorator.span,
                how: "a periodic task".to_owned(),
                multi: false,
            });
        }
        if function.kind == FunctionKind::ClassBody
            && function
                .bases
                .iter()
                .any(|b| ctx.text(b.span).rsplit('.').next() == Some("Thread"))
        {
            if let Some(&run) = index.get(format!("{}.run", function.qualname).as_str()) {
                entries.push(Entry {
                    function: run,
                    site: function.name_span,
                    how: format!("the `run` of `Thread` subclass `{}`", function.name),
                    multi: false,
                });
            }
        }
        for op in &function.ops {
            let secrev_ir::Op::Call(call) = op else {
                continue;
            };
            let Some((target, how, pool)) = spawned(ctx, call) else {
                continue;
            };
            let Some(started) = resolve(unit, &index, function, target) else {
                continue;
            };
            let multi = pool || in_loop(&function.cfg, call.span);
            entries.push(Entry {
                function: started,
                site: call.span,
                how,
                multi,
            });
        }
    }
    entries
}

/// The callable a call starts concurrently, how, and whether it goes to a pool of workers.
fn spawned<'c>(ctx: &Context, call: &'c Call) -> Option<(&'c Value, String, bool)> {
    let name = callee_name(call);
    let receiver = call
        .callee
        .receiver
        .as_deref()
        .map(|r| ctx.code(r.span))
        .unwrap_or_default();
    let poolish = {
        let r = receiver.to_ascii_lowercase();
        r.contains("pool") || r.contains("executor")
    };
    let (target, how, pool) = match name {
        "Thread" => (
            call.arg(1, "target")?,
            "started as a thread".to_owned(),
            false,
        ),
        "Timer" if call.qualname() == "threading.Timer" => (
            call.arg(1, "function")?,
            "started by a timer thread".to_owned(),
            false,
        ),
        "submit" | "map" if poolish => (
            call.arg(0, "fn")?,
            format!("submitted to `{receiver}`"),
            true,
        ),
        "spawn" | "spawn_n" => (
            call.arg(0, "func")?,
            if receiver.is_empty() {
                "spawned".to_owned()
            } else {
                format!("spawned on `{receiver}`")
            },
            poolish,
        ),
        "spawn_on" => (call.arg(1, "func")?, "spawned on a pool".to_owned(), true),
        "spawn_after" | "spawn_after_local" => (call.arg(1, "func")?, "spawned".to_owned(), false),
        "start_new_thread" => (
            call.arg(0, "function")?,
            "started as a thread".to_owned(),
            false,
        ),
        "add_thread" => (
            call.arg(0, "callback")?,
            "added to a thread group".to_owned(),
            false,
        ),
        "add_timer" => (
            call.arg(1, "callback")?,
            "run by a thread-group timer".to_owned(),
            false,
        ),
        "add_dynamic_timer" => (
            call.arg(0, "callback")?,
            "run by a thread-group timer".to_owned(),
            false,
        ),
        _ if name.ends_with("LoopingCall") => {
            (call.arg(0, "f")?, format!("run by `{name}`"), false)
        }
        _ => return None,
    };
    // `functools.partial(f, ...)` starts `f`.
    let target = match target.as_call() {
        Some(inner) if callee_name(inner) == "partial" => inner.args.first()?,
        _ => target,
    };
    Some((target, how, pool))
}

/// The function of this file a callable value names, seen from `from`: `self.method`,
/// `cls.method`, a nested function, a module-level function.
fn resolve(
    unit: &Unit,
    index: &HashMap<&str, usize>,
    from: &Function,
    value: &Value,
) -> Option<usize> {
    let ValueKind::Ref { path, .. } = &value.kind else {
        return None;
    };
    if let Some(method) = path
        .strip_prefix("self.")
        .or_else(|| path.strip_prefix("cls."))
    {
        let class = class_of(from)?;
        return index.get(format!("{class}.{method}").as_str()).copied();
    }
    if path.contains('.') {
        return None;
    }
    // Innermost enclosing scope first, up to the module.
    let mut scope = from.qualname.as_str();
    loop {
        if let Some(&i) = index.get(format!("{scope}.<locals>.{path}").as_str()) {
            return Some(i);
        }
        match scope.rsplit_once(".<locals>.") {
            Some((outer, _)) => scope = outer,
            None => break,
        }
    }
    index
        .get(path.as_str())
        .copied()
        .filter(|&i| unit.functions[i].kind == FunctionKind::Function)
}

/// The class whose instance `self` is in a method, or in a function nested in one.
fn class_of(function: &Function) -> Option<&str> {
    let method = function
        .qualname
        .split(".<locals>.")
        .next()
        .unwrap_or(&function.qualname);
    let (class, _) = method.rsplit_once('.')?;
    Some(class)
}

/// Whether the statement holding `span` can run again: its block is on a cycle.
fn in_loop(cfg: &Cfg, span: ByteSpan) -> bool {
    let Some(block) = cfg.blocks.iter().position(|b| {
        b.stmts.iter().any(|s| {
            crate::held::stmt_value(s)
                .is_some_and(|v| v.span.start <= span.start && span.end <= v.span.end)
        })
    }) else {
        return false;
    };
    let start = block as BlockId;
    let mut seen = vec![false; cfg.blocks.len()];
    let mut stack: Vec<BlockId> = cfg.blocks[block].succs.iter().map(|e| e.to).collect();
    while let Some(id) = stack.pop() {
        if id == start {
            return true;
        }
        if id as usize >= seen.len() || std::mem::replace(&mut seen[id as usize], true) {
            continue;
        }
        stack.extend(cfg.blocks[id as usize].succs.iter().map(|e| e.to));
    }
    false
}

/// For each function, the entry whose thread reaches it: the entry itself, and the functions of
/// this file it calls outside locked code, transitively.
fn reach(
    ctx: &Context,
    unit: &Unit,
    index: &HashMap<&str, usize>,
    entries: &[Entry],
) -> Vec<Option<usize>> {
    let mut reached: Vec<Option<usize>> = vec![None; unit.functions.len()];
    for (e, entry) in entries.iter().enumerate() {
        let mut stack = vec![entry.function];
        while let Some(i) = stack.pop() {
            if reached[i].is_some() {
                continue;
            }
            reached[i] = Some(e);
            let function = &unit.functions[i];
            if function_locked(ctx, function) {
                continue;
            }
            for op in &function.ops {
                let secrev_ir::Op::Call(call) = op else {
                    continue;
                };
                if in_lock_block(ctx, function, call.span) {
                    continue;
                }
                let callee = Value {
                    kind: ValueKind::Ref {
                        path: call.callee.text.clone(),
                        qualname: None,
                        bound: None,
                        base: None,
                    },
                    span: call.callee.span,
                };
                if let Some(next) = resolve(unit, index, function, &callee) {
                    if reached[next].is_none() {
                        stack.push(next);
                    }
                }
            }
        }
    }
    reached
}

// ----- what is shared -----------------------------------------------------------------------

/// Module-level names bound to mutable containers (`_CACHE = {}`).
fn module_containers(module: &Function) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    for block in &module.cfg.blocks {
        for stmt in &block.stmts {
            if let Stmt::Assign { target, value, .. } = stmt {
                if is_container(value) && !target.path.contains(['.', '[']) {
                    names.insert(target.path.to_string());
                }
            }
        }
    }
    names
}

/// What a function can see as shared state.
struct Shared<'a> {
    ctx: &'a Context<'a>,
    unit: &'a Unit,
    function: &'a Function,
    containers: &'a BTreeSet<String>,
}

impl Shared<'_> {
    /// The function's index among the unit's functions.
    fn index(&self) -> usize {
        self.unit
            .functions
            .iter()
            .position(|f| std::ptr::eq(f, self.function))
            .unwrap_or(0)
    }
}

/// The key of shared state a path (or its container) names in `function`, or `None` when the
/// path is local: `Class#self.attr`, `::name` for module state, `Class.attr` for class state.
fn shared_key(
    unit: &Unit,
    function: &Function,
    containers: &BTreeSet<String>,
    path: &str,
) -> Option<String> {
    let root = path.split(['[', '.']).next().unwrap_or(path);
    if root == "self" {
        let attr = path.strip_prefix("self.")?;
        let attr = attr.split(['[', '.']).next().unwrap_or(attr);
        return Some(format!("{}#self.{attr}", class_of(function)?));
    }
    if function.outer_names.iter().any(|n| n == root) {
        return Some(format!("::{root}"));
    }
    if containers.contains(root) && !binds_locally(function, root) {
        return Some(format!("::{root}"));
    }
    let attr = path.strip_prefix(root)?.strip_prefix('.')?;
    let attr = attr.split(['[', '.']).next().unwrap_or(attr);
    if root == "cls" {
        return Some(format!("{}.{attr}", class_of(function)?));
    }
    let is_class = unit
        .functions
        .iter()
        .any(|f| f.kind == FunctionKind::ClassBody && f.qualname == root);
    is_class.then(|| format!("{root}.{attr}"))
}

/// Whether `function` binds `name` as a whole (then it is a local, not the module's).
fn binds_locally(function: &Function, name: &str) -> bool {
    function.kind != FunctionKind::Module
        && !function.outer_names.iter().any(|n| n == name)
        && function.cfg.blocks.iter().flat_map(|b| &b.stmts).any(
            |s| matches!(s, Stmt::Assign { target, .. } if target.path == name && !target.weak),
        )
}

/// Every function writing each piece of shared state, with its first write's span.
type Writers = HashMap<String, Vec<(usize, ByteSpan)>>;

/// Whether a value is a container built on the spot: a literal, a comprehension, a constructor.
fn is_container(value: &Value) -> bool {
    match &value.kind {
        ValueKind::List(_)
        | ValueKind::Dict(_)
        | ValueKind::Set(_)
        | ValueKind::Comprehension { .. } => true,
        ValueKind::Call(call) => matches!(
            callee_name(call),
            "dict" | "list" | "set" | "defaultdict" | "OrderedDict" | "deque" | "Counter"
        ),
        _ => false,
    }
}

/// Shared state that holds a container somewhere in the file (`self.ports = set()` in
/// `__init__`): augmented assignments change it in place.
fn mutable_state(unit: &Unit, containers: &BTreeSet<String>) -> BTreeSet<String> {
    let mut keys: BTreeSet<String> = containers.iter().map(|c| format!("::{c}")).collect();
    for function in &unit.functions {
        for stmt in function.cfg.blocks.iter().flat_map(|b| &b.stmts) {
            if let Stmt::Assign {
                target,
                value,
                augmented: false,
            } = stmt
            {
                if is_container(value) {
                    if let Some(key) = shared_key(unit, function, containers, &target.path) {
                        keys.insert(key);
                    }
                }
            }
        }
    }
    keys
}

/// Whether an augmented assignment can only be an in-place container update: a set operator
/// (`|=`, `&=`, `^=`), or a container on the right.
fn in_place(ctx: &Context, target: ByteSpan, value: &Value) -> bool {
    let operator = ctx.text(ByteSpan {
        start: target.end,
        end: value.span.start,
    });
    operator.contains(['|', '&', '^']) || is_container(value)
}

fn writers(ctx: &Context, unit: &Unit, containers: &BTreeSet<String>) -> Writers {
    let mut map: Writers = HashMap::new();
    for (i, function) in unit.functions.iter().enumerate() {
        if matches!(
            function.kind,
            FunctionKind::Module | FunctionKind::ClassBody
        ) || SETUP_NAMES.contains(&function.name.as_str())
        {
            continue;
        }
        let mut add = |path: &str, span: ByteSpan| {
            if let Some(key) = shared_key(unit, function, containers, path) {
                let list = map.entry(key).or_default();
                if !list.iter().any(|(f, _)| *f == i) {
                    list.push((i, span));
                }
            }
        };
        for stmt in function.cfg.blocks.iter().flat_map(|b| &b.stmts) {
            if let Stmt::Assign { target, .. } = stmt {
                add(&target.path, target.span);
            }
            if let Some(value) = crate::held::stmt_value(stmt) {
                any_in(value, &mut |v| {
                    if let ValueKind::Call(call) = &v.kind {
                        if let (Some(method), Some(receiver)) = (
                            call.callee.method.as_deref(),
                            call.callee.receiver.as_deref(),
                        ) {
                            if MUTATORS.contains(&method) {
                                add(ctx.text(receiver.span), call.span);
                            }
                        }
                    }
                    false
                });
            }
        }
    }
    map
}

/// The other party of a race on `key` seen from `function` run by `entry`: another function
/// writing it that is not run by the same single thread, or `None` when copies of the entry
/// race with each other.
enum Party {
    Copies,
    Writer(usize, ByteSpan),
}

fn other_party(
    key: &str,
    function: usize,
    entry: &Entry,
    reached: &[Option<usize>],
    entries: &[Entry],
    writers: &Writers,
) -> Option<Party> {
    if entry.multi {
        return Some(Party::Copies);
    }
    let list = writers.get(key)?;
    list.iter()
        .find(|(f, _)| {
            *f != function
                && *f != entry.function
                && reached[*f].is_none_or(|e| entries[e].function != entry.function)
        })
        .map(|&(f, span)| Party::Writer(f, span))
}

// ----- the races ----------------------------------------------------------------------------

fn read_modify_writes(
    shared: &Shared,
    entry: &Entry,
    (reached, entries): (&[Option<usize>], &[Entry]),
    (writers, mutable): (&Writers, &BTreeSet<String>),
    reported: &mut BTreeSet<u32>,
    out: &mut Reporter,
) {
    let Shared {
        ctx,
        unit,
        function,
        containers,
    } = *shared;
    let me = shared.index();
    for stmt in function.cfg.blocks.iter().flat_map(|b| &b.stmts) {
        let Stmt::Assign {
            target,
            value,
            augmented,
        } = stmt
        else {
            continue;
        };
        let path = target.path.as_str();
        let reads_itself = *augmented
            || any_in(
                value,
                &mut |v| matches!(&v.kind, ValueKind::Ref { path: p, .. } if p == path),
            );
        if !reads_itself || in_lock_block(ctx, function, target.span) {
            continue;
        }
        let Some(key) = shared_key(unit, function, containers, path) else {
            continue;
        };
        // `self.x = self.x or {}` and other defaults are not updates of a shared value.
        if !*augmented && !is_update(value, path) {
            continue;
        }
        // `ports |= new` and `items += more` on a set or list change the container in place, in
        // one step: only numbers and strings are read, computed and written back.
        if *augmented && (in_place(ctx, target.span, value) || mutable.contains(&key)) {
            continue;
        }
        let Some(party) = other_party(&key, me, entry, reached, entries, writers) else {
            continue;
        };
        if !reported.insert(target.span.start) {
            continue;
        }
        let yields = has_yielding_call(value);
        let code = ctx.code(ByteSpan {
            start: target.span.start,
            end: value.span.end,
        });
        let shown = ctx.code(target.span);
        let (who, related) = describe(ctx, unit, entry, &party);
        let message = format!(
            "`{code}` in `{}` reads `{shown}`, computes and writes it back without a lock, \
             while {who}: two of them can read the same value and one update is lost.",
            function.name
        );
        let fix = format!(
            "Hold one lock around every update of `{shown}` (e.g. `with self._lock:` / a \
             module-level `threading.Lock()`, or `@lockutils.synchronized(...)` on `{}`), or \
             keep the value in one thread and pass changes through a queue.",
            function.name
        );
        let hit = out.report(target.span, message, fix);
        for (span, text) in related {
            hit.related(span, text);
        }
        if !yields {
            // No call between read and write: a native thread can still switch there, a
            // greenthread cannot.
            hit.severity(Severity::Low).confidence(Confidence::Low);
        }
    }
}

/// Whether `value`, assigned to `path`, computes a new value from the old one (an arithmetic or
/// container operation on it), rather than falling back to a default.
fn is_update(value: &Value, path: &str) -> bool {
    match &value.kind {
        ValueKind::Operation { op, operands } => {
            !matches!(*op, "or" | "and" | "one of")
                && operands
                    .iter()
                    .any(|o| matches!(&o.kind, ValueKind::Ref { path: p, .. } if p == path))
        }
        ValueKind::Build { .. } => true,
        _ => false,
    }
}

fn check_then_sets(
    shared: &Shared,
    entry: &Entry,
    reached: &[Option<usize>],
    entries: &[Entry],
    writers: &Writers,
    reported: &mut BTreeSet<u32>,
    out: &mut Reporter,
) {
    let Shared {
        ctx,
        unit,
        function,
        containers,
    } = *shared;
    let me = shared.index();
    let cfg = &function.cfg;
    let lookups = lookups(function);
    for (id, block) in cfg.blocks.iter().enumerate() {
        let Some(cond) = block.succs.iter().find_map(|e| match &e.kind {
            EdgeKind::Branch { cond, .. } => Some(cond),
            _ => None,
        }) else {
            continue;
        };
        for (container, test) in membership_tests(cond, &lookups) {
            if in_lock_block(ctx, function, test) {
                continue;
            }
            let Some(key) = shared_key(unit, function, containers, &container) else {
                continue;
            };
            let Some((store, between)) = store_after(cfg, id as BlockId, &container, test) else {
                continue;
            };
            if in_lock_block(ctx, function, store) || !between {
                continue;
            }
            let Some(party) = other_party(&key, me, entry, reached, entries, writers) else {
                continue;
            };
            if !reported.insert(store.start) {
                continue;
            }
            let (who, related) = describe(ctx, unit, entry, &party);
            let message = format!(
                "`{}` (line {}) finds the entry missing and `{}` stores it after a call that can \
                 wait, without a lock, while {who}: both can see it missing, and the second \
                 store overwrites the first.",
                ctx.code(test),
                ctx.line_of(test),
                ctx.code(store)
            );
            let fix = format!(
                "Hold one lock around the test and the store of `{container}`, or make them one \
                 step (`{container}.setdefault(key, value)` with a value computed beforehand)."
            );
            let hit = out.report(store, message, fix);
            hit.related(test, "the entry is found missing here");
            for (span, text) in related {
                hit.related(span, text);
            }
        }
    }
}

/// Names bound from a lookup in a container (`ri = self._routers.get(router_id)`): the name,
/// the container's path and the lookup, in source order.
fn lookups(function: &Function) -> Vec<(&str, String, ByteSpan)> {
    let mut found = Vec::new();
    for stmt in function.cfg.blocks.iter().flat_map(|b| &b.stmts) {
        if let Stmt::Assign { target, value, .. } = stmt {
            if let Some((container, span)) = lookup(value) {
                if !target.path.contains(['.', '[']) {
                    found.push((target.path.as_str(), container, span));
                }
            }
        }
    }
    found.sort_by_key(|(_, _, span)| span.start);
    found
}

/// `C.get(k)`: the container's path and the call.
fn lookup(value: &Value) -> Option<(String, ByteSpan)> {
    let call = value.as_call()?;
    if callee_name(call) != "get" {
        return None;
    }
    match &call.callee.receiver.as_deref()?.kind {
        ValueKind::Ref { path, .. } => Some((path.to_string(), call.span)),
        _ => None,
    }
}

/// Tests in a condition of whether a container holds a key: `k in C`, `k not in C`,
/// `C.get(k)`, or a name bound to `C.get(k)` before the test. Gives the container's path and
/// the test (the lookup, for a name).
fn membership_tests(cond: &Value, lookups: &[(&str, String, ByteSpan)]) -> Vec<(String, ByteSpan)> {
    let mut found = Vec::new();
    any_in(cond, &mut |v| {
        match &v.kind {
            ValueKind::Operation {
                op: "in" | "not in",
                operands,
            } if operands.len() == 2 => {
                let container = &operands[1];
                let container = match container.as_call() {
                    Some(call) if callee_name(call) == "keys" => {
                        call.callee.receiver.as_deref().unwrap_or(container)
                    }
                    _ => container,
                };
                if let ValueKind::Ref { path, .. } = &container.kind {
                    found.push((path.to_string(), v.span));
                }
            }
            ValueKind::Call(_) => {
                if let Some(hit) = lookup(v) {
                    found.push(hit);
                }
            }
            ValueKind::Ref { path, .. } if !path.contains('.') => {
                if let Some((_, container, span)) = lookups
                    .iter()
                    .rev()
                    .find(|(name, _, span)| name == path && span.end <= v.span.start)
                {
                    found.push((container.clone(), *span));
                }
            }
            _ => {}
        }
        false
    });
    found
}

/// The first store of an element of `container` on only one side of the branch at `from`, and
/// whether a call that can wait runs between the test and the store (the store's value
/// included).
fn store_after(
    cfg: &Cfg,
    from: BlockId,
    container: &str,
    test: ByteSpan,
) -> Option<(ByteSpan, bool)> {
    let sides: Vec<BlockId> = cfg.blocks[from as usize]
        .succs
        .iter()
        .filter(|e| matches!(e.kind, EdgeKind::Branch { .. }))
        .map(|e| e.to)
        .collect();
    let [a, b] = sides[..] else { return None };
    let from_a = region(cfg, a, from);
    let from_b = region(cfg, b, from);
    let mut best: Option<(ByteSpan, bool)> = None;
    for (mine, other) in [(&from_a, &from_b), (&from_b, &from_a)] {
        let mut calls_before: Vec<u32> = Vec::new();
        let mut stores: Vec<(ByteSpan, bool)> = Vec::new();
        for (id, block) in cfg.blocks.iter().enumerate() {
            if !mine[id] || other[id] {
                continue;
            }
            for stmt in &block.stmts {
                if let Stmt::Assign { target, value, .. } = stmt {
                    let element = target.weak || target.path.starts_with(&format!("{container}["));
                    if element && target.path.split('[').next() == Some(container) {
                        stores.push((target.span, has_yielding_call(value)));
                    }
                }
                if let Some(value) = crate::held::stmt_value(stmt) {
                    any_in(value, &mut |v| {
                        if let ValueKind::Call(call) = &v.kind {
                            if may_yield(call) {
                                calls_before.push(call.span.start);
                            }
                        }
                        false
                    });
                }
            }
        }
        for (store, value_yields) in stores {
            if store.start < test.end {
                continue;
            }
            let between = value_yields
                || calls_before
                    .iter()
                    .any(|&c| c > test.end && c < store.start);
            if best.is_none_or(|(b, _)| store.start < b.start) {
                best = Some((store, between));
            }
        }
    }
    best
}

/// Blocks reachable from `start` over normal and branch edges without going back through
/// `stop`.
fn region(cfg: &Cfg, start: BlockId, stop: BlockId) -> Vec<bool> {
    let mut seen = vec![false; cfg.blocks.len()];
    let mut stack = vec![start];
    while let Some(id) = stack.pop() {
        if id == stop
            || id as usize >= seen.len()
            || std::mem::replace(&mut seen[id as usize], true)
        {
            continue;
        }
        stack.extend(
            cfg.blocks[id as usize]
                .succs
                .iter()
                .filter(|e| !matches!(e.kind, EdgeKind::Exception))
                .map(|e| e.to),
        );
    }
    seen
}

fn has_yielding_call(value: &Value) -> bool {
    any_in(
        value,
        &mut |v| matches!(&v.kind, ValueKind::Call(c) if may_yield(c)),
    )
}

/// Whether a call can let another thread or greenthread run: anything but built-ins, container
/// reads and logging.
fn may_yield(call: &Call) -> bool {
    let name = callee_name(call);
    if call.qualname().starts_with("builtins.")
        || READERS.contains(&name)
        || MUTATORS.contains(&name)
    {
        return false;
    }
    !is_logging_call(call)
}

/// Who races with the code, for the message, and the related locations that show it.
fn describe(
    ctx: &Context,
    unit: &Unit,
    entry: &Entry,
    party: &Party,
) -> (String, Vec<(ByteSpan, String)>) {
    let started = &unit.functions[entry.function].name;
    let line = ctx.line_of(entry.site);
    match party {
        Party::Copies => (
            format!(
                "`{started}` runs several times at once ({} at line {line})",
                entry.how
            ),
            vec![(entry.site, format!("`{started}` is {} here", entry.how))],
        ),
        Party::Writer(f, span) => {
            let writer = &unit.functions[*f].name;
            (
                format!(
                    "`{started}` runs concurrently ({} at line {line}) and `{writer}` (line {}) \
                     writes the same state",
                    entry.how,
                    ctx.line_of(*span)
                ),
                vec![
                    (entry.site, format!("`{started}` is {} here", entry.how)),
                    (*span, format!("`{writer}` writes the same state here")),
                ],
            )
        }
    }
}

// ----- locks --------------------------------------------------------------------------------

/// Whether the whole function runs under a lock: a `synchronized` decorator, or it acquires a
/// lock itself (the pairing is PY902's business).
fn function_locked(ctx: &Context, function: &Function) -> bool {
    decorated_with_lock(ctx, function)
        || function.ops.iter().any(|op| {
            matches!(op, secrev_ir::Op::Call(call)
                if call.callee.method.as_deref() == Some("acquire")
                    && call.callee.receiver.as_deref().is_some_and(|r| is_lock_text(ctx.text(r.span))))
        })
}
