//! PY206 `torch-load-unsafe`: `torch.load` that may unpickle arbitrary objects.

use super::common::{source, Source};
use crate::helpers::{call_name, is_truthy, quote};
use crate::{Context, Hooks, Reporter, Rule};
use secrev_core::{Category, Confidence, RuleDocs, RuleInfo, Severity};
use secrev_ir::Call;

pub(crate) static RULE: Rule = Rule {
    info: RuleInfo {
        id: "PY206",
        name: "torch-load-unsafe",
        title: "`torch.load` without `weights_only=True`",
        cwe: 502,
        category: Category::Deserialization,
        severity: Severity::High,
        confidence: Confidence::High,
        docs: RuleDocs {
            what: "Finds `torch.load` called with `weights_only=False`, or without `weights_only` \
                   at all (PyTorch before 2.6 then unpickles everything). `weights_only=True` is \
                   safe; a `weights_only` value the analysis cannot read is not reported.",
            why: "A checkpoint file is a zip of pickles. Without the restricted `weights_only` \
                  unpickler, loading it can call any Python function, so a model downloaded from a \
                  hub, uploaded by a user or swapped on shared storage runs code as soon as it is \
                  loaded. PyTorch 2.6 made `weights_only=True` the default, which is why the \
                  missing argument is reported at medium severity only.",
            example: "state = torch.load(checkpoint_path, weights_only=False)",
            fix: "state = torch.load(checkpoint_path, weights_only=True)",
            references: &[
                "https://cwe.mitre.org/data/definitions/502.html",
                "https://pytorch.org/docs/stable/generated/torch.load.html",
            ],
        },
    },
    hooks: Hooks {
        call: Some(check),
        ..Hooks::NONE
    },
};

fn check(ctx: &Context, call: &Call, out: &mut Reporter) {
    if !call.is_any(&["torch.load"]) {
        return;
    }
    let Some(file) = call.arg(0, "f") else {
        return;
    };
    let weights_only = call.keyword("weights_only");
    if is_truthy(weights_only) || weights_only.is_some_and(|w| w.as_bool().is_none()) {
        return;
    }
    let name = call_name(call);
    let shown = quote(ctx, file);
    let constant_path = source(file, true) == Source::ConstantPath;
    let fix = format!("Pass `weights_only=True` to `{name}` and save only state dicts (`model.state_dict()`); load full pickled objects only from files this service wrote itself and verified.");
    if weights_only.is_some() {
        let hit = out.report(
            call.span,
            format!("`{name}` loads {shown} with `weights_only=False`, so the checkpoint's pickles can call any Python function while it is read."),
            fix,
        );
        if constant_path {
            hit.confidence(Confidence::Medium);
        }
    } else {
        out.report(
            call.span,
            format!("`{name}` loads {shown} without `weights_only=True`; on PyTorch before 2.6 the checkpoint's pickles can then call any Python function while it is read."),
            fix,
        )
        .severity(Severity::Medium)
        .confidence(if constant_path { Confidence::Low } else { Confidence::Medium });
    }
}
