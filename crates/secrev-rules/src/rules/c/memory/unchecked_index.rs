//! C103 `unchecked-array-index`: a fixed-size array indexed by a value from outside (a
//! parameter, a packet field, `atoi` of input) that the function never compares with anything.

use crate::rules::c::common::{array_len, c_name, from_parameter, is_compared, local};
use crate::{Context, Hooks, Reporter, Rule};
use secrev_core::{Category, Confidence, RuleDocs, RuleInfo, Severity};
use secrev_ir::{any_in, Function, Op, Stmt, Value, ValueKind};
use std::collections::HashSet;

pub(crate) static RULE: Rule = Rule {
    info: RuleInfo {
        id: "C103",
        name: "unchecked-array-index",
        title: "Fixed-size array indexed by an unchecked external value",
        cwe: 129,
        category: Category::MemorySafety,
        severity: Severity::High,
        confidence: Confidence::Medium,
        docs: RuleDocs {
            what: "Finds reads and writes of a local fixed-size array at an index that comes from \
                   outside the function — a field of a parameter (`hdr->type`, reported at low \
                   confidence: it may be the object's own state) or the result of `atoi`/\
                   `strtol`/`ntohs`/`ntohl` — when the function never compares that index with \
                   anything, and constant indexes past the end of the array. Indexes masked \
                   with `&` or reduced with `%`, loop counters, indexes the function checks, \
                   and plain parameters (the function's contract with its callers) are not \
                   reported.",
            why: "An index from a caller or a packet can be negative or larger than the array: \
                  the access then reads or writes neighbouring memory (stack variables, return \
                  addresses), which leaks data or corrupts control flow.",
            example: "int handler_for(const char *field) {\n    static const int table[8] = {0};\n    int type = atoi(field);\n    return table[type];\n}",
            fix: "int handler_for(const char *field) {\n    static const int table[8] = {0};\n    int type = atoi(field);\n    if (type < 0 || type >= 8)\n        return -1;\n    return table[type];\n}",
            references: &[
                "https://cwe.mitre.org/data/definitions/129.html",
                "https://wiki.sei.cmu.edu/confluence/display/c/ARR30-C.+Do+not+form+or+use+out-of-bounds+pointers+or+array+subscripts",
            ],
        },
    },
    hooks: Hooks {
        function: Some(check),
        ..Hooks::NONE
    },
};

/// Calls whose result is a number read from outside.
const EXTERNAL_NUMBERS: &[&str] = &[
    "atoi", "atol", "atoll", "strtol", "strtoul", "strtoll", "strtoull", "ntohs", "ntohl",
    "be16toh", "be32toh", "le16toh", "le32toh", "getc", "fgetc", "getchar",
];

fn check(ctx: &Context, function: &Function, out: &mut Reporter) {
    let mut seen: HashSet<(String, String)> = HashSet::new();
    let mut visit = |value: &Value| {
        let ValueKind::Operation { op: "[]", operands } = &value.kind else {
            return;
        };
        let (Some(array), Some(index)) = (operands.first(), operands.get(1)) else {
            return;
        };
        let Some(len) = array_len(ctx, array) else {
            return;
        };
        let array_name = array.path().unwrap_or_default().to_owned();
        if let Some(i) = index.as_int() {
            if (i >= len || i < 0) && seen.insert((array_name.clone(), i.to_string())) {
                out.report(
                    value.span,
                    format!(
                        "`{}` is outside `{array_name}`, which has {len} elements.",
                        ctx.code(value.span)
                    ),
                    format!("Use an index from 0 to {} or enlarge the array.", len - 1),
                )
                .confidence(Confidence::High);
            }
            return;
        }
        let Some(origin) = external(ctx, index) else {
            return;
        };
        // A plain parameter is the function's contract (`column(int i)` on a 4x4 matrix,
        // `pass` of an interlaced image): its callers keep it in range, and checking it is
        // theirs to do.
        if origin == "a parameter" {
            return;
        }
        let Some(path) = index.path() else {
            return;
        };
        if is_compared(ctx, path) || !seen.insert((array_name.clone(), path.to_owned())) {
            return;
        }
        let hit = out.report(
            value.span,
            format!("`{}` indexes `{array_name}` ({len} elements) with `{path}`, {origin}, and nothing here checks it against the array's size.", ctx.code(value.span)),
            format!("Check `{path}` before the access: `if ({path} < 0 || {path} >= {len}) return ...;` (or use an unsigned type and `>=` only)."),
        );
        // A field of a parameter is as often the object's own state (`png_ptr->pass`) as a
        // packet's field; a parsed number is input.
        if origin == "a field of a parameter" {
            hit.severity(Severity::Medium).confidence(Confidence::Low);
        }
    };
    let mut walk = |v: &Value| {
        any_in(v, &mut |inner| {
            visit(inner);
            false
        });
    };
    // Reads anywhere in the graph, writes through the element each store names.
    for block in &function.cfg.blocks {
        for stmt in &block.stmts {
            match stmt {
                Stmt::Assign { value, .. } | Stmt::Eval(value) => walk(value),
                Stmt::Return {
                    value: Some(value), ..
                } => walk(value),
                Stmt::Return { value: None, .. } => {}
            }
        }
    }
    for op in &function.ops {
        if let Op::Assign(assign) = op {
            for element in assign.targets.iter().filter_map(|t| t.element.as_deref()) {
                walk(element);
            }
        }
    }
}

/// Where an index comes from, when it comes from outside the function.
fn external(ctx: &Context, index: &Value) -> Option<&'static str> {
    if let ValueKind::Ref { path, .. } = &index.kind {
        if let Some(call) = index.resolved().as_call() {
            if EXTERNAL_NUMBERS.contains(&c_name(call)) {
                return Some("a number parsed from input");
            }
        }
        if from_parameter(ctx, index).is_some() && index.resolved().path() == Some(path.as_str()) {
            // A parameter itself, or a field of one; pointers and arrays are not indexes.
            let is_number =
                local(ctx, index).is_none_or(|l| l.pointers == 0 && l.array_len.is_none());
            return is_number.then_some(if path.contains('.') {
                "a field of a parameter"
            } else {
                "a parameter"
            });
        }
    }
    None
}
