//! PY609 `cleartext-protocol`: Telnet, plain FTP, or a mail login without STARTTLS.

use crate::helpers::call_name;
use crate::{Context, Hooks, Reporter, Rule};
use secrev_core::{Category, Confidence, RuleDocs, RuleInfo, Severity};
use secrev_ir::{Call, Op, Value};

pub(crate) static RULE: Rule = Rule {
    info: RuleInfo {
        id: "PY609",
        name: "cleartext-protocol",
        title: "Cleartext protocol (Telnet, FTP, mail login without TLS)",
        cwe: 319,
        category: Category::Crypto,
        severity: Severity::Medium,
        confidence: Confidence::High,
        docs: RuleDocs {
            what: "Finds `telnetlib.Telnet(...)` and `ftplib.FTP(...)` connections (not \
                   `ftplib.FTP_TLS`), and a credential login on a plain mail connection made in the \
                   same function: `login` on `smtplib.SMTP()` or `imaplib.IMAP4()`, `pass_` on \
                   `poplib.POP3()`, with no `starttls()` / `stls()` on such a connection earlier \
                   in the function. Mail connections to `localhost` / `127.0.0.1` / `::1` are not \
                   reported; a login where the host is not a constant is reported with medium \
                   confidence (the TLS upgrade may happen elsewhere).",
            why: "These protocols send the user name, the password and all data unencrypted: \
                  anyone on the network path reads the credentials and can alter the transfer.",
            example: "server = smtplib.SMTP(MAIL_HOST, 587)\nserver.login(user, password)",
            fix: "server = smtplib.SMTP(MAIL_HOST, 587)\nserver.starttls(context=ssl.create_default_context())\nserver.login(user, password)",
            references: &[
                "https://cwe.mitre.org/data/definitions/319.html",
                "https://docs.python.org/3/library/smtplib.html#smtplib.SMTP.starttls",
                "https://docs.python.org/3/library/ftplib.html#ftplib.FTP_TLS",
            ],
        },
    },
    hooks: Hooks {
        call: Some(check),
        ..Hooks::NONE
    },
};

/// Plain mail connections: constructor, the method that sends credentials, the TLS upgrade,
/// and the encrypted alternative.
const MAIL: &[(&str, &str, &str, &str)] = &[
    ("smtplib.SMTP", "login", "starttls", "smtplib.SMTP_SSL"),
    ("imaplib.IMAP4", "login", "starttls", "imaplib.IMAP4_SSL"),
    ("poplib.POP3", "pass_", "stls", "poplib.POP3_SSL"),
];

const LOCAL_HOSTS: &[&str] = &["localhost", "127.0.0.1", "::1"];

fn check(ctx: &Context, call: &Call, out: &mut Reporter) {
    let name = call_name(call);
    if call.is_any(&["telnetlib.Telnet"]) {
        out.report(
            call.span,
            format!("`{name}` opens a Telnet session, which sends the login, the password and every command unencrypted."),
            "Replace this Telnet session with SSH (for example `paramiko.SSHClient` or `asyncssh`).",
        );
        return;
    }
    if call.is_any(&["ftplib.FTP"]) {
        out.report(
            call.span,
            format!("`{name}` opens a plain FTP connection, which sends the login, the password and the files unencrypted."),
            "Use `ftplib.FTP_TLS` and call `prot_p()` after logging in (or switch to SFTP).",
        );
        return;
    }
    let Some(method) = call.callee.method.as_deref() else {
        return;
    };
    let q = call.qualname();
    let Some(&(ctor, _, upgrade, tls_class)) = MAIL.iter().find(|(ctor, login, _, _)| {
        *login == method && q.strip_suffix(method).and_then(|o| o.strip_suffix("().")) == Some(ctor)
    }) else {
        return;
    };
    let upgraded = ctx.function.ops.iter().any(|op| {
        matches!(op, Op::Call(c) if c.callee.method.as_deref() == Some(upgrade)
            && c.qualname().strip_suffix(upgrade).and_then(|o| o.strip_suffix("().")) == Some(ctor)
            && c.span.start < call.span.start)
    });
    if upgraded {
        return;
    }
    let host = call
        .callee
        .receiver
        .as_deref()
        .and_then(Value::as_call)
        .and_then(|c| c.arg(0, "host"));
    let constant_host = host.and_then(Value::as_str);
    if constant_host.is_some_and(|h| LOCAL_HOSTS.contains(&h)) {
        return;
    }
    let receiver = call
        .callee
        .receiver
        .as_deref()
        .and_then(Value::path)
        .unwrap_or("the connection");
    let hit = out.report(
        call.span,
        format!("`{}(...)` sends credentials over the `{ctor}` connection `{receiver}` with no `{upgrade}()` before it, so the password crosses the network unencrypted.", ctx.code(call.callee.span)),
        format!("Call `{receiver}.{upgrade}(context=ssl.create_default_context())` before `{method}`, or connect with `{tls_class}`."),
    );
    hit.severity(Severity::High);
    if constant_host.is_none() {
        hit.confidence(Confidence::Medium);
    }
}
