//! C507 `tls-verification-disabled`: peer certificate checks turned off in Qt, OpenSSL and
//! libcurl.

use crate::rules::c::common::c_name;
use crate::{Context, Hooks, Reporter, Rule};
use secrev_core::{Category, Confidence, RuleDocs, RuleInfo, Severity};
use secrev_ir::{Call, Op, Unit, Value};

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
                   `CURLOPT_SSL_VERIFYHOST`.",
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
