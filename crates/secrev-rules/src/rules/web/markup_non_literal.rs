//! PY605 `markup-non-literal`: a non-constant string marked as safe HTML.

use crate::helpers::{call_name, provenance, quote, Provenance};
use crate::{Context, Hooks, Reporter, Rule};
use secrev_core::{Category, Confidence, RuleDocs, RuleInfo, Severity};
use secrev_ir::{BuildKind, Call, Part, Value, ValueKind};

pub(crate) static RULE: Rule = Rule {
    info: RuleInfo {
        id: "PY605",
        name: "markup-non-literal",
        title: "Non-constant string marked safe for HTML",
        cwe: 79,
        category: Category::Injection,
        severity: Severity::High,
        confidence: Confidence::High,
        docs: RuleDocs {
            what: "Finds `markupsafe.Markup(...)` (also reached as `flask.Markup` and \
                   `jinja2.Markup`) and Django's `mark_safe`, `SafeString` and `SafeText` applied \
                   to a value that is not a constant. A string built at run time (`+`, `%`, \
                   `.format`, f-string) is reported with high confidence, any other value (a \
                   parameter, an attribute, a call's result, a `sep.join(items)` whose items are \
                   not visible) with medium confidence. Constants, \
                   and values that come straight from an escaping or rendering function \
                   (`escape`, `conditional_escape`, `format_html`, `render_template`, \
                   `render_to_string`, ...), are not reported.",
            why: "Marking a string safe tells the template engine to skip autoescaping for it. If \
                  any part of that string comes from a user, HTML and script in it reach other \
                  visitors' browsers verbatim (cross-site scripting), even though the templates \
                  themselves escape everything else.",
            example: "return Markup(\"<b>%s</b>\" % username)",
            fix: "return Markup(\"<b>%s</b>\") % username  # Markup's % escapes the argument",
            references: &[
                "https://cwe.mitre.org/data/definitions/79.html",
                "https://markupsafe.palletsprojects.com/en/stable/escaping/",
                "https://docs.djangoproject.com/en/stable/ref/utils/#django.utils.safestring.mark_safe",
            ],
        },
    },
    hooks: Hooks {
        call: Some(check),
        ..Hooks::NONE
    },
};

const MARK_SAFE: &[&str] = &[
    "markupsafe.Markup",
    "flask.Markup",
    "jinja2.Markup",
    "jinja2.utils.Markup",
    "django.utils.safestring.mark_safe",
    "django.utils.html.mark_safe",
    "django.utils.safestring.SafeString",
    "django.utils.safestring.SafeText",
];

/// Functions whose result is escaped (or otherwise safe) HTML, or not text at all.
const SAFE_PRODUCERS: &[&str] = &[
    "escape",
    "escape_silent",
    "conditional_escape",
    "format_html",
    "format_html_join",
    "flatatt",
    "escapejs",
    "json_script",
    "clean",
    "linkify",
    "quote",
    "quote_plus",
    "urlencode",
    "render_template",
    "render_to_string",
    "render",
    "int",
    "len",
    "float",
    "Markup",
    "mark_safe",
];

/// Text in a value's source that shows the pieces were escaped (for generator expressions the
/// representation cannot look into).
const ESCAPING_TEXT: &[&str] = &["escape(", "format_html(", "format_html_join("];

fn check(ctx: &Context, call: &Call, out: &mut Reporter) {
    if !call.is_any(MARK_SAFE) {
        return;
    }
    let Some(value) = call.args.first().or_else(|| {
        call.keywords
            .iter()
            .find(|k| matches!(k.name.as_str(), "base" | "object" | "s"))
            .map(|k| &k.value)
    }) else {
        return;
    };
    let name = call_name(call);
    let shown = quote(ctx, value);
    // `sep.join(items)`: the pieces are not visible, which makes it as opaque as a variable.
    let joined = matches!(
        value.resolved().kind,
        ValueKind::Build {
            kind: BuildKind::Join,
            ..
        }
    );
    match provenance(value) {
        Provenance::Constant => {}
        Provenance::Built if !joined => {
            if built_from_safe_parts(ctx, value) {
                return;
            }
            out.report(
                call.span,
                format!("`{name}` marks the string built at run time {shown} as safe HTML, so markup in its variable parts is rendered unescaped."),
                format!("Escape the variable parts instead of trusting them: build it with `Markup(\"...\").format(...)` / `Markup(\"...\") % ...` or Django's `format_html(...)`, which escape each argument, rather than `{name}` on a built string."),
            );
        }
        Provenance::Built | Provenance::Opaque => {
            if is_safe_producer(value)
                || mentions_escaping(ctx, value)
                || (joined && built_from_safe_parts(ctx, value))
            {
                return;
            }
            out.report(
                call.span,
                format!("`{name}` marks {shown} as safe HTML without escaping it; if it can hold user text, markup in it is rendered unescaped."),
                format!("Pass {shown} through `escape(...)` (or build the HTML with `format_html(...)` / `Markup(...).format(...)`) instead of marking it safe with `{name}`."),
            )
            .severity(Severity::Medium)
            .confidence(Confidence::Medium);
        }
    }
}

/// The last segment of a call's name.
fn called_name(call: &Call) -> &str {
    let full = call
        .callee
        .qualname
        .as_deref()
        .unwrap_or(call.callee.text.as_str());
    full.rsplit('.').next().unwrap_or(full)
}

fn is_safe_producer(value: &Value) -> bool {
    value
        .as_call()
        .is_some_and(|c| SAFE_PRODUCERS.contains(&called_name(c)))
}

fn mentions_escaping(ctx: &Context, value: &Value) -> bool {
    let text = ctx.text(value.span);
    ESCAPING_TEXT.iter().any(|t| text.contains(t))
}

/// The values a piece can take: the branches of a `one of`, or the piece itself.
fn alternatives(value: &Value) -> Vec<&Value> {
    match &value.resolved().kind {
        ValueKind::Operation {
            op: "one of",
            operands,
        } => operands.iter().collect(),
        _ => vec![value],
    }
}

/// Translation functions: their result is a translator's rendering of a constant message.
const TRANSLATORS: &[&str] = &[
    "_",
    "gettext",
    "gettext_lazy",
    "ugettext",
    "ugettext_lazy",
    "pgettext",
    "pgettext_lazy",
    "ngettext",
    "ngettext_lazy",
];

/// `_("This instance is locked.")`: the text of a constant message, chosen by the developers and
/// their translators, not by users.
fn is_translated_constant(value: &Value) -> bool {
    value.as_call().is_some_and(|c| {
        TRANSLATORS.contains(&called_name(c))
            && !c.args.is_empty()
            && c.args.iter().all(Value::is_constant)
    })
}

/// Whether every non-constant piece of a built string is escaped (or a number).
fn built_from_safe_parts(ctx: &Context, value: &Value) -> bool {
    let ValueKind::Build { parts, .. } = &value.resolved().kind else {
        return false;
    };
    parts.iter().all(|part| match part {
        Part::Lit(_) => true,
        Part::Hole(v) => alternatives(v).into_iter().all(|v| {
            v.is_constant()
                || matches!(v.resolved().kind, ValueKind::Operation { op: "number", .. })
                || is_safe_producer(v)
                || is_translated_constant(v)
                || (matches!(v.resolved().kind, ValueKind::Unknown) && mentions_escaping(ctx, v))
        }),
    })
}
