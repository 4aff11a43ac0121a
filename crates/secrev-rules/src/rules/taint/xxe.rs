//! PY812 `tainted-xml`: untrusted XML is parsed by a parser that resolves external entities.

use crate::{Hooks, Rule, TaintSpec};
use secrev_core::{Category, Confidence, RuleDocs, RuleInfo, Severity};

pub(crate) static RULE: Rule = Rule {
    info: RuleInfo {
        id: "PY812",
        name: "tainted-xml",
        title: "Untrusted XML reaches a parser that resolves external entities",
        cwe: 611,
        category: Category::Injection,
        severity: Severity::Medium,
        confidence: Confidence::High,
        docs: RuleDocs {
            what: "Follows data from where it enters the program (request bodies and \
                   parameters, uploaded files, sockets, command-line arguments, environment) \
                   through assignments, containers and function calls, across files, to lxml's \
                   `etree.fromstring`, `etree.XML`, `etree.parse` and `etree.iterparse`, whose \
                   default parser resolved external entities before lxml 5.0. The standard-library \
                   parsers (`xml.etree.ElementTree`, `minidom`, `pulldom`, `sax`) are not sinks: \
                   they do not fetch external entities by default since Python 3.7.1, and their \
                   remaining risk, unbounded entity expansion (billion laughs) with expat older \
                   than 2.4.1, is a denial of service rather than an external-entity read. It \
                   stays silent when the data is parsed with `defusedxml` instead.",
            why: "A document whose DTD declares `<!ENTITY x SYSTEM \"file:///etc/passwd\">` and \
                  uses `&x;` makes the parser read that file and put it into the parsed tree, \
                  from where it often comes back in a response or an error message. A `http://` \
                  system identifier makes the server fetch internal URLs (SSRF), and nested \
                  entities can exhaust memory.",
            example: "from lxml import etree\n\ndoc = etree.fromstring(request.data)",
            fix: "from defusedxml.lxml import fromstring  # or an lxml parser with resolve_entities=False, no_network=True\n\ndoc = fromstring(request.data)",
            references: &[
                "https://cwe.mitre.org/data/definitions/611.html",
                "https://docs.python.org/3/library/xml.html#xml-vulnerabilities",
            ],
        },
    },
    hooks: Hooks {
        taint: Some(&TaintSpec {
            kind: "xxe",
            harm: "entity declarations in it can make the parser read local files or fetch internal URLs",
            fix: "Parse untrusted XML with `defusedxml`, or give lxml a parser built with `resolve_entities=False` and `no_network=True` (the defaults of lxml 5.0 and later refuse external entities).",
        }),
        ..Hooks::NONE
    },
};
