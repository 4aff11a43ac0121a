//! PY913 `unbounded-read`: a network stream read whole, or a socket read into a buffer until the
//! peer stops, with no limit on how much the peer can send.

use crate::held::statements;
use crate::{Context, Hooks, Reporter, Rule};
use secrev_core::{ByteSpan, Category, Confidence, RuleDocs, RuleInfo, Severity};
use secrev_ir::{any_in, BlockId, Call, Cfg, EdgeKind, Function, Stmt, Value, ValueKind};
use std::collections::HashSet;

pub(crate) static RULE: Rule = Rule {
    info: RuleInfo {
        id: "PY913",
        name: "unbounded-read",
        title: "Network input read into memory without a size limit",
        cwe: 770,
        category: Category::CrashDos,
        severity: Severity::Medium,
        confidence: Confidence::Medium,
        docs: RuleDocs {
            what: "Finds `read()`, `readline()` and `readlines()` without a size, and `json.load`, \
                   on a request's body stream (`environ['wsgi.input']`, `request.stream`, \
                   `req.body_file`, a server's `self.rfile`, a socket's `makefile()`), and socket \
                   `recv` results added to a buffer (`+=`, `append`, `extend`, `write`) inside a \
                   loop that no length test bounds (`while True:` ending only when the peer closes). \
                   webob's `req.body` / `req.json_body` are not reported: nova's and neutron's paste \
                   pipelines bound the body with oslo.middleware's `sizelimit` filter.",
            why: "The peer decides how much data arrives: a body sent with chunked encoding, or a \
                  connection that never closes, is buffered in the worker until it runs out of \
                  memory, and a single slow client keeps a greenthread busy for as long as it likes.",
            example: "def __call__(self, environ, start_response):\n    body = environ['wsgi.input'].read()",
            fix: "def __call__(self, environ, start_response):\n    length = int(environ.get('CONTENT_LENGTH') or 0)\n    if length > MAX_BODY:\n        raise webob.exc.HTTPRequestEntityTooLarge()\n    body = environ['wsgi.input'].read(length)",
            references: &[
                "https://cwe.mitre.org/data/definitions/770.html",
                "https://cwe.mitre.org/data/definitions/400.html",
                "https://docs.openstack.org/oslo.middleware/latest/reference/sizelimit.html",
            ],
        },
    },
    hooks: Hooks {
        call: Some(check_call),
        function: Some(check_function),
        ..Hooks::NONE
    },
};

/// What `value` is when it is a network stream: a short phrase for the message.
fn stream(value: &Value, depth: u32) -> Option<&'static str> {
    if depth > 6 {
        return None;
    }
    match &value.kind {
        ValueKind::Ref {
            path,
            qualname,
            bound,
            ..
        } => {
            if let Some(bound) = bound {
                return stream(bound, depth + 1);
            }
            let path = path.as_str();
            let root = path.split('.').next().unwrap_or("");
            let last = path.rsplit('.').next().unwrap_or("");
            let request_root = matches!(root, "request" | "req")
                || path.starts_with("self.request.")
                || qualname.as_deref().is_some_and(|q| {
                    q.starts_with("flask.request.") || q.starts_with("pecan.request.")
                });
            match last {
                "rfile" => Some("the client's request stream"),
                "stream" | "input_stream" if request_root => Some("the request body stream"),
                "body_file" | "body_file_raw" | "body_file_seekable" if request_root => {
                    Some("the request body stream")
                }
                _ => None,
            }
        }
        ValueKind::Operation { op: "[]", operands } => (operands.get(1).and_then(Value::as_str)
            == Some("wsgi.input"))
        .then_some("the WSGI request body"),
        ValueKind::Call(call) => {
            (call.callee.method.as_deref() == Some("makefile")).then_some("a socket's stream")
        }
        _ => None,
    }
}

fn unbounded_size(call: &Call) -> bool {
    match call.arg(0, "size").or_else(|| call.keyword("hint")) {
        None => true,
        Some(size) => matches!(size.resolved().kind, ValueKind::None) || size.as_int() == Some(-1),
    }
}

fn check_call(ctx: &Context, call: &Call, out: &mut Reporter) {
    let method = call.callee.method.as_deref().unwrap_or("");
    let (source, what) = if matches!(method, "read" | "readline" | "readlines") {
        if !unbounded_size(call) {
            return;
        }
        let Some(receiver) = call.callee.receiver.as_deref() else {
            return;
        };
        (receiver, format!("`{method}()` without a size"))
    } else if call.is_any(&["json.load"]) {
        let Some(fp) = call.arg(0, "fp") else { return };
        (fp, "`json.load`, which reads to the end,".to_owned())
    } else {
        return;
    };
    let Some(kind) = stream(source, 0) else {
        return;
    };
    let source_code = ctx.code(source.span);
    let fix = if method == "readline" {
        format!(
            "Pass a limit, `{source_code}.readline(MAX_LINE + 1)`, and reject lines that reach it."
        )
    } else {
        format!("Read at most a maximum: check `CONTENT_LENGTH` against a limit and call `{source_code}.read(length)`, or read in chunks and stop with 413 once the total passes the limit.")
    };
    out.report(
        call.span,
        format!("`{source_code}` is {kind}, and {what} buffers whatever the client sends: a large or endless body exhausts the worker's memory."),
        fix,
    );
}

/// Whether the call reads from a socket into fresh memory.
fn is_recv(call: &Call) -> bool {
    matches!(call.callee.method.as_deref(), Some("recv" | "recvfrom"))
}

/// The `recv` call whose result `value` is: the call itself, or a name bound to one.
fn from_recv<'f>(received: &[(&str, &'f Call)], value: &'f Value) -> Option<&'f Call> {
    match &value.kind {
        ValueKind::Ref { path, .. } => received
            .iter()
            .find(|(n, _)| *n == path.as_str())
            .map(|(_, c)| *c),
        ValueKind::Call(c) if is_recv(c) => Some(c),
        _ => None,
    }
}

fn check_function<'f>(ctx: &Context, function: &'f Function, out: &mut Reporter) {
    let cfg = &function.cfg;
    // Cheap pre-check: the function must receive from a socket at all.
    let mut receives = false;
    cfg.for_each_call(&mut |c| receives |= is_recv(c));
    if !receives {
        return;
    }
    // Names bound to what `recv` returned, with that call.
    let mut received: Vec<(&'f str, &'f Call)> = Vec::new();
    for (_, stmt) in statements(cfg) {
        if let Stmt::Assign {
            target,
            value,
            augmented: false,
        } = stmt
        {
            if let ValueKind::Call(c) = &value.kind {
                if is_recv(c) {
                    received.push((target.path.as_str(), c.as_ref()));
                }
            }
        }
    }
    let from_recv = |value: &'f Value| from_recv(&received, value);
    let mut reported: HashSet<String> = HashSet::new();
    let mut in_loop: Vec<Option<bool>> = vec![None; cfg.blocks.len()];
    for (at, stmt) in statements(cfg) {
        // (buffer, the read, where it is added)
        let grown: Option<(String, &Call, ByteSpan)> = match stmt {
            Stmt::Assign {
                target,
                value,
                augmented: true,
            } => from_recv(value).map(|c| (target.path.to_string(), c, target.span)),
            Stmt::Assign {
                target,
                value,
                augmented: false,
            } => match &value.kind {
                ValueKind::Operation { op: "+", operands }
                    if operands
                        .iter()
                        .any(|o| o.path() == Some(target.path.as_str())) =>
                {
                    operands
                        .iter()
                        .find_map(from_recv)
                        .map(|c| (target.path.to_string(), c, target.span))
                }
                _ => None,
            },
            Stmt::Eval(value) => match &value.kind {
                ValueKind::Call(add) if grows(add) => {
                    let buffer = add.callee.receiver.as_deref().and_then(Value::path);
                    match (buffer, add.args.first().and_then(from_recv)) {
                        (Some(buffer), Some(c)) => Some((buffer.to_owned(), c, add.span)),
                        _ => None,
                    }
                }
                _ => None,
            },
            Stmt::Return { .. } => None,
        };
        let Some((buffer, read, added)) = grown else {
            continue;
        };
        if reported.contains(&buffer) {
            continue;
        }
        let looped = *in_loop[at.block as usize].get_or_insert_with(|| on_cycle(cfg, at.block));
        if !looped || bounded(ctx, cfg, &buffer) {
            continue;
        }
        reported.insert(buffer.clone());
        let socket = read.callee.receiver.as_deref().map_or_else(
            || "the socket".to_owned(),
            |r| format!("`{}`", ctx.code(r.span)),
        );
        out.report(
            read.span,
            format!(
                "What `{}` receives from {socket} is added to `{buffer}` (line {}) in a loop that no length test bounds: a peer that keeps sending fills the worker's memory.",
                ctx.code(read.span),
                ctx.line_of(added)
            ),
            format!("Stop with an error once `len({buffer})` passes a maximum (or read an announced length, capped, and loop only until it is reached)."),
        )
        .related(added, format!("`{buffer}` grows here on every iteration"));
    }
}

/// Whether the call adds its argument to a buffer: a list's `append`/`extend`, an
/// `io.BytesIO`'s `write` (a TLS memory BIO's `write` is drained by the TLS object).
fn grows(call: &Call) -> bool {
    match call.callee.method.as_deref() {
        Some("append" | "extend") => true,
        Some("write") => call.qualname().starts_with("io.BytesIO()"),
        _ => false,
    }
}

/// Whether `block` lies on a cycle of the graph (a loop body or header).
fn on_cycle(cfg: &Cfg, block: BlockId) -> bool {
    let mut seen = vec![false; cfg.blocks.len()];
    let mut stack: Vec<BlockId> = cfg.blocks[block as usize]
        .succs
        .iter()
        .filter(|e| !matches!(e.kind, EdgeKind::Exception))
        .map(|e| e.to)
        .collect();
    while let Some(id) = stack.pop() {
        if id == block {
            return true;
        }
        let Some(b) = cfg.blocks.get(id as usize) else {
            continue;
        };
        if std::mem::replace(&mut seen[id as usize], true) {
            continue;
        }
        stack.extend(
            b.succs
                .iter()
                .filter(|e| !matches!(e.kind, EdgeKind::Exception))
                .map(|e| e.to),
        );
    }
    false
}

/// Whether the function bounds `buffer`: measures it (`len(buffer)`, `buffer.tell()`), or loops
/// on a comparison (`while received < expected:`).
fn bounded(ctx: &Context, cfg: &Cfg, buffer: &str) -> bool {
    let mut measured = false;
    cfg.for_each_call(&mut |c| {
        let arg_is_buffer = c.args.first().and_then(Value::path) == Some(buffer);
        let on_buffer = c.callee.receiver.as_deref().and_then(Value::path) == Some(buffer);
        measured |= (c.is_any(&["len"]) && arg_is_buffer)
            || (on_buffer && matches!(c.callee.method.as_deref(), Some("tell" | "getbuffer")));
    });
    if measured {
        return true;
    }
    cfg.blocks
        .iter()
        .flat_map(|b| &b.succs)
        .any(|e| match &e.kind {
            EdgeKind::Branch { cond, .. } => any_in(cond, &mut |v| {
                matches!(
                    &v.kind,
                    ValueKind::Operation {
                        op: "<" | "<=" | ">" | ">=",
                        ..
                    }
                )
            }),
            _ => false,
        })
        || ctx.text(ctx.function.span).contains("MAX_")
}
