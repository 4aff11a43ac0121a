//! PY805 `tainted-ldap`: untrusted data reaches an LDAP search filter or base DN.

use crate::{Hooks, Rule, TaintSpec};
use secrev_core::{Category, Confidence, RuleDocs, RuleInfo, Severity};

pub(crate) static RULE: Rule = Rule {
    info: RuleInfo {
        id: "PY805",
        name: "tainted-ldap",
        title: "Untrusted data reaches an LDAP search filter or base DN",
        cwe: 90,
        category: Category::Injection,
        severity: Severity::High,
        confidence: Confidence::High,
        docs: RuleDocs {
            what: "Follows data from where it enters the program (request parameters, form \
                   fields, headers, route arguments, command-line arguments, environment, \
                   sockets) through assignments, string building, containers and function calls, \
                   across files, to the base DN or filter of an LDAP search: python-ldap's \
                   `search`, `search_s`, `search_st`, `search_ext` and `search_ext_s`, ldap3's \
                   `Connection.search` and `paged_search`, and the template of \
                   `ldap.filter.filter_format`. It stays silent when every path passes the value \
                   through `escape_filter_chars` (python-ldap or ldap3), `escape_dn_chars`, \
                   `escape_rdn`, or as a value of `filter_format`.",
            why: "The directory server parses `(`, `)`, `*`, `|`, `&` and `\\` in a filter. A user \
                  name such as `*)(|(uid=*` turns a lookup of one entry into a match on every \
                  entry, which can bypass an authentication check or list the whole directory, \
                  attributes included.",
            example: "user = request.form[\"user\"]\nconn.search_s(BASE_DN, ldap.SCOPE_SUBTREE, \"(uid=\" + user + \")\")",
            fix: "from ldap.filter import escape_filter_chars\n\nuser = escape_filter_chars(request.form[\"user\"])\nconn.search_s(BASE_DN, ldap.SCOPE_SUBTREE, \"(uid=\" + user + \")\")",
            references: &[
                "https://cwe.mitre.org/data/definitions/90.html",
                "https://www.python-ldap.org/en/latest/reference/ldap-filter.html",
            ],
        },
    },
    hooks: Hooks {
        taint: Some(&TaintSpec {
            kind: "ldap-injection",
            harm: "filter metacharacters in it can widen or rewrite the search",
            fix: "Escape each untrusted value with `escape_filter_chars` (or `escape_dn_chars` inside a DN), or build the filter with `ldap.filter.filter_format`, which escapes its values.",
        }),
        ..Hooks::NONE
    },
};
