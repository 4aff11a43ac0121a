//! C403 `thread-shared-static`: a file-scope or `static` variable modified in a thread's entry
//! function (`QThread::run`, a `pthread_create`/`std::thread`/`QtConcurrent::run` target)
//! without a lock.

use super::{lock_op, LockOp};
use crate::held::{calls, statements};
use crate::rules::c::common::c_name;
use crate::{Context, Hooks, Reporter, Rule};
use secrev_core::{ByteSpan, Category, Confidence, RuleDocs, RuleInfo, Severity};
use secrev_ir::{any_in, Call, Function, FunctionKind, Stmt, Unit, Value, ValueKind};

pub(crate) static RULE: Rule = Rule {
    info: RuleInfo {
        id: "C403",
        name: "thread-shared-static",
        title: "Shared static variable modified from a thread without a lock",
        cwe: 362,
        category: Category::RaceCondition,
        severity: Severity::Medium,
        confidence: Confidence::Medium,
        docs: RuleDocs {
            what: "Finds the functions of a file that run on their own thread (`run()` of a \
                   class deriving from `QThread`, functions and lambdas given to \
                   `pthread_create`, `std::thread`, `QtConcurrent::run`) and reports writes \
                   (`=`, `+=`, `++`) in them to file-scope or `static` variables (a class's \
                   `static` members included, its other fields not: they are one object's), \
                   when the function takes no lock before the write and the variable is not \
                   atomic.",
            why: "Every thread started from the function shares the variable: concurrent \
                  read-modify-writes lose updates, and counters, flags and pointers that guard \
                  other state end up inconsistent (double frees, skipped checks).",
            example: "static int active;\nvoid *worker(void *arg) {\n    active++;\n    ...\n}",
            fix: "static std::atomic<int> active; /* or */\npthread_mutex_lock(&lock);\nactive++;\npthread_mutex_unlock(&lock);",
            references: &[
                "https://cwe.mitre.org/data/definitions/362.html",
                "https://wiki.sei.cmu.edu/confluence/display/c/CON32-C.+Prevent+data+races+when+accessing+bit-fields+from+multiple+threads",
            ],
        },
    },
    hooks: Hooks {
        unit: Some(check),
        ..Hooks::NONE
    },
};

/// The names of functions a thread-starting call runs, and the spans of lambdas it is given.
fn thread_targets(call: &Call, names: &mut Vec<String>, spans: &mut Vec<ByteSpan>) {
    let name = c_name(call);
    let qualname = call.qualname();
    let args: &[Value] = match (name, qualname) {
        ("pthread_create", _) => call.args.get(2).map(std::slice::from_ref).unwrap_or(&[]),
        (_, "std::thread" | "std::jthread" | "QtConcurrent::run" | "QThread::create") => &call.args,
        _ => return,
    };
    for arg in args {
        let target = match &arg.kind {
            ValueKind::Operation {
                op: "addr",
                operands,
            } => operands.first(),
            _ => Some(arg),
        };
        match target.map(|t| &t.kind) {
            Some(ValueKind::Ref { path, .. }) => names.push(path.replace('.', "::")),
            _ => spans.push(arg.span),
        }
    }
}

/// Whether `function` is `X::run` of a class the file declares as deriving from `QThread`.
fn is_qthread_run(ctx: &Context, function: &Function) -> bool {
    let Some(class) = function.qualname.strip_suffix("::run") else {
        return false;
    };
    let class = class.rsplit("::").next().unwrap_or(class);
    ctx.source
        .match_indices(&format!("class {class}"))
        .any(|(at, _)| {
            let header = ctx.source[at..].split('{').next().unwrap_or("");
            header.contains("QThread")
        })
}

/// The shared variable a statement writes, with where.
fn shared_write<'s>(stmt: &'s Stmt, shared: &impl Fn(&str) -> bool) -> Option<(&'s str, ByteSpan)> {
    match stmt {
        Stmt::Assign { target, .. } => {
            let root = target.path.split(['.', '[']).next().unwrap_or("");
            shared(root).then_some((root, target.span))
        }
        Stmt::Eval(value) => {
            let mut found = None;
            // `x++` and `++x` are lowered as `x + 1` evaluated for its effect.
            any_in(value, &mut |v| match &v.kind {
                ValueKind::Operation { op: "+", operands }
                    if operands.len() == 2 && operands[1].span == v.span =>
                {
                    if let Some(path) = operands[0].path().filter(|p| shared(p)) {
                        found = Some((path, v.span));
                    }
                    found.is_some()
                }
                _ => false,
            });
            found
        }
        Stmt::Return { .. } => None,
    }
}

fn check(ctx: &Context, unit: &Unit, out: &mut Reporter) {
    let Some(module) = unit.functions.first() else {
        return;
    };
    let mut names = Vec::new();
    let mut spans = Vec::new();
    for function in &unit.functions {
        function
            .cfg
            .for_each_call(&mut |call| thread_targets(call, &mut names, &mut spans));
    }
    if names.is_empty()
        && spans.is_empty()
        && !unit.functions.iter().any(|f| is_qthread_run(ctx, f))
    {
        return;
    }
    for function in &unit.functions {
        let entry = match function.kind {
            FunctionKind::Lambda => spans
                .iter()
                .any(|s| s.start <= function.span.start && function.span.end <= s.end),
            FunctionKind::Function | FunctionKind::Method => {
                names.iter().any(|n| {
                    *n == function.qualname
                        || n.rsplit("::").next() == Some(function.qualname.as_str())
                }) || is_qthread_run(ctx, function)
            }
            _ => false,
        };
        if !entry {
            continue;
        }
        // A member of the method's class belongs to one object (a `QThread` subclass's field
        // is that thread's), unless it is a `static` member.
        let class = function
            .qualname
            .rsplit_once("::")
            .map(|(class, _)| class.rsplit("::").next().unwrap_or(class));
        let shared = |name: &str| {
            let member = class.and_then(|c| unit.field(c, name));
            let declared = function
                .local(name)
                .map(|l| l.is_static)
                .or_else(|| member.map(|m| m.is_static))
                .or_else(|| module.local(name).map(|_| true));
            let ty = function
                .local(name)
                .or_else(|| module.local(name))
                .map_or("", |l| l.ty.as_str());
            declared == Some(true)
                && !ty.contains("atomic")
                && !ty.contains("Atomic")
                && !ty.contains("sig_atomic_t")
        };
        let fctx = Context { function, ..*ctx };
        let mut locked = false;
        for (_, stmt) in statements(&function.cfg) {
            locked |= calls(stmt, &mut |call| {
                matches!(
                    lock_op(&fctx, function, call),
                    Some((LockOp::Lock | LockOp::Guard, _))
                )
            });
            if locked {
                break;
            }
            if let Some((name, span)) = shared_write(stmt, &shared) {
                out.report(
                    span,
                    format!("`{name}` is shared by every thread running `{}`, and this write to it takes no lock.", function.qualname),
                    format!("Make `{name}` atomic (`std::atomic`, `QAtomicInt`) or modify it under a mutex (`QMutexLocker`, `std::lock_guard`)."),
                );
                break;
            }
        }
    }
}
