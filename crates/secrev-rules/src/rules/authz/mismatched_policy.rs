//! PY932 `mismatched-policy`: a handler that authorizes with a policy whose name spells another
//! operation (`...:servers:delete` in `update`), when its siblings' policies follow their own
//! names.

use super::analysis::{
    self, handler_verbs, verbs_of, Idiom, MIN_CHECKING_SHARE, MIN_CHECKING_SIBLINGS,
};
use crate::{Context, Hooks, Reporter, Rule};
use secrev_core::{Category, Confidence, RuleDocs, RuleInfo, Severity};
use secrev_ir::Unit;
use secrev_taint::authz::Authz;

pub(crate) static RULE: Rule = Rule {
    info: RuleInfo {
        id: "PY932",
        name: "mismatched-policy",
        title: "Handler authorizes with a policy named for another operation",
        cwe: 863,
        category: Category::ImproperAccess,
        severity: Severity::High,
        confidence: Confidence::Medium,
        docs: RuleDocs {
            what: "Compares the operation a handler's name spells (`index`/`show`/`get` read, \
                   `create`/`post` create, `update`/`put`/`patch` update, `delete` delete) with \
                   the operation the policy it checks spells (`os_compute_api:servers:delete`, \
                   `identity:get_project`, `UPDATE_POLICY`). When at least three siblings, and \
                   three in four of those whose names and policies both spell an operation, \
                   check the policy of their own operation, a handler whose every policy spells \
                   another one is reported.",
            why: "A check of the wrong rule is as good as no check when the two rules differ: an \
                  `update` handler guarded by the `show` rule lets every reader write. Such \
                  slips come from copying a neighbouring handler and are invisible in review \
                  because a check is there.",
            example: "def update(self, req, id, body):\n    context = req.environ['nova.context']\n    context.can(sg_policies.POLICY_NAME % 'show')\n    ...",
            fix: "def update(self, req, id, body):\n    context = req.environ['nova.context']\n    context.can(sg_policies.POLICY_NAME % 'update')\n    ...",
            references: &[
                "https://cwe.mitre.org/data/definitions/863.html",
                "https://docs.openstack.org/oslo.policy/latest/",
            ],
        },
    },
    hooks: Hooks {
        unit: Some(check),
        ..Hooks::NONE
    },
};

/// A handler's own operation classes, and its checks that spell one with theirs.
type Rated<'h> = (Vec<&'h str>, Vec<(&'h Idiom, Vec<&'h str>)>);

/// A handler's own verbs and its checks that spell an operation, with theirs.
fn rated<'h>(model: &'h Authz, name: &str, checks: &'h [Idiom]) -> Option<Rated<'h>> {
    let own = handler_verbs(model, name);
    let policies: Vec<(&Idiom, Vec<&str>)> = checks
        .iter()
        .map(|c| (c, verbs_of(model, &c.policy)))
        .filter(|(_, v)| !v.is_empty())
        .collect();
    (!own.is_empty() && !policies.is_empty()).then_some((own, policies))
}

fn agree(model: &Authz, own: &[&str], checked: &[&str]) -> bool {
    own.iter()
        .any(|o| checked.iter().any(|c| model.verbs_agree(o, c)))
}

fn matches(model: &Authz, own: &[&str], policies: &[(&Idiom, Vec<&str>)]) -> bool {
    policies.iter().any(|(_, v)| agree(model, own, v))
}

fn check(ctx: &Context, unit: &Unit, out: &mut Reporter) {
    let Some(view) = analysis::view(ctx, unit) else {
        return;
    };
    let model = Authz::builtin();
    for (i, handler) in view.handlers.iter().enumerate() {
        let Some((own, policies)) = rated(model, &handler.function.name, &handler.checks) else {
            continue;
        };
        if matches(model, &own, &policies) {
            continue;
        }
        let siblings = view.siblings(i);
        let mut with_scheme = 0usize;
        let mut following = Vec::new();
        for sibling in &siblings {
            if let Some((theirs, their_policies)) =
                rated(model, &sibling.function.name, &sibling.checks)
            {
                with_scheme += 1;
                if let Some((idiom, _)) = their_policies
                    .iter()
                    .find(|(_, v)| agree(model, &theirs, v))
                {
                    following.push((sibling.function.name.as_str(), *idiom));
                }
            }
        }
        if following.len() < MIN_CHECKING_SIBLINGS
            || (following.len() as f64) < MIN_CHECKING_SHARE * with_scheme as f64
        {
            continue;
        }
        let (wrong, spelled) = &policies[0];
        let name = &handler.function.name;
        let names: Vec<String> = following
            .iter()
            .take(4)
            .map(|(n, _)| format!("`{n}`"))
            .collect();
        let hit = out.report(
            wrong.span,
            format!(
                "Handler `{name}` ({} operation) authorizes with `{}`, a policy for a {} \
                 operation, while {} of its {with_scheme} sibling handlers ({}) check the policy \
                 of their own operation.",
                own.join("/"),
                ctx.code(wrong.span),
                spelled.join("/"),
                following.len(),
                names.join(", ")
            ),
            format!(
                "Check the policy that governs `{name}` itself (its {} rule), as the sibling \
                 handlers do.",
                own.join("/")
            ),
        );
        for (sibling, idiom) in following.iter().take(3) {
            hit.related(
                idiom.span,
                format!("sibling `{sibling}` checks its own policy here"),
            );
        }
    }
}
