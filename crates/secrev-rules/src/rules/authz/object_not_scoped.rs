//! PY935 `object-not-scoped-to-caller`: a request handler that loads an object by an id the
//! caller chose and returns or changes it without scoping the load to the caller, while most of
//! its sibling handlers that load objects scope theirs.
//!
//! A load is scoped when the query names the caller (`filter(owner=request.user)`,
//! `get_object_or_404(Invoice, pk=pk, tenant=request.user.tenant)`), when an OpenStack request
//! context is handed to it (the database layer scopes by it; an elevated context does not
//! count), when an authorization check or a condition names the loaded object
//! (`context.can(..., target={'project_id': obj.project_id})`, `if obj.owner_id !=
//! current_user.id: abort(404)`), or when it goes through a view class's queryset that filters
//! by the caller (DRF's `self.get_object()` with a `get_queryset` naming `request.user`).

use super::analysis::{self, Handler, MIN_CHECKING_SHARE, MIN_CHECKING_SIBLINGS};
use super::ownership::{
    admin_only, callee_shape, caller_in, conditions, method_of, names_caller, names_local, origin,
    root, statements, Params,
};
use crate::{Context, Hooks, Reporter, Rule};
use secrev_core::{ByteSpan, Category, Confidence, RuleDocs, RuleInfo, Severity};
use secrev_ir::{any_in, Call, Function, Stmt, Unit, Value, ValueKind};
use secrev_taint::authz::{Authz, Scoping};
use std::collections::HashMap;

pub(crate) static RULE: Rule = Rule {
    info: RuleInfo {
        id: "PY935",
        name: "object-not-scoped-to-caller",
        title: "Object loaded by a caller-supplied id without scoping to the caller",
        cwe: 639,
        category: Category::ImproperAccess,
        severity: Severity::High,
        confidence: Confidence::Medium,
        docs: RuleDocs {
            what: "Finds request handlers that load an object by an id from the request (a URL \
                   parameter, the body or the query string) with an ORM or database call \
                   (`Model.objects.get(pk=...)`, `get_object_or_404(Model, pk=...)`, \
                   `Model.query.get_or_404(id)`, `session.query(M).get(id)`, \
                   `db.session.get(M, id)`, `objects.X.get_by_id(context, id)`) and return or \
                   change it, or delete one by such an id under an owner the URL names \
                   (`DELETE /users/{user_id}/credentials/{id}`), with nothing tying it to the caller, when at least three of their \
                   sibling handlers that load objects, and three in four, do: a filter on the \
                   caller (`request.user`, `current_user`, `context.project_id`), an OpenStack \
                   request context handed to the loader, an authorization check or a condition \
                   naming the loaded object, or a view class queryset filtered by the caller. \
                   The finding names the siblings that scope. Handlers reserved to \
                   administrators are not judged.",
            why: "Whoever can reach the handler can read or change any object by guessing or \
                  enumerating its id (an insecure direct object reference): authentication alone \
                  does not make another user's or another tenant's invoice, server or volume \
                  theirs. When the neighbouring handlers scope their queries, the unscoped one \
                  is a slip rather than a design.",
            example: "@bp.route('/notes/<int:note_id>')\n@login_required\ndef get_note(note_id):\n    note = Note.query.get_or_404(note_id)\n    return jsonify(note.to_dict())",
            fix: "@bp.route('/notes/<int:note_id>')\n@login_required\ndef get_note(note_id):\n    note = Note.query.filter_by(id=note_id, owner_id=current_user.id).first_or_404()\n    return jsonify(note.to_dict())",
            references: &[
                "https://cwe.mitre.org/data/definitions/639.html",
                "https://cheatsheetseries.owasp.org/cheatsheets/Insecure_Direct_Object_Reference_Prevention_Cheat_Sheet.html",
            ],
        },
    },
    hooks: Hooks {
        unit: Some(check),
        ..Hooks::NONE
    },
};

/// A load the handler does not scope and returns or changes.
struct Unscoped {
    call: ByteSpan,
    id: ByteSpan,
    returned: bool,
}

/// What a handler does with objects it loads by id: the loads it scopes (where, and how, for
/// messages) and those it does not.
#[derive(Default)]
struct Loads {
    scoped: Vec<(ByteSpan, String)>,
    unscoped: Vec<Unscoped>,
}

impl Loads {
    fn scopes(&self) -> bool {
        !self.scoped.is_empty() && self.unscoped.is_empty()
    }
}

fn check(ctx: &Context, unit: &Unit, out: &mut Reporter) {
    let Some(view) = analysis::view(ctx, unit) else {
        return;
    };
    let functions: HashMap<&str, &Function> = unit
        .functions
        .iter()
        .map(|f| (f.qualname.as_str(), f))
        .collect();
    let scoping = &Authz::builtin().scoping;
    let loads: Vec<Option<Loads>> = view
        .handlers
        .iter()
        .map(|h| {
            let f = functions.get(h.function.qualname.as_str())?;
            (!h.public && !admin_only(scoping, h))
                .then(|| loads_of(ctx, scoping, h, f, &functions))
                .filter(|l| !l.scoped.is_empty() || !l.unscoped.is_empty())
        })
        .collect();
    for (i, handler) in view.handlers.iter().enumerate() {
        let Some(first) = loads[i].as_ref().and_then(|l| l.unscoped.first()) else {
            continue;
        };
        let loading: Vec<(&Handler, &Loads)> = view
            .siblings(i)
            .into_iter()
            .filter_map(|s| {
                // By identity: versioned copies of a handler share a qualified name.
                let at = view.handlers.iter().position(|h| std::ptr::eq(h, s))?;
                Some((s, loads[at].as_ref()?))
            })
            .collect();
        let scoping_siblings: Vec<&(&Handler, &Loads)> =
            loading.iter().filter(|(_, l)| l.scopes()).collect();
        if scoping_siblings.len() < MIN_CHECKING_SIBLINGS
            || (scoping_siblings.len() as f64) < MIN_CHECKING_SHARE * loading.len() as f64
        {
            continue;
        }
        report(ctx, out, handler, first, &scoping_siblings, loading.len());
    }
}

fn report(
    ctx: &Context,
    out: &mut Reporter,
    handler: &Handler,
    load: &Unscoped,
    scoping: &[&(&Handler, &Loads)],
    loading: usize,
) {
    let label = |h: &Handler| {
        if h.class == handler.class {
            h.function.name.clone()
        } else {
            h.function.qualname.clone()
        }
    };
    let mut names: Vec<String> = Vec::new();
    for (h, _) in scoping {
        let name = format!("`{}`", label(h));
        if !names.contains(&name) {
            names.push(name);
        }
    }
    let more = if names.len() > 4 { ", ..." } else { "" };
    names.truncate(4);
    let how = scoping
        .first()
        .and_then(|(_, l)| l.scoped.first())
        .map_or(String::new(), |(_, how)| how.clone());
    let does = if load.returned {
        "returns it"
    } else {
        "changes it"
    };
    let name = &handler.function.name;
    let message = format!(
        "Handler `{name}` loads `{}` by the caller-supplied `{}` and {does} without scoping it to \
         the caller, while {} of its {loading} sibling handlers that load objects ({}{more}) \
         scope theirs ({how}).",
        ctx.code(load.call),
        ctx.code(load.id),
        scoping.len(),
        names.join(", "),
    );
    let fix = format!(
        "Scope the load in `{name}` to the caller the way its siblings do ({how}): filter on the \
         caller's user, project or tenant, or authorize with the loaded object as the target."
    );
    let hit = out.report(load.call, message, fix);
    for (sibling, loads) in scoping.iter().take(3) {
        if let Some((span, _)) = loads.scoped.first() {
            hit.related(*span, format!("sibling `{}` scopes here", label(sibling)));
        }
    }
}

/// The loads by id in handler `h` (function `f`), scoped or not.
fn loads_of(
    ctx: &Context,
    scoping: &Scoping,
    h: &Handler,
    f: &Function,
    functions: &HashMap<&str, &Function>,
) -> Loads {
    let params = Params::of(scoping, f);
    let mut loads = Loads::default();
    let scoped_queryset = h
        .class
        .as_deref()
        .is_some_and(|class| queryset_scoped(scoping, class, functions));
    for (stmt, value) in statements(f) {
        if scoped_queryset {
            if let Some(call) = accessor(scoping, value) {
                loads.scoped.push((
                    call.span,
                    format!(
                        "`{}`, through a queryset filtered by the caller",
                        ctx.code(call.span)
                    ),
                ));
                continue;
            }
        }
        let Some((call, id)) = loader(scoping, &params, value) else {
            continue;
        };
        // A query for what everyone may see (`published=True`) is public by design.
        if public_query(scoping, value) {
            continue;
        }
        let target = match stmt {
            Stmt::Assign { target, .. } if !target.path.contains(['.', '[']) => {
                Some(target.path.as_str())
            }
            _ => None,
        };
        if let Some(how) = scoped_by(ctx, scoping, h, f, (value, call, id), target) {
            loads.scoped.push((call.span, how));
            continue;
        }
        let returned = matches!(stmt, Stmt::Return { .. })
            || target.is_some_and(|name| returns(f, name, value));
        // A delete by id under an owner named in the URL must stay within that owner's objects;
        // elsewhere (`DELETE /domains/{id}`) the policy on the action decides alone.
        let deletes =
            scoping.deleters.matches(&loader_shape(call)) && params.url_names_owner(scoping);
        if returned || deletes || changes(scoping, f, value, call, target) {
            loads.unscoped.push(Unscoped {
                call: call.span,
                id: id.span,
                returned,
            });
        }
    }
    loads
}

/// The loader call in `value` and the id it loads by, when the id comes from the request.
fn loader<'v>(
    scoping: &Scoping,
    params: &Params,
    value: &'v Value,
) -> Option<(&'v Call, &'v Value)> {
    let mut found = None;
    any_in(value, &mut |inner| {
        let ValueKind::Call(call) = &inner.kind else {
            return false;
        };
        let shape = loader_shape(call);
        if !scoping.loaders.matches(&shape) && !scoping.deleters.matches(&shape) {
            return false;
        }
        let id = call
            .args
            .iter()
            .map(|a| compared_id(scoping, a).unwrap_or(a))
            .chain(
                call.keywords
                    .iter()
                    .filter(|k| scoping.id_keywords.matches(&k.name))
                    .map(|k| &k.value),
            )
            .find(|a| origin(scoping, params, a).is_some());
        found = id.map(|id| (call.as_ref(), id));
        found.is_some()
    });
    found
}

/// The shape of a call (`callee_shape`), with a receiver held in a name replaced by the call
/// it holds: `qs.get(pk=pk)` after `qs = Invoice.objects.filter(...)` is
/// `Invoice.objects.filter().get`.
fn loader_shape(call: &Call) -> String {
    let held = call
        .callee
        .receiver
        .as_deref()
        .filter(|r| matches!(r.kind, ValueKind::Ref { .. }))
        .and_then(|r| r.resolved().as_call());
    match held {
        Some(inner) => format!("{}().{}", callee_shape(inner), method_of(call)),
        None => callee_shape(call),
    }
}

/// The value an id column is compared with in a SQLAlchemy filter (`note_id` in
/// `Note.id == note_id`).
fn compared_id<'v>(scoping: &Scoping, v: &'v Value) -> Option<&'v Value> {
    let ValueKind::Operation { op: "==", operands } = &v.kind else {
        return None;
    };
    let [left, right] = operands.as_slice() else {
        return None;
    };
    let is_column = |v: &Value| {
        v.last_name()
            .is_some_and(|n| scoping.id_keywords.matches(n))
    };
    if is_column(left) {
        Some(right)
    } else if is_column(right) {
        Some(left)
    } else {
        None
    }
}

/// How the load `call` in statement `value` is scoped to the caller, if it is.
fn scoped_by(
    ctx: &Context,
    scoping: &Scoping,
    h: &Handler,
    f: &Function,
    (value, call, id): (&Value, &Call, &Value),
    target: Option<&str>,
) -> Option<String> {
    if let Some(path) = caller_in(scoping, value) {
        return Some(format!("a query naming `{path}`"));
    }
    if call.args.iter().any(|a| is_request_context(scoping, a)) {
        return Some("the request context handed to the loader".to_owned());
    }
    // A check naming the object, or the id it is loaded by (`self.check_object_permissions(
    // request, Invoice.objects.get(pk=pk))`, then `Invoice.objects.filter(pk=pk).update(...)`).
    let id = ctx.text(id.span);
    let named = |text: &str| {
        target.is_some_and(|name| has_word(text, name))
            || (id.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') && has_word(text, id))
    };
    if let Some(idiom) = h.checks.iter().find(|c| named(ctx.text(c.span))) {
        return Some(format!("{} on the loaded object", idiom.name));
    }
    if let Some(idiom) = h.checks.iter().find(|c| has_target(scoping, f, c.span)) {
        return Some(format!("{} with the object as its target", idiom.name));
    }
    // A test of the object against the caller, or against the owner named in the URL
    // (`/users/{user_id}/access_tokens/{id}`: keystone's policy binds `user_id` to the caller,
    // the handler the token to `user_id`).
    let name = target?;
    let url_owners: Vec<&str> = f
        .params
        .iter()
        .map(|p| p.name.as_str())
        .filter(|p| scoping.owner_fields.matches(p))
        .collect();
    conditions(f)
        .find(|c| {
            names_local(c, name)
                && (names_caller(scoping, c)
                    || url_owners.iter().any(|owner| names_local(c, owner)))
        })
        .map(|c| format!("a test of the loaded object (`if {}`)", ctx.code(c.span)))
}

/// Whether the authorizing call at `span` is handed the object it is about (`target=...`).
fn has_target(scoping: &Scoping, f: &Function, span: ByteSpan) -> bool {
    let mut found = false;
    f.cfg.for_each_call(&mut |c| {
        found |= c.span == span
            && c.keywords
                .iter()
                .any(|k| scoping.target_keywords.matches(&k.name));
    });
    found
}

/// Whether a query in `value` selects public objects (`published=True`).
fn public_query(scoping: &Scoping, value: &Value) -> bool {
    any_in(value, &mut |inner| {
        inner.as_call().is_some_and(|c| {
            c.keywords
                .iter()
                .any(|k| scoping.public_filters.matches(&k.name))
        })
    })
}

/// Whether `v` is an OpenStack request context (`context`, `req.environ['nova.context']`) that
/// has not been elevated to an administrator's.
fn is_request_context(scoping: &Scoping, v: &Value) -> bool {
    let admin = |v: &Value| {
        any_in(v.resolved(), &mut |inner| {
            inner
                .as_call()
                .is_some_and(|c| scoping.admin_contexts.matches(&callee_shape(c)))
        })
    };
    match &v.kind {
        ValueKind::Ref { path, .. } => scoping.context_args.matches(path) && !admin(v),
        ValueKind::Operation { op: "[]", operands } => operands
            .get(1)
            .and_then(Value::as_str)
            .is_some_and(|key| scoping.context_args.matches(key)),
        _ => false,
    }
}

/// Whether a view class's queryset method (`get_queryset`) names the caller.
fn queryset_scoped(scoping: &Scoping, class: &str, functions: &HashMap<&str, &Function>) -> bool {
    functions.iter().any(|(qualname, f)| {
        qualname
            .strip_prefix(class)
            .and_then(|rest| rest.strip_prefix('.'))
            .is_some_and(|method| scoping.queryset_methods.matches(method))
            && statements(f).any(|(_, v)| names_caller(scoping, v))
    })
}

/// A call of the class's own scoped accessor (`self.get_object()`) in `value`.
fn accessor<'v>(scoping: &Scoping, value: &'v Value) -> Option<&'v Call> {
    let mut found = None;
    any_in(value, &mut |inner| {
        if let ValueKind::Call(call) = &inner.kind {
            if call.callee.text.starts_with("self.")
                && scoping.scoped_accessors.matches(method_of(call))
            {
                found = Some(call.as_ref());
            }
        }
        found.is_some()
    });
    found
}

/// Whether the loaded object, held in `name`, is returned (`return jsonify(note.to_dict())`).
fn returns(f: &Function, name: &str, load: &Value) -> bool {
    statements(f).any(|(stmt, v)| {
        matches!(stmt, Stmt::Return { .. }) && !std::ptr::eq(v, load) && names_local(v, name)
    })
}

/// Whether the load is changed: a change chained on it (`Invoice.objects.filter(pk=pk).delete()`),
/// or, held in `name`, an attribute stored into it, a changing method called on it
/// (`note.delete()`), or the object handed to a state-changing call (`db.session.delete(note)`).
fn changes(
    scoping: &Scoping,
    f: &Function,
    value: &Value,
    call: &Call,
    name: Option<&str>,
) -> bool {
    let chained = any_in(value, &mut |inner| {
        inner.as_call().is_some_and(|c| {
            scoping.modify_methods.matches(method_of(c))
                && c.callee
                    .receiver
                    .as_deref()
                    .is_some_and(|r| any_in(r, &mut |v| v.span == call.span))
        })
    });
    if chained {
        return true;
    }
    let Some(name) = name else {
        return false;
    };
    let model = Authz::builtin();
    statements(f).any(|(stmt, v)| {
        if let Stmt::Assign { target, .. } = stmt {
            if root(&target.path) == name && target.path.len() > name.len() {
                return true;
            }
        }
        any_in(v, &mut |inner| {
            let Some(c) = inner.as_call() else {
                return false;
            };
            let method = method_of(c);
            let receiver = c.callee.text.rsplit_once('.').map_or("", |(r, _)| r);
            (root(receiver) == name && scoping.modify_methods.matches(method))
                || (model.is_operation(receiver, method)
                    && c.args.iter().any(|a| names_local(a, name)))
        })
    })
}

/// Whether `text` contains `word` as a whole identifier.
fn has_word(text: &str, word: &str) -> bool {
    let ident = |c: char| c.is_ascii_alphanumeric() || c == '_';
    text.match_indices(word)
        .any(|(at, _)| !text[..at].ends_with(ident) && !text[at + word.len()..].starts_with(ident))
}
