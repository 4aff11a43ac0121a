//! PY608 `urlopen-without-timeout`: a standard-library HTTP connection that can wait forever.

use crate::helpers::call_name;
use crate::{Context, Hooks, Reporter, Rule};
use secrev_core::{Category, Confidence, RuleDocs, RuleInfo, Severity};
use secrev_ir::{Call, Op, Value, ValueKind};

pub(crate) static RULE: Rule = Rule {
    info: RuleInfo {
        id: "PY608",
        name: "urlopen-without-timeout",
        title: "`urlopen` / `http.client` connection without a timeout",
        cwe: 400,
        category: Category::CrashDos,
        severity: Severity::Medium,
        confidence: Confidence::High,
        docs: RuleDocs {
            what: "Finds `urllib.request.urlopen(...)` and the `open(...)` method of an opener \
                   from `urllib.request.build_opener()` without a `timeout` (third positional \
                   argument or keyword), and `http.client.HTTPConnection(...)` / \
                   `HTTPSConnection(...)` without `timeout=`; an explicit `timeout=None` counts as \
                   none. A file that calls `socket.setdefaulttimeout(...)` with a value sets a \
                   process-wide limit, so nothing in it is reported.",
            why: "Without a timeout these calls use the socket default, which is to block \
                  forever: a server that accepts the connection and never answers hangs the \
                  calling thread, and a handful of such calls exhausts a worker pool.",
            example: "with urllib.request.urlopen(feed_url) as resp:\n    body = resp.read()",
            fix:
                "with urllib.request.urlopen(feed_url, timeout=10) as resp:\n    body = resp.read()",
            references: &[
                "https://cwe.mitre.org/data/definitions/400.html",
                "https://docs.python.org/3/library/urllib.request.html#urllib.request.urlopen",
                "https://docs.python.org/3/library/http.client.html#http.client.HTTPConnection",
            ],
        },
    },
    hooks: Hooks {
        call: Some(check),
        ..Hooks::NONE
    },
};

/// Calls taking `(url, data=None, timeout=...)`.
const URL_OPENERS: &[&str] = &[
    "urllib.request.urlopen",
    "urllib.request.build_opener().open",
    "urllib.request.OpenerDirector().open",
];

fn check(ctx: &Context, call: &Call, out: &mut Reporter) {
    let timeout = if call.is_any(URL_OPENERS) || call.is_any(&["http.client.HTTPConnection"]) {
        if call.star_args && call.args.len() < 3 {
            return;
        }
        call.arg(2, "timeout")
    } else if call.is_any(&["http.client.HTTPSConnection"]) {
        // Before 3.12 `key_file`/`cert_file` came before `timeout`: only the keyword is certain.
        if call.star_args || call.args.len() > 2 {
            return;
        }
        call.keyword("timeout")
    } else {
        return;
    };
    if timeout.is_none() && call.star_kwargs {
        return;
    }
    if timeout.is_some_and(|t| !matches!(t.resolved().kind, ValueKind::None)) {
        return;
    }
    if sets_default_timeout(ctx) {
        return;
    }
    let name = call_name(call);
    let how = match timeout {
        Some(t) => format!("with `timeout={}`", ctx.code(t.span)),
        None => "without a timeout".to_owned(),
    };
    out.report(
        call.span,
        format!("`{name}` is called {how}, so it blocks forever on a server that accepts the connection but never answers."),
        format!("Pass `timeout=` with a limit in seconds (for example `timeout=10`) to this `{name}` call."),
    );
}

/// Whether the file sets a process-wide socket timeout.
fn sets_default_timeout(ctx: &Context) -> bool {
    ctx.unit.functions.iter().flat_map(|f| f.ops.iter()).any(|op| {
        matches!(op, Op::Call(c) if c.is_any(&["socket.setdefaulttimeout"])
            && c.args.first().is_some_and(|v: &Value| !matches!(v.resolved().kind, ValueKind::None)))
    })
}
