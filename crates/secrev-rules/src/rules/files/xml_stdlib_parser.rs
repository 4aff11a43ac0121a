//! PY505 `xml-stdlib-parser`: untrusted XML parsed with a standard-library parser that expands
//! entities.

use super::common::is_fixed_input;
use crate::helpers::{call_name, quote};
use crate::{Context, Hooks, Reporter, Rule};
use secrev_core::{Category, Confidence, RuleDocs, RuleInfo, Severity};
use secrev_ir::{Call, Op, Value};

pub(crate) static RULE: Rule = Rule {
    info: RuleInfo {
        id: "PY505",
        name: "xml-stdlib-parser",
        title: "XML parsed with an entity-expanding standard-library parser",
        cwe: 776,
        category: Category::CrashDos,
        severity: Severity::Medium,
        confidence: Confidence::Medium,
        docs: RuleDocs {
            what: "Finds parsing of non-constant XML with the standard library: `xml.etree.ElementTree` \
                   (and `cElementTree`) `parse`, `fromstring`, `fromstringlist`, `XML`, `iterparse`, \
                   `xml.dom.minidom` / `xml.dom.pulldom` / `xml.dom.expatbuilder` `parse` and \
                   `parseString`, `xml.sax.parse` and `parseString`, and the parser objects \
                   (`XMLParser`, `XMLPullParser`, `xml.sax.make_parser`, `xml.parsers.expat.ParserCreate`) \
                   when they are not handed straight to one of those parsing calls. Constant input and \
                   `defusedxml` are not reported.",
            why: "These parsers expand entities declared in the document's DTD. A few hundred bytes of \
                  nested entities (\"billion laughs\") or one large entity repeated (quadratic blowup) \
                  expand to gigabytes and exhaust the service's memory and CPU. Expat 2.4.1 and newer \
                  limit this amplification, but the Python documentation still lists these parsers as \
                  vulnerable because the expat in use may be an older system library \
                  (`pyexpat.EXPAT_VERSION` tells), hence medium confidence.",
            example: "root = ElementTree.fromstring(request.body)",
            fix: "from defusedxml import ElementTree\nroot = ElementTree.fromstring(request.body)",
            references: &[
                "https://cwe.mitre.org/data/definitions/776.html",
                "https://docs.python.org/3/library/xml.html#xml-vulnerabilities",
                "https://pypi.org/project/defusedxml/",
            ],
        },
    },
    hooks: Hooks {
        call: Some(check),
        ..Hooks::NONE
    },
};

/// Parsing functions and the name of the parameter that carries the document.
const PARSE_CALLS: &[(&str, &str)] = &[
    ("xml.etree.ElementTree.parse", "source"),
    ("xml.etree.ElementTree.fromstring", "text"),
    ("xml.etree.ElementTree.fromstringlist", "sequence"),
    ("xml.etree.ElementTree.XML", "text"),
    ("xml.etree.ElementTree.iterparse", "source"),
    ("xml.etree.cElementTree.parse", "source"),
    ("xml.etree.cElementTree.fromstring", "text"),
    ("xml.etree.cElementTree.fromstringlist", "sequence"),
    ("xml.etree.cElementTree.XML", "text"),
    ("xml.etree.cElementTree.iterparse", "source"),
    ("xml.dom.minidom.parse", "file"),
    ("xml.dom.minidom.parseString", "string"),
    ("xml.dom.pulldom.parse", "stream_or_string"),
    ("xml.dom.pulldom.parseString", "string"),
    ("xml.dom.expatbuilder.parse", "file"),
    ("xml.dom.expatbuilder.parseString", "string"),
    ("xml.sax.parse", "source"),
    ("xml.sax.parseString", "string"),
];

/// Parser objects: the document reaches them later through `feed`/`parse`.
const PARSER_CTORS: &[&str] = &[
    "xml.etree.ElementTree.XMLParser",
    "xml.etree.ElementTree.XMLPullParser",
    "xml.etree.cElementTree.XMLParser",
    "xml.etree.cElementTree.XMLPullParser",
    "xml.sax.make_parser",
    "xml.parsers.expat.ParserCreate",
];

fn check(ctx: &Context, call: &Call, out: &mut Reporter) {
    let name = call_name(call);
    if let Some(&(_, param)) = PARSE_CALLS.iter().find(|(q, _)| call.is_any(&[q])) {
        let Some(document) = call.arg(0, param) else {
            return;
        };
        if is_fixed_input(document) {
            return;
        }
        let (module, function) = name.rsplit_once('.').unwrap_or(("", name));
        let safe_module = match module {
            "xml.etree.ElementTree" | "xml.etree.cElementTree" => "defusedxml.ElementTree",
            "xml.dom.minidom" => "defusedxml.minidom",
            "xml.dom.pulldom" => "defusedxml.pulldom",
            "xml.dom.expatbuilder" => "defusedxml.expatbuilder",
            _ => "defusedxml.sax",
        };
        let safe_function = if function == "fromstringlist" {
            "fromstring"
        } else {
            function
        };
        out.report(
            call.span,
            format!("`{name}` parses {} with a parser that expands DTD entities, so a document with nested entity definitions can exhaust memory and CPU.", quote(ctx, document)),
            format!("Call `{safe_module}.{safe_function}` on the same input instead (`pip install defusedxml`); it refuses entity declarations by default."),
        );
        return;
    }
    if !call.is_any(PARSER_CTORS) || passed_to_parse_call(ctx, call) {
        return;
    }
    out.report(
        call.span,
        format!("`{name}` creates a standard-library XML parser that expands DTD entities; documents fed to it can use nested entities to exhaust memory and CPU."),
        match name.rsplit('.').next().unwrap_or(name) {
            "make_parser" => "Create the parser with `defusedxml.sax.make_parser()` instead.".to_owned(),
            "ParserCreate" => "Set `EntityDeclHandler` on this parser to a function that raises, so documents declaring entities are rejected (this is what `defusedxml` does), or parse with `defusedxml` instead.".to_owned(),
            _ => format!("Replace `{name}` with `defusedxml.ElementTree.XMLParser` (`DefusedXMLParser`), which rejects entity declarations, and feed it the same data."),
        },
    )
    .confidence(Confidence::Low);
}

/// Whether the parser made by `ctor` is passed directly as an argument of a parse call this rule
/// already reports (`ET.parse(f, parser=ET.XMLParser())`), to report the defect once.
fn passed_to_parse_call(ctx: &Context, ctor: &Call) -> bool {
    ctx.function.ops.iter().any(|op| {
        let Op::Call(call) = op else {
            return false;
        };
        PARSE_CALLS.iter().any(|(q, _)| call.is_any(&[q]))
            && call
                .args
                .iter()
                .chain(call.keywords.iter().map(|k| &k.value))
                .any(|v: &Value| v.span == ctor.span)
    })
}
