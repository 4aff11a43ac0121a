//! PY610 `ssh-host-key-autoadd`: a paramiko client that accepts unknown SSH host keys.

use crate::{Context, Hooks, Reporter, Rule};
use secrev_core::{Category, Confidence, RuleDocs, RuleInfo, Severity};
use secrev_ir::{Call, ValueKind};

pub(crate) static RULE: Rule = Rule {
    info: RuleInfo {
        id: "PY610",
        name: "ssh-host-key-autoadd",
        title: "SSH client accepts unknown host keys",
        cwe: 295,
        category: Category::Crypto,
        severity: Severity::High,
        confidence: Confidence::High,
        docs: RuleDocs {
            what: "Finds `set_missing_host_key_policy(...)` given paramiko's `AutoAddPolicy` or \
                   `WarningPolicy` (the class or an instance, under any import alias, from \
                   `paramiko` or `paramiko.client`, directly or through a variable).",
            why: "Both policies let the client connect to a server whose host key it has never \
                  seen (`WarningPolicy` only logs it). On the first connection, or whenever the \
                  key is not in `known_hosts`, a man in the middle presents their own key, \
                  receives the password or agent-forwarded credentials, and sees and alters the \
                  whole session.",
            example: "client = paramiko.SSHClient()\nclient.set_missing_host_key_policy(paramiko.AutoAddPolicy())",
            fix: "client = paramiko.SSHClient()\nclient.load_system_host_keys()\nclient.set_missing_host_key_policy(paramiko.RejectPolicy())",
            references: &[
                "https://cwe.mitre.org/data/definitions/295.html",
                "https://docs.paramiko.org/en/stable/api/client.html#paramiko.client.SSHClient.set_missing_host_key_policy",
            ],
        },
    },
    hooks: Hooks {
        call: Some(check),
        ..Hooks::NONE
    },
};

const UNSAFE_POLICIES: &[&str] = &[
    "paramiko.AutoAddPolicy",
    "paramiko.client.AutoAddPolicy",
    "paramiko.WarningPolicy",
    "paramiko.client.WarningPolicy",
];

fn check(ctx: &Context, call: &Call, out: &mut Reporter) {
    if call.callee.method.as_deref() != Some("set_missing_host_key_policy") {
        return;
    }
    let Some(policy) = call.arg(0, "policy") else {
        return;
    };
    let resolved = policy.resolved();
    let policy_name = match &resolved.kind {
        ValueKind::Call(c) if c.is_any(UNSAFE_POLICIES) => c.qualname(),
        ValueKind::Ref { .. } => match resolved.qualname() {
            Some(q) if UNSAFE_POLICIES.contains(&q) => q,
            _ => return,
        },
        _ => return,
    };
    let short = policy_name.rsplit('.').next().unwrap_or(policy_name);
    let effect = if short == "WarningPolicy" {
        "only logs a warning and connects anyway"
    } else {
        "silently trusts and saves the key"
    };
    out.report(
        call.span,
        format!("`{}` is given `{policy_name}`, which {effect} when the server's host key is unknown, so a man in the middle can impersonate the server.", ctx.code(call.callee.span)),
        format!("Load the expected keys (`load_system_host_keys()` / `load_host_keys(path)`) and pass `paramiko.RejectPolicy()` instead of `{short}`."),
    );
}
