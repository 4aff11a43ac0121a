//! PY506 `lxml-entity-resolution`: lxml parsing set up to resolve external entities.

use super::common::is_fixed_input;
use crate::helpers::{call_name, is_falsy, is_truthy, quote};
use crate::{Context, Hooks, Reporter, Rule};
use secrev_core::{Category, Confidence, RuleDocs, RuleInfo, Severity};
use secrev_ir::Call;

pub(crate) static RULE: Rule = Rule {
    info: RuleInfo {
        id: "PY506",
        name: "lxml-entity-resolution",
        title: "lxml parser that resolves external entities",
        cwe: 611,
        category: Category::InsecureConfig,
        severity: Severity::High,
        confidence: Confidence::High,
        docs: RuleDocs {
            what: "Finds `lxml.etree.XMLParser(...)` and `lxml.etree.iterparse(...)` with \
                   `resolve_entities=True` (high confidence), or with `no_network=False`, \
                   `load_dtd=True` or `huge_tree=True` and no `resolve_entities=False` (medium \
                   confidence), and `lxml.etree.parse` / `fromstring` / `XML` / `iterparse` on \
                   non-constant input with lxml's default parser, i.e. no `parser=` argument (low \
                   confidence, medium severity).",
            why: "An entity declared as `<!ENTITY x SYSTEM \"file:///etc/passwd\">` makes the parser \
                  read a local file (or fetch a URL when `no_network=False`) and put its content in \
                  the document, where the application may echo it back: XML external entity \
                  injection. lxml before 5.0 resolved external entities with its default parser; lxml \
                  5.0 changed the default of `resolve_entities` to `'internal'`, which is why \
                  default-parser calls are reported at low confidence: they are exposed only where \
                  an older lxml is installed. `huge_tree=True` also lifts libxml2's limits on entity \
                  expansion.",
            example: "parser = etree.XMLParser(resolve_entities=True)\ndoc = etree.fromstring(body, parser)",
            fix: "parser = etree.XMLParser(resolve_entities=False, no_network=True)\ndoc = etree.fromstring(body, parser)",
            references: &[
                "https://cwe.mitre.org/data/definitions/611.html",
                "https://lxml.de/api/lxml.etree.XMLParser-class.html",
                "https://lxml.de/5.0/changes-5.0.0.html",
            ],
        },
    },
    hooks: Hooks {
        call: Some(check),
        ..Hooks::NONE
    },
};

/// Parsing functions that fall back to lxml's default parser, with their input and parser
/// parameters.
const DEFAULT_PARSER_CALLS: &[(&str, &str)] = &[
    ("lxml.etree.parse", "source"),
    ("lxml.etree.fromstring", "text"),
    ("lxml.etree.XML", "text"),
];

fn check(ctx: &Context, call: &Call, out: &mut Reporter) {
    let name = call_name(call);
    let is_parser = call.is_any(&["lxml.etree.XMLParser", "lxml.etree.XMLPullParser"]);
    let is_iterparse = call.is_any(&["lxml.etree.iterparse"]);
    if is_parser || is_iterparse {
        let made = if is_parser { "is created" } else { "is called" };
        let resolve = call.keyword("resolve_entities");
        if is_truthy(resolve) && resolve.and_then(|v| v.as_str()).is_none() {
            out.report(
                call.span,
                format!("`{name}` {made} with `resolve_entities=True`, so documents it parses can pull local files (or URLs) into their content through external entities."),
                format!("Set `resolve_entities=False` in this `{name}` call (keep `no_network=True`)."),
            );
            return;
        }
        if resolve.is_some() {
            // `False`, `'internal'`, or something not constant: the author chose.
            return;
        }
        let risky: Vec<(&str, &str)> = [
            (
                "no_network=False",
                "external entities may fetch URLs",
                is_falsy(call.keyword("no_network")),
            ),
            (
                "load_dtd=True",
                "external DTDs are read from paths the document names",
                is_truthy(call.keyword("load_dtd")),
            ),
            (
                "huge_tree=True",
                "libxml2's limits on entity expansion are lifted",
                is_truthy(call.keyword("huge_tree")),
            ),
        ]
        .into_iter()
        .filter_map(|(option, effect, set)| set.then_some((option, effect)))
        .collect();
        if !risky.is_empty() {
            let options: Vec<&str> = risky.iter().map(|(o, _)| *o).collect();
            let effects: Vec<&str> = risky.iter().map(|(_, e)| *e).collect();
            out.report(
                call.span,
                format!("`{name}` {made} with `{}` and without `resolve_entities=False`: {} while parsing untrusted documents, and lxml before 5.0 also resolves external entities to local files.", options.join("`, `"), effects.join(", ")),
                format!("Add `resolve_entities=False` to this `{name}` call and drop `{}` unless every parsed document is trusted.", options.join("`, `")),
            )
            .confidence(Confidence::Medium);
            return;
        }
        if !is_iterparse {
            return;
        }
    }
    let param = if is_iterparse {
        "source"
    } else {
        match DEFAULT_PARSER_CALLS.iter().find(|(q, _)| call.is_any(&[q])) {
            Some(&(_, param)) => param,
            None => return,
        }
    };
    let Some(document) = call.arg(0, param) else {
        return;
    };
    if is_fixed_input(document) || (!is_iterparse && call.arg(1, "parser").is_some()) {
        return;
    }
    out.report(
        call.span,
        format!("`{name}` parses {} with lxml's default parser, which resolves external entities in lxml versions before 5.0, letting the document read local files.", quote(ctx, document)),
        format!("Pass `parser=lxml.etree.XMLParser(resolve_entities=False, no_network=True)` to this `{name}` call (or require lxml >= 5.0)."),
    )
    .severity(Severity::Low)
    .confidence(Confidence::Low);
}
