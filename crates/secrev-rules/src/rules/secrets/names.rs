//! The one place that decides whether a name holds a secret and whether a constant string looks
//! like a real credential. Shared by the secrets rules (PY401-PY406) and by the crypto rules that
//! ask whether a value is security relevant (PY301, PY305).
//!
//! Names are split into lowercase words on `_`, `-`, `.`, digits and camelCase boundaries
//! (`dbPassword` → `db password`, `APIKey` → `api key`). A name *holds* a secret when it contains a
//! secret word (`password`, `token`, `api key`...) and no word after the last one says the name
//! describes the secret instead of holding it (`password_field`, `token_url`, `secret_name`), and
//! no word before it makes it a flag or a non-secret kind of token (`is_password`, `next_token`,
//! `pad_token`).

use crate::{Context, Hit};
use secrev_core::Confidence;
use secrev_ir::{Value, ValueKind};

/// Splits an identifier, attribute path or key into lowercase words.
pub(crate) fn words(name: &str) -> Vec<String> {
    let chars: Vec<char> = name.chars().collect();
    let mut out = Vec::new();
    let mut current = String::new();
    for (i, &c) in chars.iter().enumerate() {
        if !c.is_alphabetic() {
            if !current.is_empty() {
                out.push(std::mem::take(&mut current));
            }
            continue;
        }
        if c.is_uppercase() && !current.is_empty() {
            let prev = chars[i - 1];
            let next_lower = chars.get(i + 1).is_some_and(|n| n.is_lowercase());
            if prev.is_lowercase() || (prev.is_uppercase() && next_lower) {
                out.push(std::mem::take(&mut current));
            }
        }
        current.extend(c.to_lowercase());
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

/// Words that hold a secret by themselves.
const SECRET_WORDS: &[&str] = &[
    "password",
    "passwords",
    "passwd",
    "pwd",
    "passphrase",
    "passcode",
    "secret",
    "secrets",
    "token",
    "credential",
    "credentials",
    "creds",
    "apikey",
    "apitoken",
    "privatekey",
    "secretkey",
    "accesskey",
    "authtoken",
    "accesstoken",
    "refreshtoken",
    "clientsecret",
    "bearer",
];

/// Words that make `<word> key` a secret key (`api_key`, `signing_key`).
const KEY_QUALIFIERS: &[&str] = &[
    "api",
    "access",
    "private",
    "secret",
    "signing",
    "sign",
    "encryption",
    "encrypt",
    "decryption",
    "master",
    "auth",
    "app",
    "client",
    "session",
    "hmac",
    "jwt",
    "aes",
    "fernet",
    "crypto",
    "cipher",
    "license",
    "webhook",
];

/// Words after the secret word that make the name describe the secret, not hold it.
const DESCRIPTORS: &[&str] = &[
    "uuid",
    "guid",
    "security",
    "usage",
    "uri",
    "field",
    "fields",
    "url",
    "uri",
    "urls",
    "endpoint",
    "path",
    "paths",
    "file",
    "filename",
    "files",
    "dir",
    "directory",
    "name",
    "names",
    "prompt",
    "env",
    "environ",
    "var",
    "variable",
    "header",
    "headers",
    "regex",
    "re",
    "pattern",
    "type",
    "types",
    "kind",
    "label",
    "length",
    "len",
    "size",
    "min",
    "max",
    "minimum",
    "maximum",
    "count",
    "policy",
    "policies",
    "hash",
    "hashed",
    "hasher",
    "hashing",
    "digest",
    "id",
    "ids",
    "arn",
    "ttl",
    "expiry",
    "expires",
    "expire",
    "expiration",
    "expired",
    "timeout",
    "lifetime",
    "age",
    "validity",
    "duration",
    "seconds",
    "minutes",
    "hours",
    "days",
    "template",
    "format",
    "fmt",
    "message",
    "msg",
    "text",
    "help",
    "hint",
    "title",
    "placeholder",
    "error",
    "errors",
    "prefix",
    "suffix",
    "separator",
    "sep",
    "scheme",
    "mode",
    "method",
    "methods",
    "strategy",
    "backend",
    "backends",
    "provider",
    "class",
    "cls",
    "module",
    "store",
    "storage",
    "cache",
    "service",
    "manager",
    "handler",
    "validator",
    "validators",
    "validation",
    "algorithm",
    "algorithms",
    "algo",
    "alg",
    "rounds",
    "iterations",
    "iter",
    "salt",
    "strength",
    "complexity",
    "chars",
    "characters",
    "alphabet",
    "charset",
    "encoding",
    "location",
    "source",
    "cmd",
    "command",
    "query",
    "param",
    "params",
    "parameter",
    "arg",
    "args",
    "argument",
    "key",
    "keys",
    "column",
    "col",
    "attr",
    "attribute",
    "widget",
    "form",
    "input",
    "view",
    "route",
    "page",
    "version",
    "attempts",
    "retries",
    "limit",
    "bits",
    "digits",
    "required",
    "enabled",
    "changed",
    "reset",
    "description",
    "desc",
    "doc",
    "owner",
    "callback",
    "hook",
    "func",
    "function",
    "fn",
    "getter",
    "setter",
    "loader",
    "reader",
    "parser",
    "generator",
    "factory",
    "schema",
    "model",
    "serializer",
    "status",
    "state",
    "exists",
    "valid",
    "invalid",
    "used",
    "usage",
    "tag",
    "tags",
    "ref",
    "reference",
    "lookup",
    "map",
    "mapping",
    "index",
    "idx",
    "offset",
    "metric",
    "metrics",
    "counter",
    "stats",
    "log",
    "logger",
    "event",
    "topic",
    "queue",
    "channel",
    "table",
    "db",
    "option",
    "options",
    "flag",
    "setting",
    "settings",
    "spec",
    "ui",
    "box",
    "button",
    "dialog",
    "entry",
    "selector",
    "locator",
    "xpath",
    "css",
    "number",
];

/// Words before the secret word that make the name a flag, an action or a non-credential token.
const NEGATING_PREFIXES: &[&str] = &[
    "page",
    "next",
    "prev",
    "previous",
    "continuation",
    "pagination",
    "cursor",
    "sync",
    "pad",
    "eos",
    "bos",
    "unk",
    "sep",
    "cls",
    "mask",
    "start",
    "end",
    "eof",
    "special",
    "stop",
    "is",
    "has",
    "use",
    "uses",
    "should",
    "can",
    "must",
    "allow",
    "enable",
    "disable",
    "require",
    "requires",
    "required",
    "show",
    "hide",
    "no",
    "num",
    "max",
    "min",
    "forgot",
    "forgotten",
    "invalid",
    "wrong",
    "missing",
    "incorrect",
    "bad",
    "empty",
    "expired",
    "weak",
    "check",
    "validate",
    "get",
    "set",
    "ask",
    "prompt",
    "read",
    "load",
    "fetch",
    "enter",
    "input",
    "lexer",
    "parse",
    "parser",
    "last",
    "current",
];

/// What a secret-looking name was recognised as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SecretKind {
    /// A password, secret, key or credential.
    Strong,
    /// A bare `token`: often a credential, but also a lexer, NLP or pagination token.
    BareToken,
}

/// Finds the last secret word of `ws` (index of its last word) and what kind it is.
fn last_secret(ws: &[String], extra: &[&str]) -> Option<(usize, usize, SecretKind)> {
    let mut found = None;
    for i in 0..ws.len() {
        let w = ws[i].as_str();
        let prev = i.checked_sub(1).map(|p| ws[p].as_str());
        let qualified_key = w == "key" && prev.is_some_and(|p| KEY_QUALIFIERS.contains(&p));
        if qualified_key || (w == "secret" && prev == Some("client")) {
            found = Some((i - 1, i, SecretKind::Strong));
        } else if w == "token" {
            let qualified = prev.is_some_and(|p| {
                matches!(
                    p,
                    "auth"
                        | "access"
                        | "api"
                        | "refresh"
                        | "bearer"
                        | "id"
                        | "session"
                        | "oauth"
                        | "csrf"
                        | "xsrf"
                        | "github"
                        | "gitlab"
                        | "slack"
                        | "bot"
                        | "personal"
                        | "reset"
                        | "verify"
                        | "verification"
                        | "secret"
                        | "service"
                        | "private"
                        | "app"
                        | "client"
                        | "jwt"
                        | "security"
                        | "admin"
                        | "master"
                        | "webhook"
                        | "hf"
                        | "pypi"
                        | "npm"
                        | "docker"
                )
            });
            let kind = if qualified {
                SecretKind::Strong
            } else {
                SecretKind::BareToken
            };
            let start = if qualified { i - 1 } else { i };
            found = Some((start, i, kind));
        } else if SECRET_WORDS.contains(&w)
            || extra.contains(&w)
            || ((w == "pass" || w == "pw") && i > 0)
        {
            found = Some((i, i, SecretKind::Strong));
        }
    }
    found
}

/// Stems that every secret word (and every `pass`/`pw`/`<qualifier> key` form) contains: a
/// name with none of them cannot classify as a secret, and most names have none, so this check
/// saves splitting them into words.
const SECRET_STEMS: &[&str] = &["pass", "pw", "secret", "token", "cred", "key", "bearer"];

fn classify(name: &str, extra: &[&str]) -> Option<SecretKind> {
    let lower = name.to_ascii_lowercase();
    if !SECRET_STEMS
        .iter()
        .chain(extra)
        .any(|stem| lower.contains(stem))
    {
        return None;
    }
    let ws = words(name);
    let (start, end, kind) = last_secret(&ws, extra)?;
    if ws[end + 1..]
        .iter()
        .any(|w| DESCRIPTORS.contains(&w.as_str()))
    {
        return None;
    }
    if ws[..start]
        .iter()
        .any(|w| NEGATING_PREFIXES.contains(&w.as_str()))
    {
        return None;
    }
    Some(kind)
}

/// Whether a variable, attribute, parameter or key called `name` holds a secret.
pub(crate) fn secret_kind(name: &str) -> Option<SecretKind> {
    classify(name, &[])
}

/// [`secret_kind`] as a yes/no.
pub(crate) fn is_secret_name(name: &str) -> bool {
    secret_kind(name).is_some()
}

/// Whether a name holds a value that must be unpredictable: a secret, or a nonce, salt, one-time
/// code, session id or reset code (what `random` must not produce).
pub(crate) fn is_unguessable_name(name: &str) -> Option<SecretKind> {
    if let Some(kind) = classify(
        name,
        &[
            "nonce", "salt", "otp", "totp", "hotp", "csrf", "xsrf", "iv", "sid", "pin",
        ],
    ) {
        // A bare `pin` is a GPIO pin more often than a PIN code.
        let ws = words(name);
        if ws.iter().all(|w| w != "pin") || ws.iter().any(|w| w == "code" || w == "login") {
            return Some(kind);
        }
        if ws
            .iter()
            .any(|w| w != "pin" && SECRET_WORDS.contains(&w.as_str()))
        {
            return Some(kind);
        }
    }
    let ws = words(name);
    for (i, w) in ws.iter().enumerate() {
        let prev = i.checked_sub(1).map(|p| ws[p].as_str());
        let hit = match w.as_str() {
            "code" | "codes" => prev.is_some_and(|p| {
                matches!(
                    p,
                    "reset"
                        | "verification"
                        | "verify"
                        | "confirm"
                        | "confirmation"
                        | "activation"
                        | "auth"
                        | "otp"
                        | "mfa"
                        | "login"
                        | "access"
                        | "invite"
                        | "invitation"
                        | "recovery"
                        | "security"
                        | "sms"
                        | "email"
                        | "backup"
                        | "pairing"
                        | "unlock"
                        | "captcha"
                )
            }),
            "id" | "key" => prev == Some("session"),
            _ => false,
        };
        if hit
            && !ws[i + 1..]
                .iter()
                .any(|w| DESCRIPTORS.contains(&w.as_str()) && w != "id" && w != "key")
            && !ws[..i]
                .iter()
                .any(|w| NEGATING_PREFIXES.contains(&w.as_str()))
        {
            return Some(SecretKind::Strong);
        }
    }
    None
}

/// Words that make code security relevant when they appear in a name near a hash or a random
/// number: secrets, signatures, authentication.
const SECURITY_WORDS: &[&str] = &[
    "signature",
    "sign",
    "signed",
    "signing",
    "hmac",
    "auth",
    "authenticate",
    "authentication",
    "authorize",
    "login",
    "nonce",
    "salt",
    "otp",
    "credential",
    "credentials",
];

/// Whether a name (of a variable, a function, a key) mentions something security relevant, even
/// if it only describes it (`password_hash`, `sign_request`, `auth_token_key`).
pub(crate) fn mentions_security(name: &str) -> bool {
    let ws = words(name);
    // A bare `token` is as often a word of text (NLP, lexers) as a credential.
    if let Some((_, _, SecretKind::Strong)) = last_secret(&ws, SECURITY_WORDS) {
        return true;
    }
    ws.iter().any(|w| SECURITY_WORDS.contains(&w.as_str()))
}

/// Whether a name belongs to a variable or constant written in upper case (`DB_PASSWORD`).
pub(crate) fn is_upper_constant(name: &str) -> bool {
    let last = name.rsplit('.').next().unwrap_or(name);
    last.chars().any(char::is_alphabetic) && !last.chars().any(char::is_lowercase)
}

/// How convincing a constant string is as a credential.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Credential {
    /// A plausible human-chosen password (`hunter2`, `changeme`, `admin`).
    Plausible,
    /// Long and mixed enough to be a generated key or token.
    Random,
}

/// Classifies a constant string held by the secret-looking name `name`: `None` when it is not a
/// credential at all (empty, a placeholder, a mask, a template, an environment variable name, a
/// path, a URL, a message, or the name of a field).
pub(crate) fn credential_value(name: &str, value: &str) -> Option<Credential> {
    let v = value.trim();
    if v.chars().count() < 4 || v.chars().any(char::is_whitespace) {
        return None;
    }
    let lower = v.to_lowercase();
    // Masks and placeholders: `****`, `xxxxxx`, `<token>`, `your-api-key-here`, `${DB_PASS}`.
    if v.chars().all(|c| "*xX.#-_?•0".contains(c)) {
        return None;
    }
    let first = v.chars().next().unwrap_or(' ');
    if v.chars().all(|c| c == first) {
        return None;
    }
    if (v.starts_with('<') && v.ends_with('>')) || (v.starts_with('[') && v.ends_with(']')) {
        return None;
    }
    const PLACEHOLDERS: &[&str] = &[
        "your",
        "example",
        "placeholder",
        "dummy",
        "redacted",
        "xxx",
        "**",
        "...",
        "fixme",
        "todo",
        "replace",
        "insert",
        "fake",
        "sample",
        "notreal",
        "not-real",
        "not_real",
        "here",
        "undefined",
        "<",
        ">",
    ];
    if PLACEHOLDERS.iter().any(|p| lower.contains(p)) {
        return None;
    }
    if matches!(
        lower.as_str(),
        "none"
            | "null"
            | "nil"
            | "true"
            | "false"
            | "required"
            | "optional"
            | "hidden"
            | "unset"
            | "string"
            | "integer"
            | "boolean"
            | "number"
            | "object"
            | "varchar"
            | "text"
            | "char"
            | "bytes"
            | "masked"
            | "sensitive"
            | "write_only"
            | "writeonly"
    ) {
        return None;
    }
    // Regular expressions (lexers and validators name their patterns `*_token`).
    if ["\\w", "\\d", "\\s", "\\b", "[^", "(?", ".*", ".+", "\\("]
        .iter()
        .any(|p| v.contains(p))
    {
        return None;
    }
    // Templates and references to other configuration.
    if v.starts_with('$')
        || v.contains("${")
        || v.contains("$(")
        || v.contains("{{")
        || v.contains("%s")
        || v.contains("%(")
        || v.contains("%d")
        || (v.contains('{') && v.contains('}'))
    {
        return None;
    }
    // An environment variable name: `DB_PASSWORD`, `GITHUB_TOKEN`.
    let env_like = v.contains('_')
        && first.is_ascii_uppercase()
        && v.chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
        && !v.ends_with('_');
    if env_like {
        return None;
    }
    // Paths and URLs.
    if v.starts_with('/')
        || v.starts_with("./")
        || v.starts_with("../")
        || v.starts_with("~/")
        || v.starts_with('\\')
        || v.contains("://")
        || v.get(1..3) == Some(":\\")
    {
        return None;
    }
    const EXTENSIONS: &[&str] = &[
        ".pem",
        ".key",
        ".json",
        ".txt",
        ".yaml",
        ".yml",
        ".env",
        ".cfg",
        ".ini",
        ".crt",
        ".p12",
        ".pfx",
        ".der",
        ".conf",
        ".toml",
        ".db",
        ".gpg",
        ".asc",
        ".jks",
        ".keystore",
    ];
    if EXTENSIONS.iter().any(|e| lower.ends_with(e)) {
        return None;
    }
    // The name of a field or header rather than its value: `"api_key"`, `"X-Auth-Token"`, or a
    // constant whose value is its own name (`PASSWORD = "password"`).
    let is_identifier = v
        .chars()
        .all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.' | ':'));
    if is_identifier {
        match names_a_secret(v) {
            Some(true) => return None,
            Some(false) if is_upper_constant(name) || same_words(name, v) => return None,
            _ => {}
        }
    }
    if same_words(name, v) {
        return None;
    }
    // `STYLE_LOGIN_PASSWORD = "basic_auth"`: an upper-case constant holding a snake_case
    // identifier is an enumeration value naming a kind of credential, not the credential.
    if is_upper_constant(name)
        && v.contains('_')
        && v.chars().all(|c| c.is_ascii_lowercase() || c == '_')
    {
        return None;
    }
    // HTTP header names and auth schemes (`AUTH_TOKEN = "Authorization"`), and single
    // capitalised words used as labels by upper-case constants (`PASSWORD_TITLE = "Password"`).
    if matches!(
        lower.as_str(),
        "authorization"
            | "proxy-authorization"
            | "bearer"
            | "basic"
            | "digest"
            | "cookie"
            | "set-cookie"
    ) || (is_upper_constant(name)
        && first.is_uppercase()
        && v.chars().skip(1).all(|c| c.is_lowercase()))
    {
        return None;
    }
    // Values a bare `token` takes that are not credentials: words, punctuation, short codes.
    let classes = [
        v.chars().any(|c| c.is_ascii_lowercase()),
        v.chars().any(|c| c.is_ascii_uppercase()),
        v.chars().any(|c| c.is_ascii_digit()),
        v.chars().any(|c| !c.is_alphanumeric()),
    ]
    .iter()
    .filter(|b| **b)
    .count();
    let len = v.chars().count();
    let digits = v.chars().any(|c| c.is_ascii_digit());
    let letters = v.chars().any(char::is_alphabetic);
    if (len >= 16 && classes >= 2 && digits && letters) || (len >= 32 && !is_identifier_word(v)) {
        Some(Credential::Random)
    } else {
        Some(Credential::Plausible)
    }
}

/// Whether a bare `token` value looks like a credential (long, not a plain word).
pub(crate) fn token_like(value: &str) -> bool {
    let v = value.trim();
    v.chars().count() >= 8
        && (v.chars().any(|c| c.is_ascii_digit())
            || (v.chars().any(char::is_uppercase) && v.chars().any(char::is_lowercase))
            || v.chars().count() >= 20)
        && !is_identifier_word(v)
}

/// Whether a string is a plain lowercase word or snake/kebab identifier (`access_token`).
fn is_identifier_word(v: &str) -> bool {
    v.chars()
        .all(|c| c.is_ascii_lowercase() || c == '_' || c == '-')
}

/// Whether an identifier-like `value` names a secret (a field, header, key or error code) rather
/// than being one: `Some(true)` when it surely does (`api_key`, `password_invalid`,
/// `X-Api-Key`, `user.password`, `apiKey`), `Some(false)` for a bare secret word (`password`),
/// which is a name only in some places, and `None` otherwise (`super-secret-dev-key`).
fn names_a_secret(value: &str) -> Option<bool> {
    let ws = words(value);
    let (_, end, _) = last_secret(&ws, &[])?;
    let at_end = end + 1 == ws.len();
    let upper = value.chars().any(char::is_uppercase);
    if value.contains('_') && !value.contains('-') || value.contains(['.', ':']) {
        Some(true)
    } else if value.contains('-') {
        (at_end && (upper || value.to_lowercase().starts_with("x-"))).then_some(true)
    } else if ws.len() > 1 || upper {
        at_end.then_some(true)
    } else {
        Some(false)
    }
}

/// Whether two names are the same words (`DB_PASSWORD` and `db-password`).
fn same_words(a: &str, b: &str) -> bool {
    let (a, b) = (words(a), words(b));
    !a.is_empty() && a == b
}

/// The name a value is known by, for asking whether it holds a secret: the last segment of a
/// reference (`password` in `self.password`), the constant key of a subscript
/// (`request.form["password"]`) or of a `.get("password")` lookup, looking through `.strip()` and
/// similar methods that return the same text.
pub(crate) fn value_name(value: &Value) -> Option<&str> {
    match &value.kind {
        ValueKind::Ref { path, .. } => path.rsplit('.').next(),
        ValueKind::Operation { op: "[]", operands } => operands.get(1).and_then(Value::as_str),
        ValueKind::Call(call) => {
            let method = call.callee.method.as_deref()?;
            match method {
                "get" | "getlist" | "pop" | "getenv" => call.args.first().and_then(Value::as_str),
                "strip" | "lower" | "upper" | "encode" | "decode" | "rstrip" | "lstrip" => {
                    call.callee.receiver.as_deref().and_then(value_name)
                }
                _ => None,
            }
        }
        _ => None,
    }
}

/// The constant string a secret-looking `name` is given by `value`, when it is one written in the
/// code and it looks like a credential. A name bound to a constant is followed only when that
/// name does not look secret itself (its own assignment is reported there). With `by_name`, a
/// value that merely repeats the name (`PASSWORD = "password"`) is not a credential.
pub(crate) fn hardcoded_secret(name: &str, value: &Value, by_name: bool) -> Option<Credential> {
    let kind = secret_kind(name)?;
    let text = match &value.kind {
        ValueKind::Str(s) => s.as_str(),
        ValueKind::Ref {
            path,
            bound: Some(_),
            ..
        } if !is_secret_name(path) => value.as_str()?,
        _ => return None,
    };
    let strength = credential_value(if by_name { name } else { "" }, text)?;
    if kind == SecretKind::BareToken && !token_like(text) {
        return None;
    }
    Some(strength)
}

/// A constant string shown in a message without repeating the secret: its first two characters.
pub(crate) fn redact(value: &Value) -> String {
    let text = value.as_str().unwrap_or_default();
    let shown: String = text.chars().take(2).collect();
    let hidden = text.chars().count().saturating_sub(2).min(6);
    format!("\"{shown}{}\"", "*".repeat(hidden))
}

/// Whether hard-coded credentials are worth reporting in this file: in test files they are
/// fixtures (`password="secret123"`, `auth_token="bff4a5a6..."`), and in documentation and
/// examples placeholders for the reader's own (`db.setPassword("1uTbSbAs")` in a Qt snippet),
/// not secrets.
pub(crate) fn reportable(ctx: &Context, _strength: Credential) -> bool {
    !crate::helpers::is_test_path(ctx.path) && !crate::helpers::is_documentation_path(ctx.path)
}

/// Sets the confidence of a hard-coded credential finding: a random-looking value is surely a
/// real credential.
pub(crate) fn grade(_ctx: &Context, hit: &mut Hit, strength: Credential) {
    if strength == Credential::Random {
        hit.confidence(Confidence::High);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_words() {
        assert_eq!(words("dbPassword"), ["db", "password"]);
        assert_eq!(words("APIKey"), ["api", "key"]);
        assert_eq!(
            words("AWS_SECRET_ACCESS_KEY"),
            ["aws", "secret", "access", "key"]
        );
        assert_eq!(words("self.api_key2"), ["self", "api", "key"]);
    }

    #[test]
    fn recognises_secret_names() {
        for name in [
            "password",
            "DB_PASSWORD",
            "self.password",
            "smtp_pass",
            "api_key",
            "apiKey",
            "SECRET_KEY",
            "client_secret",
            "aws_secret_access_key",
            "auth_token",
            "GITHUB_TOKEN",
            "private_key",
            "credentials",
            "new_password",
            "default_password",
        ] {
            assert!(is_secret_name(name), "{name}");
        }
        for name in [
            "password_field",
            "token_url",
            "PASSWORD_MIN_LENGTH",
            "secret_name",
            "password_prompt",
            "token_env",
            "key_file",
            "private_key_path",
            "auth_header",
            "password_regex",
            "token_type",
            "next_page_token",
            "pad_token",
            "is_password",
            "key",
            "bypass",
            "passenger",
            "tokens_used",
            "api_key_header",
            "monkey",
        ] {
            assert!(!is_secret_name(name), "{name}");
        }
        assert_eq!(secret_kind("token"), Some(SecretKind::BareToken));
        assert_eq!(secret_kind("access_token"), Some(SecretKind::Strong));
    }

    #[test]
    fn unguessable_names() {
        for name in [
            "nonce",
            "reset_code",
            "session_id",
            "otp",
            "salt",
            "csrf_token",
            "pin_code",
        ] {
            assert!(is_unguessable_name(name).is_some(), "{name}");
        }
        for name in [
            "delay",
            "pin",
            "code",
            "nonce_size",
            "sample",
            "session_count",
        ] {
            assert!(is_unguessable_name(name).is_none(), "{name}");
        }
    }

    #[test]
    fn credential_values() {
        assert_eq!(
            credential_value("password", "hunter2"),
            Some(Credential::Plausible)
        );
        assert_eq!(
            credential_value("password", "changeme"),
            Some(Credential::Plausible)
        );
        assert_eq!(
            credential_value("api_key", "sk_live_4eC39HqLyjWDarjtT1zdp7dc"),
            Some(Credential::Random)
        );
        assert_eq!(
            credential_value("secret_key", "super-secret-dev-key"),
            Some(Credential::Plausible)
        );
        assert_eq!(
            credential_value("SECRET_KEY", "staging-secret-key"),
            Some(Credential::Plausible)
        );
        for (name, value) in [
            ("password", ""),
            ("PASSWORD", "password"),
            ("TOKEN", "token"),
            ("token", "token"),
            ("API_KEY", "X-Api-Key"),
            ("api_key_name", "x-api-key"),
            ("ERRORS", "password_invalid"),
            ("password", "DB_PASSWORD"),
            ("password", "{user}:{pw}"),
            ("password", "%s"),
            ("password", "********"),
            ("api_key", "<your-api-key>"),
            ("api_key", "your-api-key-here"),
            ("secret", "/etc/app/secret.txt"),
            ("token", "https://auth.example.com/token"),
            ("password", "Enter your password:"),
            ("password", "${DB_PASSWORD}"),
            ("AUTH_TOKEN", "Authorization"),
            ("jsonnet_token", "[^\\W\\d]\\w*"),
        ] {
            assert_eq!(credential_value(name, value), None, "{name} = {value:?}");
        }
    }
}
