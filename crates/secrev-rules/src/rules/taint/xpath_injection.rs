//! PY806 `tainted-xpath`: untrusted data reaches an XPath or ElementPath expression.

use crate::{Hooks, Rule, TaintSpec};
use secrev_core::{Category, Confidence, RuleDocs, RuleInfo, Severity};

pub(crate) static RULE: Rule = Rule {
    info: RuleInfo {
        id: "PY806",
        name: "tainted-xpath",
        title: "Untrusted data reaches an XPath expression",
        cwe: 643,
        category: Category::Injection,
        severity: Severity::High,
        confidence: Confidence::High,
        docs: RuleDocs {
            what: "Follows data from where it enters the program (request parameters, form \
                   fields, headers, route arguments, command-line arguments, environment, \
                   sockets) through assignments, string building, containers and function calls, \
                   across files, to the text of an XPath expression: the `xpath()` method of lxml \
                   elements and trees (and of parsel selectors), `lxml.etree.XPath` and `ETXPath`, \
                   and the `find`, `findall`, `findtext` and `iterfind` paths of \
                   `xml.etree.ElementTree`. Values bound as XPath variables (keyword arguments of \
                   lxml's `xpath()`) are not sinks. It stays silent when every path converts the \
                   value to a number, compares it with a constant or checks it against an \
                   allow-list.",
            why: "Quotes and brackets in the data change the expression's structure. A value \
                  such as `' or '1'='1` makes a lookup match every node, which can bypass a \
                  credential check stored in XML or return parts of the document the user \
                  should not see.",
            example: "name = request.args[\"name\"]\nusers = root.xpath(\"//user[@name='\" + name + \"']\")",
            fix: "name = request.args[\"name\"]\nusers = root.xpath(\"//user[@name=$name]\", name=name)",
            references: &[
                "https://cwe.mitre.org/data/definitions/643.html",
                "https://lxml.de/xpathxslt.html#the-xpath-method",
            ],
        },
    },
    hooks: Hooks {
        taint: Some(&TaintSpec {
            kind: "xpath-injection",
            harm: "quotes and brackets in it can change which nodes the expression selects",
            fix: "Keep the expression constant and pass untrusted values as XPath variables (`root.xpath(\"//user[@name=$name]\", name=name)`); with ElementTree, compare the values in Python instead.",
        }),
        ..Hooks::NONE
    },
};
