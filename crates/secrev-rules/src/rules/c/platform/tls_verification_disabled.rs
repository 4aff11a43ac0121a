//! C507 `tls-verification-disabled`: peer certificate checks turned off in Qt, OpenSSL and
//! libcurl.

use crate::rules::c::common::c_name;
use crate::{Context, Hooks, Reporter, Rule};
use secrev_core::{Category, Confidence, RuleDocs, RuleInfo, Severity};
use secrev_ir::{any_in, Block, Call, EdgeKind, Function, Op, Stmt, Unit, Value, ValueKind};

pub(crate) static RULE: Rule = Rule {
    info: RuleInfo {
        id: "C507",
        name: "tls-verification-disabled",
        title: "TLS peer verification disabled",
        cwe: 295,
        category: Category::Crypto,
        severity: Severity::High,
        confidence: Confidence::High,
        docs: RuleDocs {
            what: "Finds TLS connections told not to check the peer: `setPeerVerifyMode(\
                   QSslSocket::VerifyNone)` on a socket or `QSslConfiguration`, \
                   `ignoreSslErrors()` without a list of expected errors, \
                   `SSL_CTX_set_verify`/`SSL_set_verify` with `SSL_VERIFY_NONE` (unless the file \
                   sets up a server context, where not asking for client certificates is \
                   normal), and `curl_easy_setopt` turning off `CURLOPT_SSL_VERIFYPEER` or \
                   `CURLOPT_SSL_VERIFYHOST`. A bypass that runs only when a flag is set (`if \
                   (ignoreAllErrors) ...`: a setting or option the user chose) or that is \
                   compiled only under a build flag naming it (`#ifdef SKIP_PEER_VERIFICATION`) \
                   is that choice forwarded, and is not reported.",
            why: "Without verification any certificate is accepted, so anyone on the network \
                  path can impersonate the server and read or change the traffic, credentials \
                  included.",
            example: "QSslConfiguration conf = QSslConfiguration::defaultConfiguration();\nconf.setPeerVerifyMode(QSslSocket::VerifyNone);\nrequest.setSslConfiguration(conf);",
            fix: "QSslConfiguration conf = QSslConfiguration::defaultConfiguration();\nconf.setCaCertificates(QSslCertificate::fromPath(\":/certs/internal-ca.pem\"));\nrequest.setSslConfiguration(conf);",
            references: &[
                "https://cwe.mitre.org/data/definitions/295.html",
                "https://doc.qt.io/qt-6/qsslsocket.html#PeerVerifyMode-enum",
                "https://docs.openssl.org/master/man3/SSL_CTX_set_verify/",
                "https://curl.se/libcurl/c/CURLOPT_SSL_VERIFYPEER.html",
            ],
        },
    },
    hooks: Hooks {
        call: Some(check),
        ..Hooks::NONE
    },
};

fn names(value: &Value, constant: &str) -> bool {
    value
        .qualname()
        .or_else(|| value.path())
        .is_some_and(|q| q == constant || q.ends_with(&format!("::{constant}")))
}

fn check(ctx: &Context, call: &Call, out: &mut Reporter) {
    let method = call.callee.method.as_deref().unwrap_or("");
    let name = c_name(call);
    let code = ctx.code(call.span);
    // A method of the same name forwarding the caller's choice (Qt's own `ignoreSslErrors()`
    // handing it to the connection) decides nothing itself.
    if !method.is_empty() && ctx.function.name == method {
        return;
    }
    if guarded_by_flag(ctx.function, call) || compiled_on_request(ctx, call) {
        return;
    }
    if method == "setPeerVerifyMode" && call.args.first().is_some_and(|m| names(m, "VerifyNone")) {
        out.report(
            call.span,
            format!("`{code}` accepts any certificate: the peer is never verified."),
            "Keep the default `VerifyPeer`; to trust a private CA add it with `setCaCertificates`/`addCaCertificates`.",
        );
    } else if method == "ignoreSslErrors" && call.args.is_empty() {
        out.report(
            call.span,
            format!("`{code}` without a list ignores every certificate error, so any certificate is accepted."),
            "Pass the specific expected errors (`ignoreSslErrors(expectedErrors)`, e.g. a known self-signed certificate), or fix the certificate chain.",
        );
    } else if matches!(name, "SSL_CTX_set_verify" | "SSL_set_verify")
        && call
            .args
            .get(1)
            .is_some_and(|m| names(m, "SSL_VERIFY_NONE") || m.as_int() == Some(0))
        && !sets_up_server(ctx.unit)
    {
        out.report(
            call.span,
            format!("`{code}` turns off certificate verification for this connection."),
            "Use `SSL_VERIFY_PEER` with a trust store (`SSL_CTX_set_default_verify_paths` or `SSL_CTX_load_verify_locations`), and check the host name (`SSL_set1_host`).",
        );
    } else if name == "curl_easy_setopt" {
        let option = call.args.get(1);
        let is_check = option.is_some_and(|o| {
            names(o, "CURLOPT_SSL_VERIFYPEER")
                || names(o, "CURLOPT_SSL_VERIFYHOST")
                || names(o, "CURLOPT_PROXY_SSL_VERIFYPEER")
        });
        if is_check && call.args.get(2).and_then(Value::as_int) == Some(0) {
            out.report(
                call.span,
                format!("`{code}` turns off libcurl's certificate or host name check."),
                "Leave `CURLOPT_SSL_VERIFYPEER` at 1 and `CURLOPT_SSL_VERIFYHOST` at 2; point `CURLOPT_CAINFO` at a private CA if needed.",
            );
        }
    }
}

/// Whether the file creates a TLS server context (`TLS_server_method`, `SSLv23_server_method`):
/// there, `SSL_VERIFY_NONE` means "do not ask clients for certificates".
fn sets_up_server(unit: &Unit) -> bool {
    unit.functions
        .iter()
        .flat_map(|f| &f.ops)
        .any(|op| match op {
            Op::Call(call) => call.qualname().ends_with("_server_method"),
            _ => false,
        })
}

/// Whether the call runs only when a flag is set (`if (ignoreAllSslErrors)
/// socket->ignoreSslErrors();`, `if (opts.insecure) ...`): the bypass forwards a choice made
/// elsewhere (a setting, a command-line option, a signal handler's answer), where it belongs
/// to be reviewed.
fn guarded_by_flag(function: &Function, call: &Call) -> bool {
    let holds_call = |block: &Block| {
        block.stmts.iter().any(|stmt| match stmt {
            Stmt::Assign { value, .. } | Stmt::Eval(value) => any_in(
                value,
                &mut |v| matches!(&v.kind, ValueKind::Call(c) if c.span == call.span),
            ),
            Stmt::Return { value, .. } => value.as_deref().is_some_and(|value| {
                any_in(
                    value,
                    &mut |v| matches!(&v.kind, ValueKind::Call(c) if c.span == call.span),
                )
            }),
        })
    };
    let Some(at) = function.cfg.blocks.iter().position(holds_call) else {
        return false;
    };
    let mut entries = function
        .cfg
        .blocks
        .iter()
        .flat_map(|b| &b.succs)
        .filter(|e| e.to as usize == at)
        .peekable();
    entries.peek().is_some()
        && entries.all(|e| {
            matches!(&e.kind, EdgeKind::Branch { cond, taken: true }
                if matches!(cond.kind, ValueKind::Ref { .. }))
        })
}

/// Whether the call sits inside `#ifdef`/`#if` on a build flag that asks for the bypass by
/// name (`#ifdef SKIP_PEER_VERIFICATION`, `#if ALLOW_INSECURE_TLS`): the builder opts in.
fn compiled_on_request(ctx: &Context, call: &Call) -> bool {
    let before = ctx.source.get(..call.span.start as usize).unwrap_or("");
    let mut depth = 0u32;
    // In the `#else` part of a conditional, its `#if` flag is off.
    let mut in_else = false;
    for line in before.lines().rev() {
        let line = line.trim_start();
        let Some(directive) = line.strip_prefix('#') else {
            continue;
        };
        let directive = directive.trim_start();
        if directive.starts_with("endif") {
            depth += 1;
        } else if depth == 0 && (directive.starts_with("else") || directive.starts_with("elif")) {
            in_else = true;
        } else if directive.starts_with("if") {
            if depth > 0 {
                depth -= 1;
                continue;
            }
            if std::mem::take(&mut in_else) {
                continue;
            }
            let upper = directive.to_ascii_uppercase();
            if [
                "SKIP",
                "INSECURE",
                "NO_VERIFY",
                "NOVERIFY",
                "DISABLE",
                "UNSAFE",
            ]
            .iter()
            .any(|w| upper.contains(w))
                && !directive.starts_with("ifndef")
            {
                return true;
            }
        }
    }
    false
}
