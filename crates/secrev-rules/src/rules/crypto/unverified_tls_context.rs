//! PY307 `unverified-tls-context`: an `ssl` context or socket that skips certificate or hostname checks.

use super::util::{is_false_literal, ref_qualname};
use crate::helpers::call_name;
use crate::{Context, Hooks, Reporter, Rule};
use secrev_core::{Category, Confidence, RuleDocs, RuleInfo, Severity};
use secrev_ir::{Assign, Call};

pub(crate) static RULE: Rule = Rule {
    info: RuleInfo {
        id: "PY307",
        name: "unverified-tls-context",
        title: "TLS context without certificate or hostname verification",
        cwe: 295,
        category: Category::Crypto,
        severity: Severity::High,
        confidence: Confidence::High,
        docs: RuleDocs {
            what: "Finds `ssl` set up to skip verification: `ssl._create_unverified_context()` and \
                   `ssl._create_stdlib_context()`, the process-wide patch \
                   `ssl._create_default_https_context = ssl._create_unverified_context`, \
                   `ctx.verify_mode = ssl.CERT_NONE`, `ctx.check_hostname = False` (medium \
                   severity: the chain is still checked, but a certificate for any host is \
                   accepted), and `ssl.wrap_socket` with `cert_reqs=ssl.CERT_NONE` or without \
                   `cert_reqs` on the client side (its default is `CERT_NONE`).",
            why: "A TLS connection that does not check the peer's certificate, or does not check \
                  that it was issued for the host being contacted, can be intercepted by anyone on \
                  the network path, who then reads and modifies the traffic while the code \
                  believes it is protected.",
            example: "ctx = ssl.create_default_context()\nctx.check_hostname = False\nctx.verify_mode = ssl.CERT_NONE",
            fix: "ctx = ssl.create_default_context(cafile=\"/etc/ssl/internal-ca.pem\")  # verification stays on",
            references: &[
                "https://cwe.mitre.org/data/definitions/295.html",
                "https://docs.python.org/3/library/ssl.html#security-considerations",
            ],
        },
    },
    hooks: Hooks {
        call: Some(check_call),
        assign: Some(check_assign),
        ..Hooks::NONE
    },
};

const CERT_NONE: &[&str] = &["ssl.CERT_NONE", "ssl.VerifyMode.CERT_NONE"];

fn check_call(ctx: &Context, call: &Call, out: &mut Reporter) {
    let name = call_name(call);
    if call.is_any(&[
        "ssl._create_unverified_context",
        "ssl._create_stdlib_context",
    ]) {
        out.report(
            call.span,
            format!("`{name}()` builds a TLS context that accepts any certificate for any host, so connections made with it can be intercepted."),
            format!("Use `ssl.create_default_context()` instead of `{name}()`; for a private CA pass `cafile=` to it."),
        );
        return;
    }
    if call.is_any(&["ssl.wrap_socket"]) {
        match call.keyword("cert_reqs") {
            Some(reqs) if ref_qualname(reqs).is_some_and(|q| CERT_NONE.contains(&q)) => {
                out.report(
                    call.span,
                    format!("`{name}` is called with `{}`, so the peer's certificate is not checked and the connection can be intercepted.", ctx.code(reqs.span)),
                    "Replace `ssl.wrap_socket` with `ssl.create_default_context().wrap_socket(sock, server_hostname=host)`, which verifies the certificate and the host name.",
                );
            }
            None if !call.star_kwargs
                && !crate::helpers::is_truthy(call.keyword("server_side")) =>
            {
                out.report(
                    call.span,
                    format!("`{name}` without `cert_reqs` defaults to `CERT_NONE`, so the server's certificate is not checked and the connection can be intercepted."),
                    "Replace `ssl.wrap_socket` with `ssl.create_default_context().wrap_socket(sock, server_hostname=host)`, which verifies the certificate and the host name.",
                )
                .severity(Severity::Medium)
                .confidence(Confidence::Medium);
            }
            _ => {}
        }
    }
}

fn check_assign(ctx: &Context, assign: &Assign, out: &mut Reporter) {
    for target in &assign.targets {
        // `self.verify_mode = ...` inside a class is that class implementing a context.
        if target.path.starts_with("self.") && target.path.matches('.').count() == 1 {
            continue;
        }
        match target.name.as_str() {
            "_create_default_https_context"
                if target.owner.as_deref() == Some("ssl")
                    && ref_qualname(&assign.value).is_some_and(|q| {
                        q == "ssl._create_unverified_context" || q == "ssl._create_stdlib_context"
                    }) =>
            {
                out.report(
                    assign.span,
                    format!("`{} = {}` turns off certificate checks for every HTTPS connection the process opens through the standard library.", target.path, ctx.code(assign.value.span)),
                    "Remove the assignment; if one endpoint uses a private CA, pass `context=ssl.create_default_context(cafile=...)` to that one call instead.",
                );
            }
            "verify_mode"
                if ref_qualname(&assign.value).is_some_and(|q| CERT_NONE.contains(&q)) =>
            {
                out.report(
                    assign.span,
                    format!("`{} = {}` makes the TLS context accept any certificate, so connections made with it can be intercepted.", target.path, ctx.code(assign.value.span)),
                    format!("Remove the assignment (keep `ssl.CERT_REQUIRED`) and load a private CA with `load_verify_locations` on the object behind `{}` if needed.", target.path),
                );
            }
            "check_hostname"
                if is_false_literal(Some(&assign.value)) && target.path.contains('.') =>
            {
                out.report(
                    assign.span,
                    format!("`{} = False` makes the TLS context accept a valid certificate issued for any other host, so connections can be intercepted.", target.path),
                    format!("Remove `{} = False` and pass `server_hostname=` when wrapping the socket.", target.path),
                )
                .severity(Severity::Medium);
            }
            _ => {}
        }
    }
}
