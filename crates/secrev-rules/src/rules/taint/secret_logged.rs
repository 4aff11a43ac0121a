//! PY816 `cleartext-secret-logged`: a password, token or key flows into a log message.

use crate::{Hooks, Rule, TaintSpec};
use secrev_core::{Category, Confidence, RuleDocs, RuleInfo, Severity};

pub(crate) static RULE: Rule = Rule {
    info: RuleInfo {
        id: "PY816",
        name: "cleartext-secret-logged",
        title: "A password, token or key flows into a log message",
        cwe: 532,
        category: Category::InfoLeak,
        severity: Severity::Medium,
        confidence: Confidence::High,
        docs: RuleDocs {
            what: "Follows secret data (attributes and keys named like a secret: `conf.password`, \
                   `context.auth_token`, `body[\"adminPass\"]`, `headers[\"X-Auth-Token\"]`, \
                   database and message-queue URLs, `getpass.getpass()`, parameters named \
                   `password`...) through assignments, string building, containers, conversions \
                   and project functions, across files, to the arguments of a logging call \
                   (`logging`, and loggers from `logging.getLogger` or `oslo_log`). Masking \
                   (`strutils.mask_password`, `mask_dict_password`, helpers named `mask*`, \
                   `redact*`, `sanitize*`), hashing, lengths, booleans and slices stop it. A \
                   secret passed to a call nothing describes is not assumed to come back out.",
            why: "Logs are kept for a long time, shipped to aggregators and ticket systems, and \
                  read by operators, support staff and anyone who compromises the log host. A \
                  password, token or key written there is readable by all of them and lets them \
                  act as the user or the service; unlike a name-based check, the data flow also \
                  finds the secret after it was put into a message string or a dictionary.",
            example: "msg = \"connecting to %s with %s\" % (conf.host, conf.admin_password)\nLOG.debug(msg)",
            fix: "LOG.debug(\"connecting to %s\", conf.host)\n# or, when the whole structure must be logged:\nLOG.debug(strutils.mask_password(msg))",
            references: &[
                "https://cwe.mitre.org/data/definitions/532.html",
                "https://cheatsheetseries.owasp.org/cheatsheets/Logging_Cheat_Sheet.html#data-to-exclude",
                "https://docs.openstack.org/oslo.utils/latest/reference/strutils.html",
            ],
        },
    },
    hooks: Hooks {
        taint: Some(&TaintSpec {
            kind: "cleartext-secret-logged",
            harm: "everyone who can read the logs can read the secret",
            fix: "Leave `{secret}` out of the log call, or pass the logged text through `oslo_utils.strutils.mask_password` (`mask_dict_password` for a dict) so the secret is replaced by `***`.",
        }),
        ..Hooks::NONE
    },
};
