//! PY604 `jinja2-autoescape-disabled`: a Jinja2 environment or template that renders without
//! HTML escaping.

use crate::helpers::call_name;
use crate::{Context, Hooks, Reporter, Rule};
use secrev_core::{Category, Confidence, RuleDocs, RuleInfo, Severity};
use secrev_ir::{Call, Value, ValueKind};

pub(crate) static RULE: Rule = Rule {
    info: RuleInfo {
        id: "PY604",
        name: "jinja2-autoescape-disabled",
        title: "Jinja2 autoescaping turned off or left off",
        cwe: 79,
        category: Category::Injection,
        severity: Severity::Medium,
        confidence: Confidence::High,
        docs: RuleDocs {
            what: "Finds `jinja2.Environment(...)`, `jinja2.Template(...)` and the sandboxed \
                   environments created with `autoescape=False` (high confidence) or without an \
                   `autoescape` argument, which Jinja2 takes as off (medium confidence). \
                   `autoescape=True`, `select_autoescape(...)` or any non-constant value counts as \
                   on. Severity drops to low when the call shows the output is not HTML: a \
                   string argument naming a non-HTML file (`.txt`, `.sql`, `.yaml`, `.json`, \
                   `.md`, ...) or a folder named after such a kind (`templates/sql`), or a \
                   constant template source without any `<`.",
            why: "Without autoescaping, every `{{ value }}` is inserted into the page verbatim. A \
                  value that carries `<script>` or an event-handler attribute from a user runs as \
                  script in other visitors' browsers (stored or reflected XSS). Relying on `|e` \
                  in each template fails the first time someone forgets it.",
            example: "env = jinja2.Environment(loader=jinja2.FileSystemLoader(\"templates\"))",
            fix: "env = jinja2.Environment(\n    loader=jinja2.FileSystemLoader(\"templates\"),\n    autoescape=jinja2.select_autoescape([\"html\", \"xml\"]),\n)",
            references: &[
                "https://cwe.mitre.org/data/definitions/79.html",
                "https://jinja.palletsprojects.com/en/stable/api/#autoescaping",
            ],
        },
    },
    hooks: Hooks {
        call: Some(check),
        ..Hooks::NONE
    },
};

const ENVIRONMENTS: &[&str] = &[
    "jinja2.Environment",
    "jinja2.environment.Environment",
    "jinja2.sandbox.SandboxedEnvironment",
    "jinja2.sandbox.ImmutableSandboxedEnvironment",
];
const TEMPLATES: &[&str] = &["jinja2.Template", "jinja2.environment.Template"];

/// File endings of templates whose output is not HTML.
const NON_HTML_ENDINGS: &[&str] = &[
    ".txt", ".text", ".sql", ".yaml", ".yml", ".json", ".md", ".ini", ".cfg", ".conf", ".toml",
    ".sh", ".py", ".csv", ".tex", ".rst", ".env",
];

fn check(ctx: &Context, call: &Call, out: &mut Reporter) {
    let is_template = call.is_any(TEMPLATES);
    if !is_template && !call.is_any(ENVIRONMENTS) {
        return;
    }
    let name = call_name(call);
    let explicit = match call.keyword("autoescape") {
        Some(value) => match value.resolved().kind {
            ValueKind::Bool(false) | ValueKind::None => Some(value),
            // True, `select_autoescape(...)`, a callable or a setting: escaping is on or decided
            // elsewhere.
            _ => return,
        },
        // `**options` may carry `autoescape`.
        None if call.star_kwargs => return,
        None => None,
    };
    let non_html = non_html_output(call, is_template);
    if non_html {
        let how = match explicit {
            Some(value) => format!("with `autoescape={}`", ctx.code(value.span)),
            None => "without `autoescape` (off by default)".to_owned(),
        };
        out.report(
            call.span,
            format!("`{name}` is created {how}; its templates look like plain text rather than HTML, so this matters only if one of them renders a web page."),
            format!("If any template of this `{name}` produces HTML, pass `autoescape=select_autoescape([\"html\", \"xml\"])`; otherwise no change is needed."),
        )
        .severity(Severity::Low)
        .confidence(if explicit.is_some() { Confidence::High } else { Confidence::Medium });
        return;
    }
    match explicit {
        Some(value) => {
            out.report(
                call.span,
                format!("`{name}` is created with `autoescape={}`, so values rendered with `{{{{ ... }}}}` are inserted unescaped and HTML or script in them runs in the page.", ctx.code(value.span)),
                format!("Pass `autoescape=select_autoescape([\"html\", \"xml\"])` (or `True`) to this `{name}` call instead of `{}`.", ctx.code(value.span)),
            );
        }
        None => {
            out.report(
                call.span,
                format!("`{name}` is created without `autoescape`, which Jinja2 treats as off: values rendered with `{{{{ ... }}}}` are inserted unescaped and HTML or script in them runs in the page."),
                format!("Add `autoescape=select_autoescape([\"html\", \"xml\"])` (or `autoescape=True`) to this `{name}` call."),
            )
            .confidence(Confidence::Medium);
        }
    }
}

/// Whether the arguments show the rendered text is not HTML.
fn non_html_output(call: &Call, is_template: bool) -> bool {
    if is_template {
        if let Some(source) = call.arg(0, "source").and_then(Value::as_str) {
            return !source.contains('<');
        }
    }
    let mut strings = Vec::new();
    for value in call
        .args
        .iter()
        .chain(call.keywords.iter().map(|k| &k.value))
    {
        collect_strings(value, &mut strings, 0);
    }
    strings.iter().any(|s| {
        let lower = s.to_ascii_lowercase();
        // `digest.txt`, or a template folder named after the kind (`reports/sql`).
        let last = lower.rsplit(['/', '\\']).next().unwrap_or(&lower);
        NON_HTML_ENDINGS
            .iter()
            .any(|e| lower.ends_with(e) || Some(last) == e.strip_prefix('.'))
    })
}

/// Constant strings inside a value (loader calls, lists of names), a few levels deep.
fn collect_strings<'v>(value: &'v Value, out: &mut Vec<&'v str>, depth: u8) {
    if depth > 3 {
        return;
    }
    match &value.resolved().kind {
        ValueKind::Str(s) => out.push(s),
        ValueKind::List(items) | ValueKind::Tuple(items) | ValueKind::Set(items) => {
            for item in items {
                collect_strings(item, out, depth + 1);
            }
        }
        ValueKind::Call(inner) => {
            for v in inner
                .args
                .iter()
                .chain(inner.keywords.iter().map(|k| &k.value))
            {
                collect_strings(v, out, depth + 1);
            }
        }
        _ => {}
    }
}
