//! PY205 `jsonpickle-decode`: `jsonpickle.decode` on data that is not in the code.

use super::common::{source, Source};
use crate::helpers::{call_name, quote};
use crate::{Context, Hooks, Reporter, Rule};
use secrev_core::{Category, Confidence, RuleDocs, RuleInfo, Severity};
use secrev_ir::Call;

pub(crate) static RULE: Rule = Rule {
    info: RuleInfo {
        id: "PY205",
        name: "jsonpickle-decode",
        title: "Data decoded with `jsonpickle`",
        cwe: 502,
        category: Category::Deserialization,
        severity: Severity::High,
        confidence: Confidence::High,
        docs: RuleDocs {
            what: "Finds `jsonpickle.decode`, `jsonpickle.loads` and `jsonpickle.unpickler.decode` \
                   on anything but JSON text written in the code.",
            why: "jsonpickle's JSON is not plain data: `py/object`, `py/reduce` and `py/function` \
                  entries tell the decoder which classes to import and instantiate and which \
                  callables to invoke, exactly like a pickle. A document from a client, a cookie, a \
                  queue or a cache therefore runs code of its author's choosing; the `safe` option \
                  only disables the oldest `eval`-based path.",
            example: "cart = jsonpickle.decode(request.cookies[\"cart\"])",
            fix: "cart = Cart.from_dict(json.loads(request.cookies[\"cart\"]))",
            references: &[
                "https://cwe.mitre.org/data/definitions/502.html",
                "https://jsonpickle.github.io/#jsonpickle-usage",
            ],
        },
    },
    hooks: Hooks {
        call: Some(check),
        ..Hooks::NONE
    },
};

const DECODERS: &[&str] = &[
    "jsonpickle.decode",
    "jsonpickle.loads",
    "jsonpickle.unpickler.decode",
];

fn check(ctx: &Context, call: &Call, out: &mut Reporter) {
    if !call.is_any(DECODERS) {
        return;
    }
    let Some(data) = call.arg(0, "string") else {
        return;
    };
    if source(data, false) == Source::Literal {
        return;
    }
    let name = call_name(call);
    let shown = quote(ctx, data);
    out.report(
        call.span,
        format!("`{name}` decodes {shown}; its `py/object` and `py/reduce` entries make the decoder import classes and call functions named in the data, so whoever writes it runs code here."),
        format!("Parse {shown} with `json.loads` and build the expected objects explicitly (a `from_dict` constructor or a schema library) instead of `{name}`."),
    );
}
