//! PY308 `weak-tls-protocol`: SSL 2/3 or TLS 1.0/1.1 chosen for a connection.

use super::util::ref_qualname;
use crate::helpers::call_name;
use crate::{Context, Hooks, Reporter, Rule};
use secrev_core::{Category, Confidence, RuleDocs, RuleInfo, Severity};
use secrev_ir::{Assign, Call, Value};

pub(crate) static RULE: Rule = Rule {
    info: RuleInfo {
        id: "PY308",
        name: "weak-tls-protocol",
        title: "Obsolete SSL/TLS protocol version",
        cwe: 327,
        category: Category::Crypto,
        severity: Severity::Medium,
        confidence: Confidence::High,
        docs: RuleDocs {
            what: "Finds obsolete protocol versions chosen for a connection: \
                   `ssl.PROTOCOL_SSLv2/SSLv3/TLSv1/TLSv1_1` passed to `ssl.SSLContext`, \
                   `ssl.wrap_socket`, `ssl.get_server_certificate` or any call as a keyword \
                   (`ssl_version=`), or stored in an attribute (`ftp.ssl_version = ...`); \
                   `ssl.TLSVersion.SSLv3/TLSv1/TLSv1_1` assigned to `minimum_version` or \
                   `maximum_version`; and pyOpenSSL's `SSL.SSLv2_METHOD/SSLv3_METHOD/TLSv1_METHOD/\
                   TLSv1_1_METHOD` given to `SSL.Context`. SSL 2 and 3 are reported at high \
                   severity, TLS 1.0 and 1.1 at medium.",
            why: "SSL 2 and 3 are broken (DROWN, POODLE) and TLS 1.0 and 1.1 rely on weak \
                  constructions (BEAST, SHA-1/MD5 handshakes); RFC 8996 forbids them. Pinning one \
                  of them also rules out the modern versions, so the connection can be downgraded \
                  and decrypted by an attacker on the path.",
            example: "ctx = ssl.SSLContext(ssl.PROTOCOL_TLSv1)",
            fix: "ctx = ssl.create_default_context()\nctx.minimum_version = ssl.TLSVersion.TLSv1_2",
            references: &[
                "https://cwe.mitre.org/data/definitions/327.html",
                "https://www.rfc-editor.org/rfc/rfc8996",
                "https://docs.python.org/3/library/ssl.html#ssl.SSLContext.minimum_version",
            ],
        },
    },
    hooks: Hooks {
        call: Some(check_call),
        assign: Some(check_assign),
        ..Hooks::NONE
    },
};

/// The obsolete protocol a value names, and whether it is SSL (broken) rather than early TLS.
fn weak_protocol(value: &Value) -> Option<(&'static str, bool)> {
    let q = ref_qualname(value)?;
    let last = q.rsplit('.').next()?;
    let owner = q.strip_suffix(last)?.trim_end_matches('.');
    match owner {
        "ssl" => match last {
            "PROTOCOL_SSLv2" => Some(("SSLv2", true)),
            "PROTOCOL_SSLv3" => Some(("SSLv3", true)),
            "PROTOCOL_TLSv1" => Some(("TLSv1.0", false)),
            "PROTOCOL_TLSv1_1" => Some(("TLSv1.1", false)),
            _ => None,
        },
        "ssl.TLSVersion" => match last {
            "SSLv3" => Some(("SSLv3", true)),
            "TLSv1" => Some(("TLSv1.0", false)),
            "TLSv1_1" => Some(("TLSv1.1", false)),
            _ => None,
        },
        "OpenSSL.SSL" => match last {
            "SSLv2_METHOD" => Some(("SSLv2", true)),
            "SSLv3_METHOD" => Some(("SSLv3", true)),
            "TLSv1_METHOD" => Some(("TLSv1.0", false)),
            "TLSv1_1_METHOD" => Some(("TLSv1.1", false)),
            _ => None,
        },
        _ => None,
    }
}

const PROTOCOL_CALLS: &[&str] = &[
    "ssl.SSLContext",
    "ssl.wrap_socket",
    "ssl.get_server_certificate",
    "OpenSSL.SSL.Context",
];

fn severity(broken: bool) -> Severity {
    if broken {
        Severity::High
    } else {
        Severity::Medium
    }
}

fn check_call(ctx: &Context, call: &Call, out: &mut Reporter) {
    let positional: &[Value] = if call.is_any(PROTOCOL_CALLS) {
        &call.args
    } else {
        &[]
    };
    let chosen = positional
        .iter()
        .chain(call.keywords.iter().map(|k| &k.value))
        .find_map(|v| weak_protocol(v).map(|w| (v, w)));
    let Some((value, (version, broken))) = chosen else {
        return;
    };
    let name = call_name(call);
    out.report(
        call.span,
        format!("`{name}` is given `{}`, which pins the connection to the obsolete {version} protocol.", ctx.code(value.span)),
        format!("Pass `ssl.PROTOCOL_TLS_CLIENT` (or `PROTOCOL_TLS_SERVER`) to `{name}`, or use `ssl.create_default_context()`, and set `minimum_version = ssl.TLSVersion.TLSv1_2`."),
    )
    .severity(severity(broken));
}

fn check_assign(ctx: &Context, assign: &Assign, out: &mut Reporter) {
    let Some((version, broken)) = weak_protocol(&assign.value) else {
        return;
    };
    for target in &assign.targets {
        let attribute = target.path.contains('.') || target.path.contains('[');
        let relevant = matches!(
            target.name.as_str(),
            "minimum_version" | "maximum_version" | "ssl_version" | "protocol" | "ssl_protocol"
        );
        if !(attribute && relevant) {
            continue;
        }
        out.report(
            assign.span,
            format!(
                "`{} = {}` lets the connection use the obsolete {version} protocol.",
                target.path,
                ctx.code(assign.value.span)
            ),
            format!(
                "Set `{}` to `ssl.TLSVersion.TLSv1_2` (or `TLSv1_3`) instead.",
                target.path
            ),
        )
        .severity(severity(broken));
    }
}
