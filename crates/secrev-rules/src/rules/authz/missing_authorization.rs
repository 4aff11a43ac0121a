//! PY931 `missing-authorization`: a request handler that returns data or changes state with no
//! authorization check on some path, while most of its sibling handlers authorize first.
//!
//! Nothing is wrong with any one line of such a handler; what is wrong is what it does not do,
//! compared with the handlers around it. Siblings are the other handlers of its class (when the
//! class has at least three, or when none of them authorizes), else of its file. The finding
//! names the siblings that check and the idiom they use. Checks made in another file's service
//! layer are settled project-wide (`project.rs`): the hit carries the handler's and its
//! undecided siblings' calls into other files. Opt-in (see `registry.rs`).

use super::analysis::{self, Effect, Handler};
use crate::{Context, Delegated, Hooks, Reporter, Rule};
use secrev_core::{ByteSpan, Category, Confidence, RuleDocs, RuleInfo, Severity};
use secrev_ir::Unit;

pub(crate) static RULE: Rule = Rule {
    info: RuleInfo {
        id: "PY931",
        name: "missing-authorization",
        title: "Request handler without the authorization check its siblings make",
        cwe: 862,
        category: Category::ImproperAccess,
        severity: Severity::High,
        confidence: Confidence::Medium,
        docs: RuleDocs {
            what: "Finds request handlers (OpenStack WSGI controller methods, Pecan and \
                   Flask-RESTful resources, Flask and FastAPI routes, Django views and DRF \
                   viewsets) that return data or change state on some path with no \
                   authorization before it, when at least three of their sibling handlers, and \
                   at least three in four, authorize first: a policy check \
                   (`context.can`, `policy.enforce`, `ENFORCER.enforce_call`), an authorizing \
                   decorator (`@login_required`, `@policy.enforce_policy`), a class-level \
                   `permission_classes`, a FastAPI security dependency, a condition whose \
                   branch refuses the request (`abort(403)`), or a helper of the file that \
                   reaches one. A handler whose calls reach another file's function that \
                   authorizes (a service layer's `API.get`) is not reported, nor one calling \
                   project code that cannot be resolved. Handlers marked public (`@public`, a \
                   `# public` comment on the header, DRF `AllowAny`, `login`) are neither \
                   reported nor counted.",
            why: "A handler that forgets the check its siblings make lets any authenticated \
                  caller, or anyone at all, read or change another tenant's resources. Most \
                  access-control advisories in OpenStack services are of this kind: an API \
                  added or refactored without the policy call every neighbouring API makes.",
            example: "class KeypairController(wsgi.Controller):\n    def index(self, req):\n        context = req.environ['nova.context']\n        context.can(kp_policies.POLICY_ROOT % 'index')\n        ...\n    def show(self, req, id):\n        context = req.environ['nova.context']\n        return self.api.get_key_pair(context, context.user_id, id)",
            fix: "    def show(self, req, id):\n        context = req.environ['nova.context']\n        context.can(kp_policies.POLICY_ROOT % 'show', target={'user_id': context.user_id})\n        return self.api.get_key_pair(context, context.user_id, id)",
            references: &[
                "https://cwe.mitre.org/data/definitions/862.html",
                "https://docs.openstack.org/oslo.policy/latest/",
                "https://security.openstack.org/ossalist.html",
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
    for (i, handler) in view.handlers.iter().enumerate() {
        if handler.public || handler.covering.is_some() {
            continue;
        }
        let Some((span, effect, partial)) = unguarded(handler) else {
            continue;
        };
        // A call on an attribute of `self` whose object the file does not show may be the check.
        let Some(calls) = handler
            .delegations
            .iter()
            .cloned()
            .collect::<Option<Vec<_>>>()
        else {
            continue;
        };
        let siblings = view.siblings(i);
        let Some((checking, undecided)) = analysis::possible_convention(&siblings) else {
            continue;
        };
        let delegated = Delegated {
            calls,
            siblings: siblings.len(),
            checking: checking.len(),
            undecided,
        };
        report(
            ctx, out, handler, span, effect, partial, &checking, delegated,
        );
    }
}

/// The first thing the handler does unguarded: anything when it never checks, else a return of
/// data or a change of state on a path that avoids its check (operations merely done before a
/// later check are PY933's).
fn unguarded(handler: &Handler) -> Option<(ByteSpan, Effect, bool)> {
    if handler
        .unchecked
        .iter()
        .any(|(_, e)| *e == Effect::Delegates)
    {
        return None;
    }
    if handler.checks.is_empty() {
        let (span, effect) = handler
            .unchecked
            .iter()
            .find(|(_, e)| *e != Effect::Calls)
            .or(handler.unchecked.first())?;
        return Some((*span, *effect, false));
    }
    // A path that skips the handler's own check is reported only when it changes state: paths
    // that return data without the check were, on the OpenStack corpus, public reads by design
    // or paths a correlated condition rules out (`owned = False; if not owned: check()`).
    handler
        .unchecked
        .iter()
        .find(|(span, e)| *e == Effect::Changes && !handler.late.iter().any(|(op, _)| op == span))
        .map(|(span, effect)| (*span, *effect, true))
}

#[allow(clippy::too_many_arguments)]
fn report(
    ctx: &Context,
    out: &mut Reporter,
    handler: &Handler,
    span: ByteSpan,
    effect: Effect,
    partial: bool,
    checking: &[&Handler],
    delegated: Delegated,
) {
    let siblings = delegated.siblings;
    // Siblings that may authorize through another file's service layer; the engine counts
    // those that do before the hit is kept.
    let elsewhere = if delegated.undecided.is_empty() {
        String::new()
    } else {
        format!(
            "; {} more call service code of other files",
            delegated.undecided.len()
        )
    };
    let name = &handler.function.name;
    let idiom = checking
        .iter()
        .find_map(|h| h.idiom())
        .map_or(String::new(), |i| i.name.clone());
    // Siblings from other classes of the file are named with their class.
    let label = |h: &Handler| {
        if h.class == handler.class {
            h.function.name.clone()
        } else {
            h.function.qualname.clone()
        }
    };
    // Versioned copies of one handler (`create` for 2.1 and for 2.53) are named once.
    let mut names: Vec<String> = Vec::new();
    for h in checking {
        let name = format!("`{}`", label(h));
        if !names.contains(&name) {
            names.push(name);
        }
    }
    let more = if names.len() > 4 { ", ..." } else { "" };
    names.truncate(4);
    let does = match effect {
        Effect::Changes => "changes state",
        Effect::Returns => "returns data",
        Effect::Calls | Effect::Delegates => "acts",
    };
    let what = ctx.code(span);
    let message = if partial {
        format!(
            "Handler `{name}` {does} here (`{what}`) on a path that skips its authorization check, \
             while {} of its {siblings} sibling handlers ({}{more}) authorize first with \
             {idiom}{elsewhere}.",
            checking.len(),
            names.join(", ")
        )
    } else {
        format!(
            "Handler `{name}` {does} (`{what}`, line {}) with no authorization check, while {} of \
             its {siblings} sibling handlers ({}{more}) authorize first with {idiom}{elsewhere}.",
            ctx.line_of(span),
            checking.len(),
            names.join(", ")
        )
    };
    let fix = format!(
        "Authorize `{name}` before it acts, the way its siblings do ({idiom}, with the policy for \
         this operation), or mark it public on purpose (`@public` or a `# public` comment)."
    );
    let at = if partial {
        span
    } else {
        handler.function.name_span
    };
    let hit = out.report(at, message, fix);
    // The service layer of another file may make the check (cinder's `volume_api.get`), or make
    // the siblings' convention: the engine's project index settles both.
    hit.delegated(delegated);
    if effect != Effect::Changes {
        hit.severity(Severity::Medium);
    }
    if partial {
        // The graph does not know which branches exclude each other.
        hit.confidence(Confidence::Low);
    }
    for sibling in checking.iter().take(3) {
        if let Some(idiom) = sibling.idiom() {
            hit.related(
                idiom.span,
                format!("sibling `{}` authorizes here", label(sibling)),
            );
        }
    }
}
