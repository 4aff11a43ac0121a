//! What the object-ownership rules (PY935, PY936) share: where a handler's values come from in
//! the request (a URL parameter, the body), whether a value names the caller, and whether a
//! handler is reserved to administrators (then every object is the caller's to touch, and the
//! handler is not judged).
//!
//! Every idiom is data: the `[authz.scoping]` table of `models/authz.toml`.

use super::analysis::Handler;
use secrev_ir::{any_in, Call, EdgeKind, Function, Stmt, Value, ValueKind};
use secrev_taint::authz::Scoping;

/// How deep names bound to values are followed.
pub(super) const MAX_DEPTH: usize = 8;

/// Where a value comes from in the request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Origin {
    /// A path parameter: a handler parameter (`def show(self, req, id)`) or `self.kwargs`.
    Url,
    /// The body, the form or the query string.
    Body,
}

/// A handler's parameters, sorted by what they carry.
pub(super) struct Params<'f> {
    url: Vec<&'f str>,
    body: Vec<&'f str>,
}

impl<'f> Params<'f> {
    pub fn of(scoping: &Scoping, f: &'f Function) -> Params<'f> {
        let mut params = Params {
            url: Vec::new(),
            body: Vec::new(),
        };
        for p in &f.params {
            // A parameter with a computed default is injected, not read from the URL
            // (FastAPI's `current_user: User = Depends(get_current_user)`).
            if p.default.as_ref().is_some_and(|d| d.as_call().is_some()) {
                continue;
            }
            if scoping.body_params.matches(&p.name) {
                params.body.push(&p.name);
            } else if !scoping.request_params.matches(&p.name) {
                params.url.push(&p.name);
            }
        }
        params
    }

    /// Whether the URL names an owner (`/users/{user_id}/credentials/{id}`): objects under it
    /// must be that owner's.
    pub fn url_names_owner(&self, scoping: &Scoping) -> bool {
        self.url.iter().any(|p| scoping.owner_fields.matches(p))
    }
}

/// The first name of an access path (`obj` in `obj.owner_id`, `values` in `values[project_id]`).
pub(super) fn root(path: &str) -> &str {
    path.split(['.', '[', '(']).next().unwrap_or(path)
}

/// Where `v` comes from in the request, if it does: request data read directly or through
/// names, subscripts, `.get(...)` and conversions (`int(request.args['id'])`).
pub(super) fn origin(scoping: &Scoping, params: &Params, v: &Value) -> Option<Origin> {
    origin_at(scoping, params, v, 0)
}

fn origin_at(scoping: &Scoping, params: &Params, v: &Value, depth: usize) -> Option<Origin> {
    if depth > MAX_DEPTH {
        return None;
    }
    let next = |v: &Value| origin_at(scoping, params, v, depth + 1);
    match &v.kind {
        ValueKind::Ref {
            bound: Some(bound), ..
        } => next(bound),
        ValueKind::Ref { path, .. } => {
            let first = root(path);
            if scoping.request_data.matches(path) || params.body.contains(&first) {
                Some(Origin::Body)
            } else if scoping.url_data.matches(path) || params.url.contains(&first) {
                Some(Origin::Url)
            } else {
                None
            }
        }
        ValueKind::Operation { op: "[]", operands } => operands.first().and_then(next),
        ValueKind::Operation {
            op: "or" | "one of",
            operands,
        } => {
            let found: Vec<Origin> = operands.iter().filter_map(next).collect();
            found
                .iter()
                .copied()
                .find(|o| *o == Origin::Body)
                .or(found.first().copied())
        }
        ValueKind::Call(call) => call_origin(scoping, call, &next),
        _ => None,
    }
}

fn call_origin(
    scoping: &Scoping,
    call: &Call,
    next: &dyn Fn(&Value) -> Option<Origin>,
) -> Option<Origin> {
    let text = call.callee.text.as_str();
    if scoping.request_data.matches(text) {
        return Some(Origin::Body);
    }
    let method = call.callee.method.as_deref().unwrap_or("");
    if matches!(method, "get" | "pop" | "getlist" | "getone" | "get_one") {
        return call.callee.receiver.as_deref().and_then(next);
    }
    if scoping.converters.matches(text) {
        return call.args.first().and_then(next);
    }
    None
}

/// Whether `call` is a method of request data itself (`request.json.update(...)`), which
/// changes no stored object.
pub(super) fn on_request_data(scoping: &Scoping, params: &Params, call: &Call) -> bool {
    call.callee
        .receiver
        .as_deref()
        .is_some_and(|r| origin(scoping, params, r).is_some())
}

/// Whether a value names something `test` accepts, looking through names bound to values.
pub(super) fn mentions(v: &Value, test: &mut dyn FnMut(&str) -> bool) -> bool {
    mentions_at(v, test, 0)
}

fn mentions_at(v: &Value, test: &mut dyn FnMut(&str) -> bool, depth: usize) -> bool {
    depth <= MAX_DEPTH
        && any_in(v, &mut |inner| match &inner.kind {
            ValueKind::Ref { path, bound, .. } => {
                test(path)
                    || bound
                        .as_deref()
                        .is_some_and(|b| mentions_at(b, test, depth + 1))
            }
            _ => false,
        })
}

/// Whether `v` names the caller (`request.user`, `context.project_id`).
pub(super) fn names_caller(scoping: &Scoping, v: &Value) -> bool {
    caller_in(scoping, v).is_some()
}

/// The first name of the caller in `v`, as written.
pub(super) fn caller_in(scoping: &Scoping, v: &Value) -> Option<String> {
    let mut found = None;
    mentions(v, &mut |path| {
        let hit = scoping.caller.matches(path);
        if hit {
            found = Some(path.to_owned());
        }
        hit
    });
    found
}

/// Whether `v` names the local `name` or one of its attributes or items.
pub(super) fn names_local(v: &Value, name: &str) -> bool {
    mentions(v, &mut |path| root(path) == name)
}

/// The values a function's statements compute, in block order, with whether each is returned.
pub(super) fn statements(f: &Function) -> impl Iterator<Item = (&Stmt, &Value)> {
    f.cfg
        .blocks
        .iter()
        .flat_map(|b| &b.stmts)
        .filter_map(|stmt| {
            let value = match stmt {
                Stmt::Assign { value, .. } | Stmt::Eval(value) => Some(value.as_ref()),
                Stmt::Return { value, .. } => value.as_deref(),
            };
            value.map(|v| (stmt, v))
        })
}

/// The conditions of a function's branches.
pub(super) fn conditions(f: &Function) -> impl Iterator<Item = &Value> {
    f.cfg.blocks.iter().filter_map(|b| {
        b.succs.iter().find_map(|e| match &e.kind {
            EdgeKind::Branch { cond, .. } => Some(cond.as_ref()),
            _ => None,
        })
    })
}

/// Whether the handler is reserved to administrators or role holders (`@staff_member_required`,
/// `permission_classes = [IsAdminUser]`, `if not request.user.is_superuser: raise ...`): they
/// may touch any object, so it scopes nothing and is no evidence either way.
pub(super) fn admin_only(scoping: &Scoping, handler: &Handler) -> bool {
    handler
        .covering
        .iter()
        .chain(&handler.checks)
        .any(|idiom| scoping.admin_idioms.matches(&idiom.name))
}

/// The last name of a call's callee (`get` in `Invoice.objects.get`).
pub(super) fn method_of(call: &Call) -> &str {
    call.callee
        .method
        .as_deref()
        .unwrap_or_else(|| call.callee.text.rsplit('.').next().unwrap_or(""))
}

/// The callee as written with the arguments of the calls in it left out
/// (`session.query(Invoice).get` is `session.query().get`), on one line.
pub(super) fn callee_shape(call: &Call) -> String {
    let mut out = String::new();
    let mut depth = 0usize;
    for c in call.callee.text.chars() {
        match c {
            '(' => {
                if depth == 0 {
                    out.push('(');
                }
                depth += 1;
            }
            ')' => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    out.push(')');
                }
            }
            c if depth == 0 && !c.is_whitespace() => out.push(c),
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes_and_roots() {
        assert_eq!(root("values[project_id]"), "values");
        assert_eq!(root("obj.owner.id"), "obj");
        let unit = secrev_python::lower("session.query(Invoice).get(\n  pk)\n").unit;
        let mut shapes = Vec::new();
        unit.functions[0]
            .cfg
            .for_each_call(&mut |c| shapes.push(callee_shape(c)));
        assert!(shapes.contains(&"session.query().get".to_owned()));
    }
}
