//! Taint (C6xx): untrusted data (command-line arguments, the environment, bytes read from
//! descriptors, sockets and Qt devices, URL query items) reaching a command, an SQL statement,
//! a format string or a file path. (Unbounded copies of any data whose length is not bounded
//! are C101's, whatever the data's origin.)
//!
//! Sources, sinks and sanitizers are data (`models/c/taint.toml`, read by `models.rs`). Each
//! function is analysed forward (`flow.rs`); calls to functions of the same file are followed
//! through summaries (`unit.rs`), computed once per file and shared by the four rules. A sink
//! that data passed in by a caller reaches is reported once, at the sink inside the callee,
//! naming the caller's call; its other ends are the source and that call. Calls into other
//! files are not followed; the project-wide taint engine (`secrev-taint`) reads Python only.
//!
//! Where a taint finding and a pattern rule's (C501 shell command, C502 built SQL, C105
//! non-literal format) are about the same call, the engine keeps the taint finding: it names
//! where the data comes from ([`crate::registry::superseded_on_same_call`]).

mod command;
mod flow;
mod format;
mod models;
mod path;
mod sql;
mod unit;

pub(crate) use unit::Reached;

use crate::{Context, Reporter, Rule};
use flow::Origin;

pub(crate) const RULES: &[&Rule] = &[&command::RULE, &sql::RULE, &format::RULE, &path::RULE];

/// The sinks source data reaches in the file being checked.
pub(crate) fn analyse(unit: &secrev_ir::Unit, source: &str) -> Vec<Reached> {
    unit::analyse(unit, source)
}

/// Reports the sinks of `kind` in the function being checked that source data reaches.
fn report(ctx: &Context, out: &mut Reporter, kind: &str, harm: &str, fix: &str) {
    let here = |r: &&Reached| {
        ctx.unit
            .functions
            .get(r.sink.function)
            .is_some_and(|f| std::ptr::eq(f, ctx.function))
    };
    for r in ctx
        .c_taint()
        .iter()
        .filter(here)
        .filter(|r| r.sink.kind == kind)
    {
        let Origin::Input { label, span, .. } = r.origin else {
            continue;
        };
        let passed = match r.via {
            Some((call, callee)) => {
                let callee = ctx
                    .unit
                    .functions
                    .get(callee)
                    .map_or("", |f| f.qualname.as_str());
                format!(", passed to `{callee}` at line {}", ctx.line_of(call))
            }
            None => String::new(),
        };
        let hit = out.report(
            r.sink.arg,
            format!(
                "`{}` reaches `{}` here carrying {label} (line {}){passed}, {harm}.",
                ctx.code(r.sink.arg),
                r.sink.name,
                ctx.line_of(span)
            ),
            fix,
        );
        hit.related(span, format!("{label} enters here"));
        if let Some((call, _)) = r.via {
            hit.related(call, "the data is passed on here");
        }
    }
}
