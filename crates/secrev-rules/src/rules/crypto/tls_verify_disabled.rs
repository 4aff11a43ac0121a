//! PY306 `tls-verify-disabled`: an HTTP client told not to verify the server's certificate.

use super::util::{is_false_literal, ref_qualname};
use crate::helpers::call_name;
use crate::{Context, Hooks, Reporter, Rule};
use secrev_core::{Category, Confidence, RuleDocs, RuleInfo, Severity};
use secrev_ir::{Assign, Call, Keyword, Value};

pub(crate) static RULE: Rule = Rule {
    info: RuleInfo {
        id: "PY306",
        name: "tls-verify-disabled",
        title: "HTTPS certificate verification turned off",
        cwe: 295,
        category: Category::Crypto,
        severity: Severity::High,
        confidence: Confidence::High,
        docs: RuleDocs {
            what: "Finds HTTP clients told, with a constant, not to verify TLS certificates: \
                   `requests.get/post/put/patch/delete/head/options/request` and the same methods \
                   of a `requests.Session()` with `verify=False`, `session.verify = False`, the \
                   `httpx` functions, `httpx.Client` and `httpx.AsyncClient` with `verify=False`, \
                   `aiohttp` requests, sessions and `TCPConnector` with `ssl=False` or \
                   `verify_ssl=False`, and `urllib3.PoolManager`/`ProxyManager`/\
                   `HTTPSConnectionPool` with `cert_reqs=\"CERT_NONE\"` (or `ssl.CERT_NONE`) or \
                   `assert_hostname=False`. An HTTP method called with `verify=False` on a client \
                   object the analysis cannot identify is reported at medium confidence.",
            why: "Without verification any machine on the network path (a Wi-Fi hotspot, a \
                  compromised router, a proxy) can present its own certificate, read the traffic \
                  including credentials and tokens, and alter the responses. The connection is \
                  encrypted but to an unknown party.",
            example: "resp = requests.get(PARTNER_URL, headers=auth, verify=False, timeout=10)",
            fix: "resp = requests.get(PARTNER_URL, headers=auth, verify=\"/etc/ssl/partner-ca.pem\", timeout=10)  # or the default verify=True",
            references: &[
                "https://cwe.mitre.org/data/definitions/295.html",
                "https://requests.readthedocs.io/en/latest/user/advanced/#ssl-cert-verification",
                "https://www.python-httpx.org/advanced/ssl/",
            ],
        },
    },
    hooks: Hooks {
        call: Some(check_call),
        assign: Some(check_assign),
        ..Hooks::NONE
    },
};

const VERBS: &[&str] = &[
    "get",
    "post",
    "put",
    "patch",
    "delete",
    "head",
    "options",
    "request",
    "stream",
    "ws_connect",
];

/// Clients whose methods and constructors take `verify=`; the value is the qualified-name prefix.
const VERIFY_CLIENTS: &[&str] = &[
    "requests",
    "requests.api",
    "requests.Session()",
    "requests.session()",
    "requests.sessions.Session()",
    "httpx",
    "httpx.Client()",
    "httpx.AsyncClient()",
];
const VERIFY_CONSTRUCTORS: &[&str] = &["httpx.Client", "httpx.AsyncClient"];
const AIOHTTP: &[&str] = &[
    "aiohttp",
    "aiohttp.ClientSession()",
    "aiohttp.client.ClientSession()",
];
const AIOHTTP_CONSTRUCTORS: &[&str] = &[
    "aiohttp.TCPConnector",
    "aiohttp.ClientSession",
    "aiohttp.connector.TCPConnector",
];
const URLLIB3: &[&str] = &[
    "urllib3.PoolManager",
    "urllib3.ProxyManager",
    "urllib3.HTTPSConnectionPool",
    "urllib3.connection_from_url",
    "urllib3.poolmanager.PoolManager",
    "urllib3.poolmanager.ProxyManager",
    "urllib3.connectionpool.HTTPSConnectionPool",
    "requests.packages.urllib3.PoolManager",
];

/// Splits `requests.Session().get` into (`requests.Session()`, `get`).
fn split(q: &str) -> Option<(&str, &str)> {
    q.rsplit_once('.')
}

fn check_call(ctx: &Context, call: &Call, out: &mut Reporter) {
    let q = call.qualname();
    let name = call_name(call);
    let verb = call
        .callee
        .method
        .as_deref()
        .is_some_and(|m| VERBS.contains(&m));
    // requests / httpx: verify=False.
    if let Some(verify) = call
        .keyword_arg("verify")
        .filter(|k| is_false_literal(Some(&k.value)))
    {
        let known = VERIFY_CONSTRUCTORS.contains(&q)
            || split(q)
                .is_some_and(|(owner, m)| VERIFY_CLIENTS.contains(&owner) && VERBS.contains(&m));
        if known || (q.is_empty() && verb) {
            let hit = report(ctx, call, verify, name, out);
            if !known {
                hit.confidence(Confidence::Medium);
            }
            return;
        }
    }
    // aiohttp: ssl=False / verify_ssl=False.
    let aiohttp = AIOHTTP_CONSTRUCTORS.contains(&q)
        || split(q).is_some_and(|(owner, m)| AIOHTTP.contains(&owner) && VERBS.contains(&m));
    if aiohttp {
        for keyword in ["ssl", "verify_ssl"] {
            if let Some(setting) = call
                .keyword_arg(keyword)
                .filter(|k| is_false_literal(Some(&k.value)))
            {
                report(ctx, call, setting, name, out);
                return;
            }
        }
    }
    // urllib3: cert_reqs="CERT_NONE" / assert_hostname=False.
    if call.is_any(URLLIB3) {
        if let Some(setting) = call
            .keyword_arg("cert_reqs")
            .filter(|k| is_cert_none(&k.value))
        {
            report(ctx, call, setting, name, out);
        } else if let Some(setting) = call
            .keyword_arg("assert_hostname")
            .filter(|k| is_false_literal(Some(&k.value)))
        {
            report(ctx, call, setting, name, out);
        }
    }
}

/// `"CERT_NONE"`, `"NONE"`, `ssl.CERT_NONE`.
fn is_cert_none(value: &Value) -> bool {
    value
        .as_str()
        .is_some_and(|s| s.eq_ignore_ascii_case("CERT_NONE") || s.eq_ignore_ascii_case("NONE"))
        || ref_qualname(value)
            .is_some_and(|q| q == "ssl.CERT_NONE" || q == "ssl.VerifyMode.CERT_NONE")
}

fn report<'r>(
    ctx: &Context,
    call: &Call,
    setting: &Keyword,
    name: &str,
    out: &'r mut Reporter,
) -> &'r mut crate::Hit {
    out.report(
        call.span,
        format!("`{name}` is called with `{}`, so it accepts any certificate and the connection can be intercepted.", ctx.code(setting.span)),
        format!("Remove `{}` from `{name}` so the certificate is checked; for a private CA pass its bundle path (for example `verify=\"/path/to/ca.pem\"`) instead.", ctx.code(setting.span)),
    )
}

fn check_assign(_ctx: &Context, assign: &Assign, out: &mut Reporter) {
    if !is_false_literal(Some(&assign.value)) {
        return;
    }
    for target in &assign.targets {
        if target.name != "verify" || !target.path.contains('.') {
            continue;
        }
        let owner = target.owner.as_deref().unwrap_or("");
        let known = VERIFY_CLIENTS.contains(&owner) && owner.ends_with("()");
        let object = target.path.rsplit_once('.').map_or("", |(o, _)| o);
        let named = object.rsplit('.').next().is_some_and(|o| {
            o.to_ascii_lowercase().contains("session") || o.to_ascii_lowercase().contains("client")
        });
        if !(known || owner.is_empty() && named) {
            continue;
        }
        let hit = out.report(
            assign.span,
            format!("`{} = False` turns off certificate checks for every request made through `{object}`, so its connections can be intercepted.", target.path),
            format!("Remove `{} = False`; for a private CA set `{}` to the CA bundle path instead.", target.path, target.path),
        );
        if !known {
            hit.confidence(Confidence::Medium);
        }
    }
}
