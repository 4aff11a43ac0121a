//! PY812 `tainted-xml`: untrusted XML reaches a parser that resolves or freely expands entities.

use crate::{Hooks, Rule, TaintSpec};
use secrev_core::{Category, Confidence, RuleDocs, RuleInfo, Severity};

pub(crate) static RULE: Rule = Rule {
    info: RuleInfo {
        id: "PY812",
        name: "tainted-xml",
        title: "Untrusted XML reaches a parser that resolves or expands entities",
        cwe: 611,
        category: Category::Injection,
        severity: Severity::Medium,
        confidence: Confidence::High,
        docs: RuleDocs {
            what: "Follows data from where it enters the program (request bodies and \
                   parameters, uploaded files, sockets, command-line arguments, environment) \
                   through assignments, containers and function calls, across files, to an XML \
                   parser: lxml's `etree.fromstring`, `XML`, `parse` and `iterparse`, whose default \
                   parser resolves external entities before lxml 5.0, and the standard-library \
                   parsers (`xml.etree.ElementTree`, `xml.dom.minidom`, `xml.dom.pulldom`, \
                   `xml.sax`), which expand internal entities without a limit when linked against \
                   an expat older than 2.4.1. Parsing with `defusedxml` is not a sink, so it stays \
                   silent there.",
            why: "With lxml before 5.0, a document whose DTD declares \
                  `<!ENTITY x SYSTEM \"file:///etc/passwd\">` and uses `&x;` makes the parser read \
                  that file into the tree, from where it often comes back in a response or an \
                  error message; an `http://` identifier makes the server fetch internal URLs. \
                  With the standard-library parsers on an old expat, a few hundred bytes of nested \
                  entity definitions (billion laughs) expand to gigabytes and take the process \
                  down.",
            example: "import xml.etree.ElementTree as ET\n\nroot = ET.fromstring(request.data)",
            fix: "import defusedxml.ElementTree as ET  # rejects entity declarations\n\nroot = ET.fromstring(request.data)",
            references: &[
                "https://cwe.mitre.org/data/definitions/611.html",
                "https://docs.python.org/3/library/xml.html#xml-vulnerabilities",
            ],
        },
    },
    hooks: Hooks {
        taint: Some(&TaintSpec {
            kind: "xxe",
            harm: "entity declarations in it can make the parser read local files, fetch internal URLs or exhaust memory",
            fix: "Parse untrusted XML with `defusedxml` (`defusedxml.ElementTree`, `defusedxml.minidom`, `defusedxml.sax`); with lxml, upgrade to 5.0 or later, or pass a parser built with `resolve_entities=False` and `no_network=True`.",
        }),
        ..Hooks::NONE
    },
};
