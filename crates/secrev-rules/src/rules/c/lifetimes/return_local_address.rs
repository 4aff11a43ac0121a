//! C206 `return-local-address`: a function returning the address of one of its own automatic
//! variables or arrays, which ceases to exist as the function returns.

use super::flow::pointer_path;
use crate::{Context, Hooks, Reporter, Rule};
use secrev_core::{Category, Confidence, RuleDocs, RuleInfo, Severity};
use secrev_ir::{Function, FunctionKind, Language, Local, Stmt, Value, ValueKind};

pub(crate) static RULE: Rule = Rule {
    info: RuleInfo {
        id: "C206",
        name: "return-local-address",
        title: "Address of a local variable returned",
        cwe: 562,
        category: Category::MemorySafety,
        severity: Severity::High,
        confidence: Confidence::High,
        docs: RuleDocs {
            what: "Reports `return &x;` and `return buf;` where `x` is a non-static local or \
                   by-value parameter and `buf` a local array of the function returning it \
                   (static locals and globals outlive the call and are not reported).",
            why: "Automatic variables live in the function's stack frame, which the next call \
                  reuses: the caller receives a pointer to memory that other calls overwrite, \
                  and reading or writing through it corrupts unrelated data.",
            example: "const char *format_id(int id) {\n    char buf[16];\n    snprintf(buf, sizeof buf, \"#%d\", id);\n    return buf;\n}",
            fix: "const char *format_id(int id, char *buf, size_t len) {\n    snprintf(buf, len, \"#%d\", id);\n    return buf;\n}",
            references: &[
                "https://cwe.mitre.org/data/definitions/562.html",
                "https://wiki.sei.cmu.edu/confluence/display/c/DCL30-C.+Declare+objects+with+appropriate+storage+durations",
            ],
        },
    },
    hooks: Hooks {
        function: Some(check),
        ..Hooks::NONE
    },
};

/// The automatic local whose address `value` is.
fn local_address<'f>(function: &'f Function, value: &Value) -> Option<&'f Local> {
    let (name, array) = match &value.kind {
        ValueKind::Operation {
            op: "addr",
            operands,
        } => (operands.first().and_then(pointer_path)?, false),
        _ => (pointer_path(value)?, true),
    };
    if name.contains('.') {
        return None;
    }
    let local = function.local(name)?;
    let automatic = !local.is_static && !local.reference && local.ty != "auto";
    let fits = if array {
        local.array_len.is_some() && local.pointers == 0 && !local.param
    } else {
        // `&param` is the caller's object when the parameter is a reference, and typedefs
        // (`const_reference`) hide that: only plain scalars and pointers are copies for sure.
        !local.param || local.pointers > 0 || SCALARS.contains(&local.ty.as_str())
    };
    (automatic && fits).then_some(local)
}

/// Parameter types that are certainly passed by value.
const SCALARS: &[&str] = &[
    "int",
    "unsigned",
    "unsigned int",
    "long",
    "unsigned long",
    "short",
    "char",
    "double",
    "float",
    "size_t",
    "ssize_t",
    "bool",
];

/// Whether the function returns a pointer: in C++, `return buf;` from a function returning
/// `std::string` or `QByteArray` copies the array into the result.
fn returns_pointer(ctx: &Context, function: &Function) -> bool {
    let header = ctx.text(secrev_core::ByteSpan {
        start: function.span.start,
        end: function.name_span.start.max(function.span.start),
    });
    header.contains('*')
}

fn check(ctx: &Context, function: &Function, out: &mut Reporter) {
    if !matches!(function.kind, FunctionKind::Function | FunctionKind::Method) {
        return;
    }
    for stmt in function.cfg.blocks.iter().flat_map(|b| &b.stmts) {
        let Stmt::Return {
            value: Some(value), ..
        } = stmt
        else {
            continue;
        };
        let array = !matches!(&value.kind, ValueKind::Operation { op: "addr", .. });
        if array && ctx.unit.language == Language::Cpp && !returns_pointer(ctx, function) {
            continue;
        }
        if let Some(local) = local_address(function, value) {
            out.report(
                value.span,
                format!("`{}` returns the address of `{}`, a variable of this function's stack frame that is gone once the function returns.", ctx.code(value.span), local.name),
                format!("Return a copy, make `{}` `static` (not thread-safe), allocate it, or let the caller pass the buffer in.", local.name),
            );
        }
    }
}
