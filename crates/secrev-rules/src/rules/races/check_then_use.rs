//! PY901 `check-then-use`: a file's state is checked, then the file is written, created or
//! changed as if the state could not have changed in between (time-of-check to time-of-use).

use super::locks::{acquired_before, callee_name, decorated_with_lock, in_lock_block};
use crate::helpers::is_test_path;
use crate::{Context, Hooks, Reporter, Rule};
use secrev_core::{ByteSpan, Category, Confidence, RuleDocs, RuleInfo, Severity};
use secrev_ir::{
    any_in, Block, BlockId, Call, Cfg, EdgeKind, Function, Stmt, Value, ValueKind, EXIT,
};
use std::collections::BTreeSet;

pub(crate) static RULE: Rule = Rule {
    info: RuleInfo {
        id: "PY901",
        name: "check-then-use",
        title: "File checked, then written, created or changed as if it could not have changed (TOCTOU)",
        cwe: 367,
        category: Category::RaceCondition,
        severity: Severity::Medium,
        confidence: Confidence::Medium,
        docs: RuleDocs {
            what: "Finds a test of a file's state in a condition (`os.path.exists`, `isfile`, \
                   `isdir`, `islink`, `lexists`, `os.access`, `Path.exists()`/`is_file()`...) \
                   followed, on a path from that condition, by an operation on the same path \
                   (opening, creating, removing, renaming, changing modes). Not reported: the \
                   check runs under a lock (`with lock:`, `lockutils.lock(...)`, a `synchronized` \
                   decorator, `lock.acquire()` or `fcntl.flock` not yet released), the operation \
                   is atomic about the state (`exist_ok=True`, `O_EXCL`, mode `'x'`) or tolerant \
                   of it (`rmtree(..., ignore_errors=True)`), it sits in a `try` that handles its \
                   failure, the check only picks the exception of a precondition (`if not \
                   exists(p): raise ...`) before an operation that raises anyway, the file is an \
                   operating-system file (`/etc`, `/proc`, `/sys`) that is only read, or the code \
                   is a test. Races whose only outcome is a failed read, removal or move, and \
                   project predicates (`device_exists`, `namespace.exists()`) before a create or \
                   delete, are reported by the opt-in PY905 instead.",
            why: "Between the check and the use, another process, thread or greenthread can \
                  create, delete or replace the file. The use then fails with an exception the \
                  code did not plan for (a crash half-way through configuring a service), or, \
                  in shared directories, acts on a file or symlink an attacker put there after \
                  the check.",
            example: "if not os.path.exists(state_dir):\n    os.makedirs(state_dir)",
            fix: "os.makedirs(state_dir, exist_ok=True)",
            references: &[
                "https://cwe.mitre.org/data/definitions/367.html",
                "https://docs.python.org/3/library/os.html#os.open",
            ],
        },
    },
    hooks: Hooks {
        function: Some(check),
        ..Hooks::NONE
    },
};

/// Standard-library tests of a path's state; the path is the first argument.
const PATH_TESTS: &[&str] = &[
    "os.path.exists",
    "os.path.lexists",
    "os.path.isfile",
    "os.path.isdir",
    "os.path.islink",
    "os.access",
];

/// `pathlib.Path` methods testing the receiver's state.
const PATH_METHOD_TESTS: &[&str] = &["exists", "is_file", "is_dir", "is_symlink"];

/// Standard-library operations on a path, with the positions of the path arguments.
const PATH_OPERATIONS: &[(&str, &[usize])] = &[
    ("builtins.open", &[0]),
    ("io.open", &[0]),
    ("os.open", &[0]),
    ("os.remove", &[0]),
    ("os.unlink", &[0]),
    ("os.rmdir", &[0]),
    ("os.removedirs", &[0]),
    ("os.rename", &[0, 1]),
    ("os.renames", &[0, 1]),
    ("os.replace", &[0, 1]),
    ("os.chmod", &[0]),
    ("os.chown", &[0]),
    ("os.lchown", &[0]),
    ("os.mkdir", &[0]),
    ("os.makedirs", &[0]),
    ("os.symlink", &[0, 1]),
    ("os.link", &[0, 1]),
    ("os.mkfifo", &[0]),
    ("os.mknod", &[0]),
    ("os.truncate", &[0]),
    ("shutil.rmtree", &[0]),
    ("shutil.copy", &[0, 1]),
    ("shutil.copy2", &[0, 1]),
    ("shutil.copyfile", &[0, 1]),
    ("shutil.copytree", &[0, 1]),
    ("shutil.move", &[0, 1]),
];

/// `pathlib.Path` methods acting on the receiver.
const PATH_METHOD_OPERATIONS: &[&str] = &[
    "open",
    "read_text",
    "read_bytes",
    "write_text",
    "write_bytes",
    "unlink",
    "rmdir",
    "mkdir",
    "rename",
    "replace",
    "chmod",
    "symlink_to",
];

/// How project operations on a checked resource are named: they change whether it exists.
const PROJECT_OPERATION_PREFIXES: &[&str] = &[
    "create", "delete", "remove", "add", "del", "destroy", "mount", "umount", "unmount", "plug",
    "unplug",
];

/// What kind of check found, deciding which operations count as uses.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Checker {
    /// A standard-library path test.
    Path,
    /// A project predicate named as an existence check.
    Project,
}

/// A state test in a branch condition.
struct Check<'c> {
    call: &'c Call,
    /// The checked resource, as its source text with whitespace removed.
    resource: String,
    checker: Checker,
}

fn check(ctx: &Context, function: &Function, out: &mut Reporter) {
    run(ctx, function, Outcome::Misdirected, out);
}

/// What the race does to the operation, which decides the rule reporting it.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Outcome {
    /// The operation succeeds on something the check did not vet (PY901).
    Misdirected,
    /// The operation can only fail, or its tolerance is unknown (PY905).
    Fails,
}

/// Reports the checks in `function` followed by an unguarded use whose race has `outcome`.
/// Test code is skipped: nothing races with a test's own fixtures.
pub(super) fn run(ctx: &Context, function: &Function, outcome: Outcome, out: &mut Reporter) {
    if is_test_path(ctx.path) || decorated_with_lock(ctx, function) {
        return;
    }
    let cfg = &function.cfg;
    let mut reported: BTreeSet<(u32, u32)> = BTreeSet::new();
    for (id, block) in cfg.blocks.iter().enumerate() {
        // Both edges of a branch carry the same condition: read it once.
        let Some(cond) = block.succs.iter().find_map(|e| match &e.kind {
            EdgeKind::Branch { cond, .. } => Some(cond),
            _ => None,
        }) else {
            continue;
        };
        for test in checks_in(ctx, cond) {
            if locked(ctx, function, test.call.span) {
                continue;
            }
            let Some(use_call) = first_use(ctx, cfg, id as BlockId, &test) else {
                continue;
            };
            // `if not exists(p): raise NotFound(p)` then `os.rmdir(p)`: if `p` goes in between,
            // the use raises too; the check only chose the exception.
            let precondition = raises_on_a_branch(cfg, block)
                && (!fails_silently(use_call) || only_presence(&test, use_call));
            if precondition
                || outcome_of(ctx, &test, use_call) != outcome
                || is_system_file(use_call)
                || locked(ctx, function, use_call.span)
                || !reported.insert((test.call.span.start, use_call.span.start))
            {
                continue;
            }
            report(ctx, &test, use_call, out);
        }
    }
}

/// A project operation's tolerance lives in code this rule does not read; reads, removals and
/// moves of the checked path away can only fail when it changed.
fn outcome_of(ctx: &Context, test: &Check, use_call: &Call) -> Outcome {
    let moves_it_away = matches!(
        callee_name(use_call),
        "rename" | "renames" | "replace" | "move"
    ) && use_call
        .args
        .first()
        .is_some_and(|a| resource_text(ctx, a) == test.resource);
    if test.checker == Checker::Project
        || is_read_only(use_call)
        || is_removal(use_call)
        || moves_it_away
    {
        Outcome::Fails
    } else {
        Outcome::Misdirected
    }
}

fn report(ctx: &Context, test: &Check, use_call: &Call, out: &mut Reporter) {
    let check_code = ctx.code(test.call.span);
    let use_code = ctx.code(use_call.span);
    let line = ctx.line_of(test.call.span);
    let fails_only = outcome_of(ctx, test, use_call) == Outcome::Fails;
    let consequence = match (test.checker, fails_only) {
        (Checker::Project, _) => {
            "so the operation meets a state the check did not see and fails or acts twice"
        }
        (Checker::Path, true) => {
            "so it fails with an unhandled error when the file goes away in between"
        }
        (Checker::Path, false) => {
            "so the operation meets a file the check did not see: one created, removed or \
             swapped for a symlink in between"
        }
    };
    let hit = out.report(
        use_call.span,
        format!(
            "`{check_code}` (line {line}) checks the state of `{}`, then `{use_code}` acts on it \
             as if it could not have changed, {consequence}.",
            test.resource
        ),
        fix(test, use_call),
    );
    hit.related(test.call.span, "the state is checked here");
    match (test.checker, fails_only) {
        (Checker::Project, _) => {
            hit.confidence(Confidence::Low);
        }
        (Checker::Path, true) => {
            hit.severity(Severity::Low);
        }
        (Checker::Path, false) => {}
    }
}

fn fix(test: &Check, use_call: &Call) -> String {
    let name = callee_name(use_call);
    let resource = &test.resource;
    if test.checker == Checker::Project {
        return format!(
            "Drop the check and make `{name}` tolerate the state (catch its \"already exists\" or \
             \"not found\" error), or hold one lock (`lockutils.lock(...)`) around both the check \
             and `{name}`."
        );
    }
    match name {
        "makedirs" | "mkdir" => format!(
            "Drop the check: call `{name}({resource}, exist_ok=True)` (or catch `FileExistsError`)."
        ),
        "remove" | "unlink" | "rmdir" | "rmtree" | "removedirs" => format!(
            "Drop the check: call `{name}` in `try:` and handle `FileNotFoundError`."
        ),
        "open" if !is_read_only(use_call) => format!(
            "Create the file atomically: `os.open({resource}, os.O_WRONLY | os.O_CREAT | os.O_EXCL)` \
             (or `open(..., 'x')`) and handle `FileExistsError`, instead of checking first."
        ),
        _ => format!(
            "Drop the check and call `{name}` directly, handling the `OSError` it raises when the \
             state is not what it expects; where both must happen together, hold a lock around them."
        ),
    }
}

/// The tests of resource state in a condition.
fn checks_in<'v>(ctx: &Context, cond: &'v Value) -> Vec<Check<'v>> {
    let mut found = Vec::new();
    any_in(cond, &mut |value| {
        if let ValueKind::Call(call) = &value.kind {
            if let Some(test) = as_check(ctx, call) {
                found.push(test);
            }
        }
        false
    });
    found
}

fn as_check<'c>(ctx: &Context, call: &'c Call) -> Option<Check<'c>> {
    if call.is_any(PATH_TESTS) {
        return Some(Check {
            call,
            resource: resource_text(ctx, call.args.first()?),
            checker: Checker::Path,
        });
    }
    let name = callee_name(call);
    if let (Some(receiver), true) = (&call.callee.receiver, call.args.is_empty()) {
        if PATH_METHOD_TESTS.contains(&name) && name != "exists" {
            return Some(Check {
                call,
                resource: resource_text(ctx, receiver),
                checker: Checker::Path,
            });
        }
        if name == "exists" {
            // `Path(p).exists()` tests a path; `namespace.exists()` tests a project object.
            let checker = if is_pathlib(call) {
                Checker::Path
            } else {
                Checker::Project
            };
            return Some(Check {
                call,
                resource: resource_text(ctx, receiver),
                checker,
            });
        }
    }
    if name.ends_with("_exists") || name.starts_with("exists_") {
        return Some(Check {
            call,
            resource: resource_text(ctx, call.args.first()?),
            checker: Checker::Project,
        });
    }
    None
}

fn is_pathlib(call: &Call) -> bool {
    call.qualname().starts_with("pathlib.")
}

/// The first operation on the checked resource reachable from the condition's block, later in
/// the source than the check, outside `try` blocks.
fn first_use<'c>(ctx: &Context, cfg: &'c Cfg, from: BlockId, test: &Check) -> Option<&'c Call> {
    let mut seen = vec![false; cfg.blocks.len()];
    let mut stack: Vec<BlockId> = cfg.blocks[from as usize]
        .succs
        .iter()
        .filter(|e| !matches!(e.kind, EdgeKind::Exception))
        .map(|e| e.to)
        .collect();
    let mut best: Option<&Call> = None;
    while let Some(id) = stack.pop() {
        let Some(block) = cfg.blocks.get(id as usize) else {
            continue;
        };
        if std::mem::replace(&mut seen[id as usize], true) {
            continue;
        }
        // Code inside a `try` has its failure handled: the race costs nothing there.
        let guarded = block
            .succs
            .iter()
            .any(|e| matches!(e.kind, EdgeKind::Exception));
        if !guarded {
            for stmt in &block.stmts {
                let value = match stmt {
                    Stmt::Assign { value, .. } | Stmt::Eval(value) => Some(value),
                    Stmt::Return { value, .. } => value.as_ref(),
                };
                let Some(value) = value else { continue };
                any_in(value, &mut |v| {
                    if let ValueKind::Call(call) = &v.kind {
                        if call.span.start > test.call.span.end
                            && is_use(ctx, call, test)
                            && best.is_none_or(|b| call.span.start < b.span.start)
                        {
                            best = Some(call);
                        }
                    }
                    false
                });
            }
        }
        stack.extend(
            block
                .succs
                .iter()
                .filter(|e| !matches!(e.kind, EdgeKind::Exception))
                .map(|e| e.to),
        );
    }
    best
}

fn is_use(ctx: &Context, call: &Call, test: &Check) -> bool {
    let same =
        |value: Option<&Value>| value.is_some_and(|v| resource_text(ctx, v) == test.resource);
    let name = callee_name(call);
    let on_receiver = call
        .callee
        .receiver
        .as_deref()
        .is_some_and(|r| same(Some(r)));
    // A method of the checked object itself: `Path` operations (the object may be a path whose
    // type the front-end did not see).
    let method_use = on_receiver && PATH_METHOD_OPERATIONS.contains(&name) && !is_atomic(ctx, call);
    match test.checker {
        Checker::Path => {
            if let Some((_, positions)) = PATH_OPERATIONS.iter().find(|(q, _)| call.is_any(&[q])) {
                return positions.iter().any(|&i| same(call.args.get(i))) && !is_atomic(ctx, call);
            }
            method_use
        }
        Checker::Project => {
            let changes_existence = PROJECT_OPERATION_PREFIXES
                .iter()
                .any(|p| name == *p || name.starts_with(&format!("{p}_")));
            method_use
                || changes_existence
                    && (on_receiver
                        || call.args.iter().any(|a| same(Some(a)))
                        || call.keywords.iter().any(|k| same(Some(&k.value))))
        }
    }
}

/// Operations that are atomic about the checked state: they decide and act in one step.
fn is_atomic(ctx: &Context, call: &Call) -> bool {
    let name = callee_name(call);
    let truthy = |v: Option<&Value>| v.is_some_and(|v| v.as_bool() == Some(true));
    match name {
        "makedirs" | "mkdir" => truthy(call.keyword("exist_ok")),
        "open" if call.qualname() == "os.open" => call
            .arg(1, "flags")
            .is_some_and(|flags| ctx.text(flags.span).contains("O_EXCL")),
        "open" => mode(call).is_some_and(|m| m.contains('x')),
        // Not atomic, but it accepts whatever state it meets, so the race is harmless.
        "rmtree" => truthy(call.keyword("ignore_errors")),
        _ => false,
    }
}

/// Whether one edge of the branch ending `block` leads straight to a `raise`: a block that
/// leaves the function without returning.
fn raises_on_a_branch(cfg: &Cfg, block: &Block) -> bool {
    block.succs.iter().any(|edge| {
        matches!(edge.kind, EdgeKind::Branch { .. })
            && cfg.blocks.get(edge.to as usize).is_some_and(|target| {
                !target.stmts.is_empty()
                    && !target
                        .stmts
                        .iter()
                        .any(|s| matches!(s, Stmt::Return { .. }))
                    && target.succs.iter().any(|e| e.to == EXIT)
            })
    })
}

/// Operations that succeed on a state the check did not expect, instead of raising: writes that
/// create or truncate, copies and renames that replace, mode changes that follow a new symlink.
fn fails_silently(call: &Call) -> bool {
    match callee_name(call) {
        "open" => !is_read_only(call),
        "write_text" | "write_bytes" | "copy" | "copy2" | "copyfile" | "copytree" | "move"
        | "replace" | "rename" | "renames" | "chmod" | "chown" | "lchown" | "truncate" => true,
        _ => false,
    }
}

/// A presence test before a mode change: the change follows whatever is there with or without
/// the test, so the test promises nothing a race could break.
fn only_presence(test: &Check, use_call: &Call) -> bool {
    test.call.is_any(&["os.path.exists", "os.path.lexists"])
        && matches!(callee_name(use_call), "chmod" | "chown" | "lchown")
}

/// A read of a file the operating system keeps in place (`/etc`, `/proc`, `/sys`): nothing the
/// service races with removes it.
fn is_system_file(call: &Call) -> bool {
    is_read_only(call)
        && call.args.first().and_then(Value::as_str).is_some_and(|p| {
            ["/etc/", "/proc/", "/sys/"]
                .iter()
                .any(|d| p.starts_with(d))
        })
}

/// A removal: if the file changed in between, it fails (or removes a symlink rather than its
/// target) instead of acting on something the check did not see.
fn is_removal(call: &Call) -> bool {
    matches!(
        callee_name(call),
        "remove" | "unlink" | "rmdir" | "removedirs" | "rmtree"
    )
}

/// An `open` that only reads.
fn is_read_only(call: &Call) -> bool {
    match callee_name(call) {
        "open" if call.qualname() == "os.open" => false,
        "open" => mode(call).is_none_or(|m| !m.contains(['w', 'a', 'x', '+'])),
        "read_text" | "read_bytes" => true,
        _ => false,
    }
}

/// The mode an `open` call passes: second for the `open` functions, first for `Path.open`.
fn mode(call: &Call) -> Option<&str> {
    let position = if call.is_any(&["builtins.open", "io.open"]) {
        1
    } else {
        0
    };
    call.arg(position, "mode").and_then(Value::as_str)
}

/// A resource named by an expression: its source text without whitespace.
fn resource_text(ctx: &Context, value: &Value) -> String {
    ctx.text(value.span).split_whitespace().collect()
}

fn locked(ctx: &Context, function: &Function, span: ByteSpan) -> bool {
    in_lock_block(ctx, function, span) || acquired_before(ctx, function, span)
}
