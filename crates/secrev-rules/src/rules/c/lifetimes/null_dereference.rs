//! C203 `unchecked-null`: the result of an allocation or lookup that returns null on failure
//! (`malloc`, `fopen`, `getenv`, `new (std::nothrow)`, `findChild`, `qobject_cast`) dereferenced
//! on a path where nothing tested it.

use super::flow::{
    address_taken, aliased, derefs, first_hit, passed_to, pointer_path, reassigns, writes_through,
    Step, ACCESSES_THROUGH,
};
use crate::held::{statements, stmt_value};
use crate::rules::c::common::{c_name, mentions};
use crate::{Context, Hooks, Reporter, Rule};
use secrev_core::{Category, Confidence, RuleDocs, RuleInfo, Severity};
use secrev_ir::{any_in, Function, Stmt, Value, ValueKind};

pub(crate) static RULE: Rule = Rule {
    info: RuleInfo {
        id: "C203",
        name: "unchecked-null",
        title: "Result that can be null dereferenced without a check",
        cwe: 476,
        category: Category::MemorySafety,
        severity: Severity::Medium,
        confidence: Confidence::Medium,
        docs: RuleDocs {
            what: "Follows a local pointer assigned from a call that returns null on failure \
                   (`malloc`, `calloc`, `realloc`, `fopen`, `fdopen`, `popen`, `opendir`, \
                   `getenv`, `new (std::nothrow)`, `QObject::findChild`, `qobject_cast`) and \
                   reports the first dereference (`*p`, `p[i]`, `p->x`, a call on `p`, or a C \
                   library call that reads through it, such as `strlen` or `fgets`) reached on a \
                   path where no condition tested the pointer and no other function was given it \
                   first.",
            why: "These calls fail in ordinary conditions: memory runs out, a file is missing \
                  or unreadable, an environment variable is unset, an object is of another type \
                  or has no such child. Dereferencing the null result crashes the program (a \
                  denial of service) and, with large offsets, can reach mapped memory.",
            example: "FILE *f = fopen(path, \"r\");\nfgets(line, sizeof line, f);",
            fix: "FILE *f = fopen(path, \"r\");\nif (!f)\n    return -errno;\nfgets(line, sizeof line, f);",
            references: &[
                "https://cwe.mitre.org/data/definitions/476.html",
                "https://wiki.sei.cmu.edu/confluence/display/c/EXP34-C.+Do+not+dereference+null+pointers",
            ],
        },
    },
    hooks: Hooks {
        function: Some(check),
        ..Hooks::NONE
    },
};

/// C library calls that return null on failure, and how sure a missing check is a defect.
const NULLABLE: &[(&str, Confidence)] = &[
    ("malloc", Confidence::Medium),
    ("calloc", Confidence::Medium),
    ("realloc", Confidence::Medium),
    ("fopen", Confidence::High),
    ("fdopen", Confidence::High),
    ("popen", Confidence::High),
    ("opendir", Confidence::High),
    ("getenv", Confidence::High),
    ("secure_getenv", Confidence::High),
];

/// C library calls that dereference their pointer arguments besides [`ACCESSES_THROUGH`]:
/// closing a stream reads it first.
const DEREFERENCING: &[&str] = &[
    "strncasecmp",
    "strdup",
    "strtok",
    "vsnprintf",
    "putc",
    "fclose",
    "pclose",
    "rewind",
    "closedir",
    "atol",
    "atof",
    "strtoll",
    "strtoull",
];

/// What can return null, and how confidently a missing check is reported.
fn nullable(value: &Value) -> Option<(String, Confidence)> {
    match &value.kind {
        ValueKind::Operation {
            op: "new nothrow", ..
        } => Some(("new (std::nothrow)".to_owned(), Confidence::Medium)),
        ValueKind::Call(call) => {
            let name = c_name(call);
            if let Some((n, confidence)) = NULLABLE.iter().find(|(n, _)| *n == name) {
                return Some(((*n).to_owned(), *confidence));
            }
            // `findChild<T *>(name)`, `w->findChild<T *>()`: the template arguments stay in the text.
            let text = call.callee.text.as_str();
            if text.contains("findChild") && !text.contains("findChildren") {
                return Some(("findChild".to_owned(), Confidence::Medium));
            }
            call.callee
                .text
                .starts_with("qobject_cast")
                .then(|| ("qobject_cast".to_owned(), Confidence::Low))
        }
        _ => None,
    }
}

/// Whether `value` tests `name` (`!p`, `p == NULL`, `p && ...`), or chooses between values
/// with it in reach (`p ? p->x : 0`, whose condition the representation does not keep).
fn tests(value: &Value, name: &str) -> bool {
    any_in(value, &mut |v| match &v.kind {
        ValueKind::Operation {
            op: "one of",
            operands,
        } => operands.iter().any(|o| mentions(o, name)),
        ValueKind::Operation { op, operands } if !matches!(*op, "deref" | "[]" | "addr") => {
            operands.iter().any(|o| pointer_path(o) == Some(name))
        }
        _ => false,
    })
}

fn check(ctx: &Context, function: &Function, out: &mut Reporter) {
    if !super::has_real_paths(function) {
        return;
    }
    for (at, stmt) in statements(&function.cfg) {
        let Stmt::Assign { target, value, .. } = stmt else {
            continue;
        };
        let name = target.path.as_str();
        if target.weak
            || ctx.function.local(name).is_none_or(|l| l.pointers == 0)
            || aliased(&function.cfg, name, value.span)
        {
            continue;
        }
        let Some((source, confidence)) = nullable(value) else {
            continue;
        };
        let hit = first_hit(
            &function.cfg,
            super::flow::after(at),
            &mut |stmt| {
                let Some(value) = stmt_value(stmt) else {
                    return Step::Go;
                };
                if writes_through(stmt, name) {
                    return Step::Hit;
                }
                if reassigns(stmt, name) || address_taken(value, name) || tests(value, name) {
                    return Step::Stop;
                }
                if derefs(value, name) {
                    return Step::Hit;
                }
                match passed_to(value, name) {
                    Some(call)
                        if DEREFERENCING.contains(&c_name(call))
                            || ACCESSES_THROUGH.contains(&c_name(call)) =>
                    {
                        Step::Hit
                    }
                    Some(_) => Step::Stop,
                    None => Step::Go,
                }
            },
            &mut |cond, _| !mentions(cond, name),
        );
        let Some(stmt) = hit else {
            continue;
        };
        let Some(span) = super::use_span(stmt, name) else {
            continue;
        };
        out.report(
            span,
            format!("`{name}` comes from `{source}` on line {}, which returns null on failure, and is dereferenced here without a check.", ctx.line_of(value.span)),
            format!("Test `{name}` after `{source}` and handle the failure (return an error, fall back) before using it."),
        )
        .confidence(confidence)
        .related(value.span, format!("`{name}` can be null from here"));
    }
}
