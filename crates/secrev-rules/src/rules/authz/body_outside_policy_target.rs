//! PY938 `body-outside-policy-target`: an update handler that authorizes against the object
//! as stored and then writes the request body, while a sibling handler hands its request body
//! to its own policy check.
//!
//! The sibling shows that the project's policies judge the values a caller sends (whose
//! credential, which project), not only the object touched. An update that checks the stored
//! object and then applies whatever the body says lets the caller change exactly those values:
//! keystone's credential update before OSSA-2020-004 checked the stored credential's owner and
//! then accepted a new `user_id` from the body.

use super::analysis;
use super::ownership::{
    admin_only, method_of, on_request_data, origin, root, statements, Origin, Params, MAX_DEPTH,
};
use crate::{Context, Hooks, Reporter, Rule};
use secrev_core::{ByteSpan, Category, Confidence, RuleDocs, RuleInfo, Severity};
use secrev_ir::{any_in, Call, Function, Stmt, Unit, Value, ValueKind};
use secrev_taint::authz::{Authz, Scoping};

pub(crate) static RULE: Rule = Rule {
    info: RuleInfo {
        id: "PY938",
        name: "body-outside-policy-target",
        title: "Request body written after a policy check on the stored object only",
        cwe: 639,
        category: Category::ImproperAccess,
        severity: Severity::High,
        confidence: Confidence::Medium,
        docs: RuleDocs {
            what: "Finds request handlers that authorize with a policy target built from the \
                   object as stored (`enforce_call(..., build_target=...)`, `context.can(..., \
                   target=obj)`) and then pass request-body data to an update (`update_*`, \
                   `*_update`, `save`), while a sibling handler of the same controller puts its \
                   own request body into its policy target. Handlers reserved to \
                   administrators are not judged.",
            why: "The policy approves the object as it is, not as the body will make it: when \
                  the body can carry the fields the policy judges (the owner, the project), the \
                  caller passes the check for their own object and then hands it to someone \
                  else, or moves it into another project (CWE-639). The sibling that checks its \
                  body shows those fields matter to the project's policies.",
            example: "def patch(self, credential_id):\n    ENFORCER.enforce_call(action='identity:update_credential',\n                          build_target=_build_target_enforcement)\n    credential = self.request_body_json.get('credential', {})\n    ref = PROVIDERS.credential_api.update_credential(credential_id, credential)",
            fix: "def patch(self, credential_id):\n    current = PROVIDERS.credential_api.get_credential(credential_id)\n    credential = self.request_body_json.get('credential', {})\n    target = {'credential': dict(current, **credential)}\n    ENFORCER.enforce_call(action='identity:update_credential', target_attr=target)\n    ref = PROVIDERS.credential_api.update_credential(credential_id, credential)",
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

/// Writing methods that change an existing object (creating one is judged by PY936).
const UPDATES: &[&str] = &["save", "patch"];

fn check(ctx: &Context, unit: &Unit, out: &mut Reporter) {
    let Some(view) = analysis::view(ctx, unit) else {
        return;
    };
    let scoping = &Authz::builtin().scoping;
    let function = |qualname: &str| unit.functions.iter().find(|f| f.qualname == qualname);
    for (index, handler) in view.handlers.iter().enumerate() {
        if handler.public || handler.checks.is_empty() || admin_only(scoping, handler) {
            continue;
        }
        let Some(f) = function(&handler.function.qualname) else {
            continue;
        };
        let params = Params::of(scoping, f);
        let targets: Vec<Target> = handler
            .checks
            .iter()
            .filter_map(|c| target_of(scoping, &params, f, c.span))
            .collect();
        if targets.is_empty() || targets.contains(&Target::Body) {
            continue;
        }
        let Some((write, body)) = body_update(scoping, &params, f) else {
            continue;
        };
        let Some((sibling, sibling_check)) = view.siblings(index).into_iter().find_map(|s| {
            let sf = function(&s.function.qualname)?;
            let sp = Params::of(scoping, sf);
            let check = s
                .checks
                .iter()
                .find(|c| target_of(scoping, &sp, sf, c.span) == Some(Target::Body))?;
            Some((s, check))
        }) else {
            continue;
        };
        out.report(
            write.span,
            format!(
                "Handler `{}` writes `{}` from the request body after checking only the stored \
                 object ({}), while its sibling `{}` hands its request body to the policy: \
                 the body can change the fields the policy judges.",
                handler.function.name,
                ctx.code(body),
                handler.checks[0].name,
                sibling.function.name,
            ),
            format!(
                "Check the object as the update will leave it: build `{}`'s policy target from \
                 the stored object merged with `{}` (`dict(current, **{})`), or refuse changes \
                 to owner and scope fields.",
                handler.function.name,
                ctx.code(body),
                ctx.code(body),
            ),
        )
        .related(
            sibling_check.span,
            format!(
                "`{}` puts its request body into the policy target",
                sibling.function.name
            ),
        );
    }
}

/// What a policy check's target is built from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Target {
    /// Request body data, possibly merged with the stored object.
    Body,
    /// Something else: the stored object, a loader, the URL.
    Stored,
}

/// The target of the authorizing call at `span`, when it names one.
fn target_of(scoping: &Scoping, params: &Params, f: &Function, span: ByteSpan) -> Option<Target> {
    let mut found = None;
    f.cfg.for_each_call(&mut |call| {
        if call.span != span {
            return;
        }
        for k in &call.keywords {
            if !scoping.target_keywords.matches(&k.name) {
                continue;
            }
            let body = holds_body(scoping, params, &k.value, 0)
                || filled_from_body(scoping, params, f, &k.value, span);
            if body {
                found = Some(Target::Body);
            } else if found.is_none() {
                found = Some(Target::Stored);
            }
        }
    });
    found
}

/// Whether `v` carries request-body data anywhere inside it, looking through names bound to
/// values and into what calls unpack (`target = {'credential': dict(current, **credential)}`).
fn holds_body(scoping: &Scoping, params: &Params, v: &Value, depth: usize) -> bool {
    depth <= MAX_DEPTH
        && any_in(v, &mut |inner| {
            let deeper = |v: &Value| holds_body(scoping, params, v, depth + 1);
            origin(scoping, params, inner) == Some(Origin::Body)
                || match &inner.kind {
                    ValueKind::Ref { bound: Some(b), .. } => deeper(b),
                    ValueKind::Call(call) => call.unpacked.iter().any(deeper),
                    _ => false,
                }
        })
}

/// Whether the name `v` refers to is given or filled with body data before the check at
/// `check` (`target = {...}`, `target['credential'] = credential`): a name assigned more than
/// once, or filled item by item, is not bound to one value.
fn filled_from_body(
    scoping: &Scoping,
    params: &Params,
    f: &Function,
    v: &Value,
    check: ByteSpan,
) -> bool {
    let Some(name) = v.path().map(root) else {
        return false;
    };
    statements(f).any(|(stmt, value)| match stmt {
        Stmt::Assign { target, .. } => {
            target.span.end <= check.start
                && root(&target.path) == name
                && holds_body(scoping, params, value, 0)
        }
        _ => false,
    })
}

/// The first update call that is handed request-body data, and that data.
fn body_update<'f>(
    scoping: &Scoping,
    params: &Params,
    f: &'f Function,
) -> Option<(&'f Call, ByteSpan)> {
    let mut found = None;
    for (_, value) in statements(f) {
        any_in(value, &mut |inner| {
            let Some(call) = inner.as_call() else {
                return false;
            };
            let method = method_of(call);
            let updates = method.starts_with("update")
                || method.ends_with("_update")
                || UPDATES.contains(&method);
            if !updates || on_request_data(scoping, params, call) {
                return false;
            }
            let body = call
                .args
                .iter()
                .chain(call.keywords.iter().map(|k| &k.value))
                .find(|a| origin(scoping, params, a) == Some(Origin::Body));
            if let Some(body) = body {
                found = Some((call, body.span));
            }
            found.is_some()
        });
        if found.is_some() {
            break;
        }
    }
    found
}
