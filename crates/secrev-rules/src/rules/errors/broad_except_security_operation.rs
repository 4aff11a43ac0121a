//! PY704 `broad-except-security-operation`: every exception caught around a security decision
//! or a protection being put in place, and the handler goes on as if it had succeeded.

use super::handling::{call_name, catches_all, dispatch_blocks, exits, header, only_logs};
use crate::held::{statements, stmt_value};
use crate::{Context, Hooks, Reporter, Rule};
use secrev_core::{ByteSpan, Category, Confidence, RuleDocs, RuleInfo, Severity};
use secrev_ir::{any_in, Call, Function, Op, ValueKind};

pub(crate) static RULE: Rule = Rule {
    info: RuleInfo {
        id: "PY704",
        name: "broad-except-security-operation",
        title: "Catch-all handler lets a failed security operation pass",
        cwe: 396,
        category: Category::ImproperAccess,
        severity: Severity::Medium,
        confidence: Confidence::Medium,
        docs: RuleDocs {
            what: "Finds `except:`, `except Exception` and `except BaseException` handlers that only \
                   log (or pass) and then go on, with no `raise`, `return` or abort, around a \
                   security operation: a confinement (`os.chroot`; failed uid/gid drops are \
                   PY921's), a signature or token check (`jwt.decode`, \
                   `.verify(...)`, `verify_signature`, `validate_token`, `authenticate`, \
                   `check_password`, `decrypt`), a policy decision (`policy.enforce`, \
                   `policy.authorize`, `context.can`), or a firewall change (iptables, ipset and \
                   security-group filter methods such as `add_rule`, `apply`, \
                   `prepare_port_filter`). Operations matched by method name alone are reported \
                   at low confidence. Test code, teardown methods (`__exit__`, `cleanup`, \
                   `delete_*`) and removals are not reported.",
            why: "A catch-all cannot tell the failure it expected from a denial: a \
                  `PolicyNotAuthorized`, an `InvalidSignatureError`, a failed `chroot` that leaves \
                  the process unconfined, or an iptables restore that left a port without \
                  its filter are all logged and ignored, and the code carries on as if the check \
                  passed or the protection were in place. CWE-396 (catching a generic exception) \
                  names the cause; the consequence is a check that fails open.",
            example: "try:\n    context.can(server_policies.SERVERS % 'create:forced_host', target)\nexcept Exception:\n    LOG.warning(\"policy check failed\")\nself._schedule(context, instance, force_host)",
            fix: "try:\n    context.can(server_policies.SERVERS % 'create:forced_host', target)\nexcept exception.PolicyNotAuthorized:\n    LOG.warning(\"forced host denied for %s\", context.project_id)\n    raise",
            references: &[
                "https://cwe.mitre.org/data/definitions/396.html",
                "https://cwe.mitre.org/data/definitions/636.html",
            ],
        },
    },
    hooks: Hooks {
        function: Some(check),
        ..Hooks::NONE
    },
};

/// Operations known by qualified name.
const QUALIFIED: &[(&str, &str)] = &[
    ("os.chroot", "a confinement"),
    ("jwt.decode", "a token check"),
    ("jwt.api_jwt.decode", "a token check"),
    ("jose.jwt.decode", "a token check"),
    ("OpenSSL.crypto.verify", "a signature check"),
    ("rsa.verify", "a signature check"),
    ("itsdangerous.Signer().unsign", "a signature check"),
];

/// Methods whose name alone says they check a signature, a token, a password or a policy.
const CHECK_METHODS: &[(&str, &str)] = &[
    ("verify_signature", "a signature check"),
    ("validate_signature", "a signature check"),
    ("check_signature", "a signature check"),
    ("verify_token", "a token check"),
    ("validate_token", "a token check"),
    ("check_token", "a token check"),
    ("authenticate", "an authentication"),
    ("check_password", "a password check"),
    ("verify_password", "a password check"),
    ("validate_password", "a password check"),
    ("enforce", "a policy decision"),
    ("authorize", "a policy decision"),
    ("check_is_admin", "a policy decision"),
    ("enforce_policy", "a policy decision"),
    ("check_policy", "a policy decision"),
    ("verify_certificate", "a certificate check"),
    ("verify_cert", "a certificate check"),
];

/// Firewall methods, when called on an iptables, ipset or firewall object.
const FIREWALL_METHODS: &[&str] = &[
    "apply",
    "add_rule",
    "add_chain",
    "prepare_port_filter",
    "update_port_filter",
    "apply_port_filter",
    "setup_port_filters",
    "update_security_group_rules",
    "update_security_group_members",
    "set_members",
];

/// Receivers that name a firewall.
const FIREWALL_RECEIVERS: &[&str] = &["iptables", "ipset", "firewall", "ip6tables", "nftables"];

/// What a call is as a security operation, and whether it was only matched by name.
fn classify(call: &Call) -> Option<(&'static str, bool)> {
    let q = call.qualname();
    if let Some((_, what)) = QUALIFIED.iter().find(|(name, _)| *name == q) {
        return Some((what, false));
    }
    let method = call_name(call);
    let text = call.callee.text.to_ascii_lowercase();
    let receiver = match call.callee.method.as_deref() {
        Some(m) => text
            .strip_suffix(m)
            .map(|r| r.trim_end_matches('.'))
            .unwrap_or(""),
        None => "",
    };
    let last = receiver.rsplit('.').next().unwrap_or("");
    // `context.can(rule, target)`: nova's policy check.
    if method == "can" && (last.ends_with("context") || last == "ctxt") && !call.args.is_empty() {
        let fatal_off = call
            .keyword("fatal")
            .is_some_and(|v| v.as_bool() == Some(false));
        return (!fatal_off).then_some(("a policy decision", false));
    }
    // `policy.enforce(...)`, `policy.authorize(...)`: the project's policy module.
    if matches!(method, "enforce" | "authorize") && (q.contains("policy") || last == "policy") {
        return Some(("a policy decision", false));
    }
    if matches!(method, "verify" | "decrypt")
        && (q.starts_with("cryptography.") || q.starts_with("nacl.") || q.contains("Fernet"))
    {
        return Some(("a signature check", false));
    }
    if FIREWALL_METHODS.contains(&method) && FIREWALL_RECEIVERS.iter().any(|r| receiver.contains(r))
    {
        return Some(("a firewall change", true));
    }
    if let Some((_, what)) = CHECK_METHODS.iter().find(|(m, _)| *m == method) {
        return Some((what, true));
    }
    None
}

/// Methods whose failures are routinely ignored on purpose: the resource is going away.
fn is_teardown(name: &str) -> bool {
    const PREFIXES: &[&str] = &[
        "delete",
        "remove",
        "cleanup",
        "clean_up",
        "destroy",
        "teardown",
        "tearDown",
        "unplug",
        "close",
        "shutdown",
        "stop",
        "release",
        "terminate",
        "dispose",
        "__del__",
        "__exit__",
        "__aexit__",
        "_delete",
        "_remove",
        "_cleanup",
        "_destroy",
        "_teardown",
        "_stop",
    ];
    PREFIXES.iter().any(|p| name.starts_with(p))
}

fn check(ctx: &Context, function: &Function, out: &mut Reporter) {
    if crate::helpers::is_test_path(ctx.path) || is_teardown(&function.name) {
        return;
    }
    let cfg = &function.cfg;
    let handlers: Vec<_> = function
        .ops
        .iter()
        .filter_map(|op| match op {
            Op::Handler(h) if h.flow.end > h.flow.start => Some(h),
            _ => None,
        })
        .collect();
    let mut dispatch: Option<Vec<bool>> = None;
    for handler in &handlers {
        let flow = &handler.flow;
        if !catches_all(handler) || !only_logs(cfg, flow) {
            continue;
        }
        let dispatch = dispatch.get_or_insert_with(|| dispatch_blocks(cfg));
        let leaves = exits(cfg, flow, dispatch);
        if leaves.returns || leaves.raises || !(leaves.falls_through || leaves.loops) {
            continue;
        }
        let guarded = flow.guarded;
        let within = |outer: ByteSpan, s: ByteSpan| outer.start <= s.start && s.end <= outer.end;
        // Calls in a nested `try` are that `try`'s handlers' business first.
        let nested: Vec<ByteSpan> = handlers
            .iter()
            .map(|h| h.flow.guarded)
            .filter(|g| within(guarded, *g) && *g != guarded)
            .collect();
        let mut found: Option<(&Call, &str, bool)> = None;
        for (_, stmt) in statements(cfg) {
            let Some(value) = stmt_value(stmt) else {
                continue;
            };
            if !within(guarded, value.span) || nested.iter().any(|n| within(*n, value.span)) {
                continue;
            }
            any_in(value, &mut |v| {
                if let ValueKind::Call(call) = &v.kind {
                    if let Some((what, by_name)) = classify(call) {
                        if found.is_none_or(|(f, _, _)| call.span.start < f.span.start) {
                            found = Some((call.as_ref(), what, by_name));
                        }
                        return true;
                    }
                }
                false
            });
        }
        let Some((call, what, by_name)) = found else {
            continue;
        };
        let caught = header(&ctx.code(handler.span));
        let op = ctx.code(call.span);
        let goes_on = if leaves.falls_through {
            "carries on after the `try`"
        } else {
            "moves on to the next iteration"
        };
        let hit = out.report(
            handler.span,
            format!(
                "`{caught}` catches every failure of `{op}` ({what}, line {}), only logs it and {goes_on}, so a denial or a failed protection is treated like success.",
                ctx.line_of(call.span)
            ),
            format!(
                "Catch only the exceptions `{}` is expected to raise when it cannot run, and re-raise (or return an explicit failure) when it fails; let denials propagate.",
                ctx.code(call.callee.span)
            ),
        );
        hit.related(call.span, format!("{what} whose failure is swallowed"));
        if by_name {
            hit.confidence(Confidence::Low);
        }
    }
}
