//! PY607 `request-without-timeout`: an HTTP request through `requests` (or `httpx` with its
//! timeout switched off) that can wait forever.

use crate::helpers::call_name;
use crate::{Context, Hooks, Reporter, Rule};
use secrev_core::{Category, Confidence, RuleDocs, RuleInfo, Severity};
use secrev_ir::{Call, Value, ValueKind};

pub(crate) static RULE: Rule = Rule {
    info: RuleInfo {
        id: "PY607",
        name: "request-without-timeout",
        title: "HTTP request without a timeout",
        cwe: 400,
        category: Category::CrashDos,
        severity: Severity::Medium,
        confidence: Confidence::High,
        docs: RuleDocs {
            what: "Finds `requests.get/post/put/patch/delete/head/options/request` calls and the \
                   same methods on a `requests.Session()` made in the file that pass no \
                   `timeout=` or pass `timeout=None` (calls with `**kwargs` are skipped: the \
                   timeout may be in them). For `httpx`, which has a default timeout, only an \
                   explicit `timeout=None` (or `httpx.Timeout(None)`) on its functions, clients \
                   and client methods is reported.",
            why: "`requests` waits without limit by default: a server (or a man in the middle) \
                  that accepts the connection and never answers, or trickles bytes, holds the \
                  calling thread forever. In a web worker or a job queue, a few such requests \
                  exhaust the pool and the service stops answering.",
            example: "resp = requests.get(f\"{API}/status\")",
            fix: "resp = requests.get(f\"{API}/status\", timeout=(3.05, 30))",
            references: &[
                "https://cwe.mitre.org/data/definitions/400.html",
                "https://requests.readthedocs.io/en/latest/user/advanced/#timeouts",
                "https://www.python-httpx.org/advanced/timeouts/",
            ],
        },
    },
    hooks: Hooks {
        call: Some(check),
        ..Hooks::NONE
    },
};

const VERBS: &[&str] = &[
    "get", "post", "put", "patch", "delete", "head", "options", "request",
];
const REQUESTS_MODULES: &[&str] = &["requests", "requests.api"];
const REQUESTS_SESSIONS: &[&str] = &[
    "requests.Session()",
    "requests.session()",
    "requests.sessions.Session()",
    "requests.sessions.session()",
];
const HTTPX_OWNERS: &[&str] = &["httpx", "httpx.Client()", "httpx.AsyncClient()"];
const HTTPX_CLIENTS: &[&str] = &["httpx.Client", "httpx.AsyncClient"];

/// Splits `owner.verb` into its owner and a request verb.
fn split_verb<'q>(qualname: &'q str, extra: &[&str]) -> Option<(&'q str, &'q str)> {
    let (owner, verb) = qualname.rsplit_once('.')?;
    (VERBS.contains(&verb) || extra.contains(&verb)).then_some((owner, verb))
}

fn check(ctx: &Context, call: &Call, out: &mut Reporter) {
    let q = call.qualname();
    if let Some((owner, verb)) = split_verb(q, &[]) {
        if REQUESTS_MODULES.contains(&owner) || REQUESTS_SESSIONS.contains(&owner) {
            check_requests(ctx, call, owner, verb, out);
            return;
        }
    }
    let httpx = split_verb(q, &["stream"]).is_some_and(|(owner, _)| HTTPX_OWNERS.contains(&owner))
        || call.is_any(HTTPX_CLIENTS);
    if httpx {
        if let Some(timeout) = call.keyword("timeout").filter(|v| no_timeout(v)) {
            let name = call_name(call);
            out.report(
                call.span,
                format!("`{name}` is called with `timeout={}`, which switches off httpx's default timeout, so a server that stops answering blocks it forever.", ctx.code(timeout.span)),
                format!("Pass a finite timeout to `{name}` (for example `timeout=httpx.Timeout(10.0)`) or leave httpx's default in place."),
            );
        }
    }
}

fn check_requests(ctx: &Context, call: &Call, owner: &str, verb: &str, out: &mut Reporter) {
    // `Session.request(method, url, params, data, headers, cookies, files, auth, timeout, ...)`.
    let timeout = if verb == "request" && owner.ends_with("()") {
        call.arg(8, "timeout")
    } else {
        call.keyword("timeout")
    };
    let shown = format!("`{}(...)`", ctx.code(call.callee.span));
    match timeout {
        None if call.star_kwargs => {}
        None => {
            out.report(
                call.span,
                format!("{shown} has no `timeout`, and `requests` then waits without limit: a server that accepts the connection but never answers blocks this call forever."),
                format!("Add `timeout=` to {shown}, for example `timeout=(3.05, 30)` for the connect and read limits in seconds."),
            );
        }
        Some(value) if no_timeout(value) => {
            out.report(
                call.span,
                format!("{shown} passes `timeout={}`, which waits without limit: a server that accepts the connection but never answers blocks this call forever.", ctx.code(value.span)),
                format!("Replace `timeout={}` in {shown} with a finite limit such as `timeout=(3.05, 30)`.", ctx.code(value.span)),
            );
        }
        Some(_) => {}
    }
}

/// `None`, or an `httpx.Timeout(None)` with no other limit.
fn no_timeout(value: &Value) -> bool {
    match &value.resolved().kind {
        ValueKind::None => true,
        ValueKind::Call(c) => {
            c.is_any(&["httpx.Timeout"])
                && c.keywords.is_empty()
                && c.args.len() == 1
                && matches!(c.args[0].resolved().kind, ValueKind::None)
        }
        _ => false,
    }
}
