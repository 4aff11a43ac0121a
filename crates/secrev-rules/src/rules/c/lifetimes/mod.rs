//! Lifetimes (C2xx): memory and handles used after release, released twice, never released,
//! pointers that can be null, variables read before they are set, and addresses that outlive
//! what they point to.

mod double_free;
pub(crate) mod flow;
mod leak;
mod null_dereference;
mod realloc_overwrite;
mod return_local_address;
mod unassigned;
mod uninitialized_read;
mod use_after_free;

use crate::held::stmt_value;
use crate::Rule;
use flow::{pointer_path, under, writes_through};
use secrev_core::ByteSpan;
use secrev_ir::{any_in, Function, FunctionKind, Stmt, ValueKind};

pub(crate) const RULES: &[&Rule] = &[
    &use_after_free::RULE,
    &double_free::RULE,
    &null_dereference::RULE,
    &leak::RULE,
    &uninitialized_read::RULE,
    &return_local_address::RULE,
    &realloc_overwrite::RULE,
];

/// Whether the function's paths can be followed. C and C++ run nothing at file scope: code
/// the front-end finds there is a function body the grammar misread (a macro opening it, like
/// `UNITTEST_START`), with its loops and branches flattened, so paths through it are not real.
fn has_real_paths(function: &Function) -> bool {
    function.kind != FunctionKind::Module
}

/// Where in `stmt` the pointer `name` is used: the write through it, or the outermost
/// expression that reads through it or passes it on.
fn use_span(stmt: &Stmt, name: &str) -> Option<ByteSpan> {
    if let Stmt::Assign { target, .. } = stmt {
        if writes_through(stmt, name) {
            return Some(target.span);
        }
    }
    let value = stmt_value(stmt)?;
    let mut found = None;
    any_in(value, &mut |v| {
        let uses = match &v.kind {
            ValueKind::Call(call) => {
                call.args.iter().any(|a| pointer_path(a) == Some(name))
                    || !flow::is_scope_exit(call)
                        && call
                            .callee
                            .receiver
                            .as_deref()
                            .and_then(pointer_path)
                            .is_some_and(|r| under(r, name))
            }
            ValueKind::Operation {
                op: "deref" | "[]",
                operands,
            } => operands.first().and_then(pointer_path) == Some(name),
            ValueKind::Ref { path, .. } => path.len() > name.len() && under(path, name),
            _ => false,
        };
        if uses {
            found = Some(v.span);
        }
        uses
    });
    found.or(Some(value.span))
}
