//! PY936 `caller-supplied-owner`: a request handler that writes an object whose owner field
//! (`project_id`, `tenant_id`, `user_id`, `owner`, `owner_id`) it takes from the request body,
//! with no check that the caller may act for that owner, while the caller's own identity is at
//! hand.
//!
//! The handler is left alone when anything in it authorizes beyond authentication (a policy
//! call, an `is_admin` test, a helper that checks), when it is reserved to administrators, or
//! when it consults the caller's identity in a test or in a query that loads a parent object
//! (the field then names a grantee, or was compared with the caller).

use super::analysis;
use super::ownership::{
    admin_only, callee_shape, caller_in, conditions, method_of, names_caller, on_request_data,
    origin, root, statements, Origin, Params,
};
use crate::{Context, Hooks, Reporter, Rule};
use secrev_core::{ByteSpan, Category, Confidence, RuleDocs, RuleInfo, Severity};
use secrev_ir::{any_in, Call, Function, Stmt, Unit, Value, ValueKind};
use secrev_taint::authz::{Authz, Scoping};

pub(crate) static RULE: Rule = Rule {
    info: RuleInfo {
        id: "PY936",
        name: "caller-supplied-owner",
        title: "Owner of a written object taken from the request without a check",
        cwe: 639,
        category: Category::ImproperAccess,
        severity: Severity::High,
        confidence: Confidence::Medium,
        docs: RuleDocs {
            what: "Finds request handlers that create or update an object with an owner field \
                   (`project_id`, `tenant_id`, `user_id`, `owner`, `owner_id`) taken from the \
                   request body, form or query string (`Note(owner_id=request.json['owner_id'])`, \
                   `db.volume_create(context, {'project_id': body['project_id']})`, \
                   `obj.user_id = data['user_id']`) while the caller's own identity is available \
                   (`current_user`, `request.user`, an OpenStack context), with no authorization \
                   beyond authentication in the handler: no policy call, no `is_admin` test, no \
                   helper that checks, no comparison of request data with the caller.",
            why: "The caller decides whose object it writes: any signed-in user can create \
                  resources in another tenant's project, or hand their object to someone else \
                  (CWE-639, authorization through a user-controlled key). Owners should come \
                  from the authenticated identity unless an administrator acts for someone \
                  else.",
            example: "@bp.route('/notes', methods=['POST'])\n@login_required\ndef create_note():\n    data = request.get_json()\n    note = Note(owner_id=data['owner_id'], text=data['text'])\n    db.session.add(note)\n    db.session.commit()",
            fix: "@bp.route('/notes', methods=['POST'])\n@login_required\ndef create_note():\n    data = request.get_json()\n    note = Note(owner_id=current_user.id, text=data['text'])\n    db.session.add(note)\n    db.session.commit()",
            references: &[
                "https://cwe.mitre.org/data/definitions/639.html",
                "https://security.openstack.org/ossa/OSSA-2020-004.html",
            ],
        },
    },
    hooks: Hooks {
        unit: Some(check),
        ..Hooks::NONE
    },
};

fn check(ctx: &Context, unit: &Unit, out: &mut Reporter) {
    let Some(view) = analysis::view(ctx, unit) else {
        return;
    };
    let scoping = &Authz::builtin().scoping;
    for handler in &view.handlers {
        if handler.public
            || admin_only(scoping, handler)
            || handler
                .checks
                .iter()
                .any(|c| !scoping.authentication.matches(&c.name))
        {
            continue;
        }
        let Some(f) = unit
            .functions
            .iter()
            .find(|f| f.qualname == handler.function.qualname)
        else {
            continue;
        };
        // A handler that consults the caller's identity, to load a parent object scoped to them
        // or in a test, has thought about whose object it writes: an owner field from the
        // request is then a grantee (`Share(note_id=note.id, user_id=...)` on the caller's
        // note) or compared with the caller.
        if conditions(f).any(|c| names_caller(scoping, c))
            || statements(f).any(|(_, v)| scoped_load(scoping, v))
        {
            continue;
        }
        let params = Params::of(scoping, f);
        let writes = owner_writes(scoping, &params, f);
        if writes.is_empty() {
            continue;
        }
        let Some(caller) = identity(scoping, unit, f) else {
            continue;
        };
        for (field, at, value) in writes {
            out.report(
                at,
                format!(
                    "Handler `{}` writes the owner field `{field}` from the request \
                     (`{}`) with no check that the caller may act for that owner, though the \
                     caller's own identity ({caller}) is at hand.",
                    handler.function.name,
                    ctx.code(value),
                ),
                format!(
                    "Set `{field}` from the caller ({caller}), or accept another owner only \
                     after an administrator or policy check that names it."
                ),
            );
        }
    }
}

/// How the handler could know its caller: an imported identity (`flask_login.current_user`),
/// the request's user (`request.user` for a handler taking `request`), the identity another
/// function of the file names, or an OpenStack request context it reads.
fn identity(scoping: &Scoping, unit: &Unit, f: &Function) -> Option<String> {
    let model = Authz::builtin();
    if let Some(import) = unit
        .imports
        .iter()
        .find(|i| scoping.caller.matches(&i.qualname))
    {
        return Some(format!("`{}`", root_name(&import.qualname)));
    }
    if f.params.iter().any(|p| p.name == "request") {
        return Some("`request.user`".to_owned());
    }
    // Another function of the file names the caller (`g.user` in an ownership helper).
    if let Some(named) = unit
        .functions
        .iter()
        .find_map(|other| statements(other).find_map(|(_, v)| caller_in(scoping, v)))
    {
        return Some(format!("`{named}`"));
    }
    let context = statements(f).any(|(_, v)| {
        any_in(v, &mut |inner| {
            inner
                .path()
                .is_some_and(|p| scoping.context_args.matches(p))
        })
    });
    (context && f.params.iter().any(|p| model.view_params.contains(&p.name)))
        .then(|| "the request context".to_owned())
}

/// Whether `v` loads objects with a query naming the caller.
fn scoped_load(scoping: &Scoping, v: &Value) -> bool {
    any_in(v, &mut |inner| {
        inner
            .as_call()
            .is_some_and(|c| scoping.loaders.matches(&callee_shape(c)))
    }) && names_caller(scoping, v)
}

/// The last name of a dotted name (`current_user` in `flask_login.current_user`).
fn root_name(qualname: &str) -> &str {
    qualname.rsplit('.').next().unwrap_or(qualname)
}

/// The owner fields the handler writes from the request body: the field, where, and the value.
fn owner_writes(
    scoping: &Scoping,
    params: &Params,
    f: &Function,
) -> Vec<(String, ByteSpan, ByteSpan)> {
    let from_body = |v: &Value| origin(scoping, params, v) == Some(Origin::Body);
    let mut found = Vec::new();
    let mut stored = Vec::new();
    let mut writes = false;
    for (stmt, value) in statements(f) {
        any_in(value, &mut |inner| {
            let Some(call) = inner.as_call() else {
                return false;
            };
            if !is_write(scoping, params, call) {
                return false;
            }
            writes = true;
            for k in &call.keywords {
                if scoping.owner_fields.matches(&k.name) && from_body(&k.value) {
                    found.push((k.name.to_string(), k.span, k.value.span));
                }
            }
            for arg in &call.args {
                if let ValueKind::Dict(entries) = &arg.resolved().kind {
                    for (key, item) in entries {
                        let Some(field) = key.as_ref().and_then(Value::as_str) else {
                            continue;
                        };
                        if scoping.owner_fields.matches(field) && from_body(item) {
                            found.push((field.to_owned(), item.span, item.span));
                        }
                    }
                }
            }
            false
        });
        if let Stmt::Assign { target, .. } = stmt {
            let field = stored_field(&target.path);
            let object = root(&target.path);
            if scoping.owner_fields.matches(field)
                && !scoping.caller.matches(object)
                && !scoping.context_args.matches(object)
                && from_body(value)
            {
                stored.push((field.to_owned(), target.span, value.span));
            }
        }
    }
    // A field stored into an object counts when the handler writes something.
    if writes {
        found.extend(stored);
    }
    found.sort_by_key(|(_, at, _)| at.start);
    found.dedup_by_key(|(_, at, _)| *at);
    found
}

/// The field an assignment stores (`owner_id` in `note.owner_id`, `project_id` in
/// `values[project_id]`); empty for a plain name.
fn stored_field(path: &str) -> &str {
    if let Some(inside) = path.strip_suffix(']').and_then(|p| p.rsplit_once('[')) {
        return inside.1.trim_matches(['\'', '"']);
    }
    path.rsplit_once('.').map_or("", |(_, field)| field)
}

/// Whether `call` writes an object: a writing method (`create`, `save`, `add`) on something
/// that is not request data, or a constructor (a capitalised name that is not an error or a
/// response).
fn is_write(scoping: &Scoping, params: &Params, call: &Call) -> bool {
    let method = method_of(call);
    let constructor = method.starts_with(|c: char| c.is_ascii_uppercase())
        && ![
            "Error",
            "Exception",
            "Response",
            "HTTP",
            "Http",
            "Forbidden",
            "NotFound",
        ]
        .iter()
        .any(|w| method.contains(w));
    constructor
        || (scoping.write_methods.matches(method) && !on_request_data(scoping, params, call))
}
