//! PY601 `bind-all-interfaces`: a server socket bound to every network interface.

use crate::helpers::call_name;
use crate::rules::web::common::flask_app_value;
use crate::{Context, Hooks, Reporter, Rule};
use secrev_core::{Category, Confidence, RuleDocs, RuleInfo, Severity};
use secrev_ir::{Call, Value, ValueKind};

pub(crate) static RULE: Rule = Rule {
    info: RuleInfo {
        id: "PY601",
        name: "bind-all-interfaces",
        title: "Server bound to all network interfaces",
        cwe: 1327,
        category: Category::InsecureConfig,
        severity: Severity::Low,
        confidence: Confidence::Medium,
        docs: RuleDocs {
            what:
                "Finds servers given the wildcard address `\"0.0.0.0\"`, `\"::\"` or `\"\"` as a \
                   constant: `sock.bind((host, port))` (any `.bind` whose address tuple starts \
                   with it), `socket.create_server`, `http.server.HTTPServer` / \
                   `ThreadingHTTPServer`, `socketserver.*Server`, \
                   `wsgiref.simple_server.make_server`, `werkzeug.serving.run_simple`, a Flask \
                   application's `app.run(host=...)`, `uvicorn.run`, `aiohttp.web.run_app` and \
                   `asyncio.start_server`. Development servers (Flask, `http.server`, `wsgiref`, \
                   Werkzeug) are reported at medium severity, the rest at low: in a container, \
                   binding every interface is often what is intended.",
            why: "A wildcard bind listens on every interface of the host, public ones and VPN or \
                  cluster networks included, so a service meant for local clients is reachable \
                  by anyone who can route to the machine, bypassing the network boundary it was \
                  designed behind.",
            example: "server = HTTPServer((\"0.0.0.0\", 8000), Handler)",
            fix:
                "server = HTTPServer((os.environ.get(\"BIND_ADDR\", \"127.0.0.1\"), 8000), Handler)",
            references: &[
                "https://cwe.mitre.org/data/definitions/1327.html",
                "https://docs.python.org/3/library/socket.html#socket.socket.bind",
            ],
        },
    },
    hooks: Hooks {
        call: Some(check),
        ..Hooks::NONE
    },
};

/// Servers that take an `(host, port)` address as their first argument.
const ADDRESS_SERVERS: &[&str] = &[
    "http.server.HTTPServer",
    "http.server.ThreadingHTTPServer",
    "socket.create_server",
];
/// Development servers: never meant to face a network.
const DEV_SERVERS: &[&str] = &[
    "http.server.HTTPServer",
    "http.server.ThreadingHTTPServer",
    "wsgiref.simple_server.make_server",
    "werkzeug.serving.run_simple",
    "werkzeug.run_simple",
];

/// The wildcard address, when `value` is one; `empty_ok` says whether `""` means "all" here.
fn wildcard(value: &Value, empty_ok: bool) -> Option<&str> {
    value
        .as_str()
        .filter(|h| matches!(*h, "0.0.0.0" | "::") || (empty_ok && h.is_empty()))
}

/// The host of an address tuple argument, when it is a wildcard.
fn tuple_host(value: &Value) -> Option<&Value> {
    let ValueKind::Tuple(items) = &value.resolved().kind else {
        return None;
    };
    let host = items.first().filter(|_| items.len() >= 2)?;
    wildcard(host, true).map(|_| host)
}

fn check(ctx: &Context, call: &Call, out: &mut Reporter) {
    let q = call.qualname();
    let name = call_name(call);
    let (host, dev, what) = if call.is_any(ADDRESS_SERVERS)
        || (q.starts_with("socketserver.") && q.ends_with("Server"))
    {
        let Some(host) = call
            .arg(0, "server_address")
            .or_else(|| call.keyword("address"))
            .and_then(tuple_host)
        else {
            return;
        };
        (host, call.is_any(DEV_SERVERS), format!("`{name}`"))
    } else if call.is_any(&[
        "wsgiref.simple_server.make_server",
        "werkzeug.serving.run_simple",
        "werkzeug.run_simple",
    ]) {
        let Some(host) = call
            .arg(0, "host")
            .or_else(|| call.keyword("hostname"))
            .filter(|v| wildcard(v, true).is_some())
        else {
            return;
        };
        (host, true, format!("`{name}`"))
    } else if call.is_any(&["uvicorn.run", "aiohttp.web.run_app"]) {
        let Some(host) = call.keyword("host").filter(|v| wildcard(v, true).is_some()) else {
            return;
        };
        (host, false, format!("`{name}`"))
    } else if call.is_any(&["asyncio.start_server"]) {
        let Some(host) = call.arg(1, "host").filter(|v| wildcard(v, true).is_some()) else {
            return;
        };
        (host, false, format!("`{name}`"))
    } else {
        match (call.callee.method.as_deref(), &call.callee.receiver) {
            (Some("bind"), _) if call.args.len() == 1 && call.keywords.is_empty() => {
                let Some(host) = tuple_host(&call.args[0]) else {
                    return;
                };
                (host, false, format!("`{}`", ctx.code(call.callee.span)))
            }
            (Some("run"), Some(receiver)) => {
                // Flask's `run` treats an empty host as its default, 127.0.0.1.
                let Some(host) = call.arg(0, "host").filter(|v| wildcard(v, false).is_some())
                else {
                    return;
                };
                if flask_app_value(ctx, receiver).is_none() {
                    return;
                }
                (host, true, format!("`{}`", ctx.code(call.callee.span)))
            }
            _ => return,
        }
    };
    let literal = host.as_str().unwrap_or_default();
    let shown = if literal.is_empty() {
        "`\"\"` (any address)".to_owned()
    } else {
        format!("`\"{literal}\"`")
    };
    let hit = out.report(
        call.span,
        format!("{what} listens on {shown}, every network interface of the host, so the service is reachable from any network the machine is attached to."),
        format!("Give {what} `127.0.0.1`, or the address of the one interface that should serve clients read from configuration, instead of {shown}."),
    );
    if dev {
        hit.severity(Severity::Medium);
    }
}
