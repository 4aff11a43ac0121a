//! What the denial-of-service rules share: a guess at whether a value comes from the network.
//!
//! Pattern rules do not see the taint analysis, so this approximates its sources from the shape
//! of the value: request objects and their parts (`req.params[...]`, `request.stream`,
//! `environ['wsgi.input']`), server streams (`self.rfile`), socket reads (`sock.recv(n)`), the
//! parameters of request handlers (functions taking `req` or `request`, as in nova's and
//! neutron's API controllers), and what a few decoders make of them.

use crate::Context;
use secrev_ir::{Part, Value, ValueKind};

/// Names under which request objects are passed around.
const REQUEST_ROOTS: &[&str] = &["request", "req", "environ", "self.request", "self.req"];

/// Qualified names of framework request globals.
const REQUEST_GLOBALS: &[&str] = &[
    "flask.request",
    "bottle.request",
    "pecan.request",
    "werkzeug.local.request",
];

/// Calls whose result carries their first argument's data (decoding, wrapping).
const PASS_THROUGH: &[&str] = &[
    "base64.b64decode",
    "base64.decodebytes",
    "base64.urlsafe_b64decode",
    "base64.standard_b64decode",
    "binascii.a2b_base64",
    "io.BytesIO",
    "io.StringIO",
    "bytes",
    "bytearray",
    "str",
    "oslo_utils.encodeutils.safe_decode",
    "oslo_utils.encodeutils.safe_encode",
    "oslo_utils.encodeutils.to_utf8",
];

/// Class names that mark request handlers (`ServersController`, `MetadataProxyHandler`).
const HANDLER_CLASSES: &[&str] = &["Controller", "Handler", "Resource", "Middleware", "View"];

/// Words in decorators that mark request handlers (`@wsgi.expected_errors`, `@webob.dec.wsgify`,
/// `@pecan.expose`, `@app.route`, `@validation.schema`).
const HANDLER_DECORATORS: &[&str] = &[
    "expected_errors",
    "wsgify",
    "expose",
    "route",
    "validation",
    "wsgi.action",
    "wsgi.response",
    "when",
];

/// Whether the function is a request handler: it takes the request (`req` or `request`) and is
/// a method of a controller, handler or middleware class, or is decorated as a handler. A client
/// method taking the request it sends is not one.
pub(super) fn is_handler(ctx: &Context) -> bool {
    let takes_request = ctx
        .function
        .params
        .iter()
        .any(|p| p.name == "req" || p.name == "request");
    if !takes_request {
        return false;
    }
    let class = ctx
        .function
        .qualname
        .rsplit_once('.')
        .map_or("", |(c, _)| c);
    let class = class.rsplit('.').next().unwrap_or(class);
    HANDLER_CLASSES.iter().any(|k| class.ends_with(k))
        || ctx.function.decorators.iter().any(|d| {
            let text = ctx.text(d.span);
            HANDLER_DECORATORS.iter().any(|k| text.contains(k))
        })
}

/// Where `value` comes from, when it looks like data a remote peer chose: a short phrase for a
/// message ("request data", "data received from a socket", "parameter `body` of the request
/// handler `create`").
pub(super) fn untrusted(ctx: &Context, value: &Value) -> Option<String> {
    origin(ctx, value, 0)
}

fn origin(ctx: &Context, value: &Value, depth: u32) -> Option<String> {
    if depth > 8 {
        return None;
    }
    match &value.kind {
        ValueKind::Ref {
            path,
            qualname,
            bound,
            base,
        } => {
            if let Some(bound) = bound {
                return origin(ctx, bound, depth + 1);
            }
            if let Some(base) = base {
                return origin(ctx, base, depth + 1);
            }
            if qualname.as_deref().is_some_and(|q| {
                REQUEST_GLOBALS
                    .iter()
                    .any(|g| q == *g || q.starts_with(&format!("{g}.")))
            }) {
                return Some("request data".into());
            }
            let path = path.as_str();
            if REQUEST_ROOTS.iter().any(|r| {
                path == *r
                    || path
                        .strip_prefix(r)
                        .is_some_and(|rest| rest.starts_with('.'))
            }) {
                return Some("request data".into());
            }
            if path.rsplit('.').next() == Some("rfile") {
                return Some("the client's request stream".into());
            }
            if !path.contains('.')
                && path != "self"
                && path != "cls"
                && is_handler(ctx)
                && ctx.function.params.iter().any(|p| p.name == path)
            {
                return Some(format!(
                    "parameter `{path}` of the request handler `{}`",
                    ctx.function.name
                ));
            }
            None
        }
        ValueKind::Operation { op, operands } => {
            if *op == "[]" {
                if operands.get(1).and_then(Value::as_str) == Some("wsgi.input") {
                    return Some("the WSGI request body".into());
                }
                return operands.first().and_then(|o| origin(ctx, o, depth + 1));
            }
            operands.iter().find_map(|o| origin(ctx, o, depth + 1))
        }
        ValueKind::Build { parts, .. } => parts.iter().find_map(|p| match p {
            Part::Hole(v) => origin(ctx, v, depth + 1),
            Part::Lit(_) => None,
        }),
        ValueKind::Call(call) => {
            let method = call.callee.method.as_deref();
            if matches!(method, Some("recv" | "recvfrom" | "recv_into")) {
                return Some("data received from a socket".into());
            }
            if let Some(receiver) = call.callee.receiver.as_deref() {
                if let Some(found) = origin(ctx, receiver, depth + 1) {
                    return Some(found);
                }
            }
            if call.is_any(PASS_THROUGH)
                || call.qualname().ends_with(".safe_decode")
                || call.qualname().ends_with(".safe_encode")
            {
                return call.args.first().and_then(|a| origin(ctx, a, depth + 1));
            }
            None
        }
        _ => None,
    }
}
